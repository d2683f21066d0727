// A tiny element builder and the status messages (loading, empty, error) every panel shows in words.

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined | EventListener>;

/** h('button', { type: 'button', onclick: fn }, 'Save'): attributes, `on*` listeners, then children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Array<Child | Child[]>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Element, children: Array<Child | Child[]>): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
}

export function replace(parent: Element, ...children: Array<Child | Child[]>): void {
  parent.replaceChildren();
  append(parent, children);
}

export type StatusKind = 'loading' | 'empty' | 'error' | 'info';

/** A message in words; errors are announced (role=alert), the rest politely (role=status). */
export function status(kind: StatusKind, text: string, ...extra: Array<Child | Child[]>): HTMLElement {
  return h(
    'div',
    { class: `status status-${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-status': kind },
    h('p', {}, text),
    ...extra,
  );
}

let idCounter = 0;
export function uid(prefix: string): string {
  idCounter++;
  return `${prefix}-${idCounter}`;
}

/** A labelled <select>. */
export function labelledSelect(
  label: string,
  options: Array<{ value: string; label: string }>,
  value: string,
  onChange: (value: string) => void,
): { field: HTMLElement; select: HTMLSelectElement } {
  const id = uid('select');
  const select = h(
    'select',
    { id, onchange: () => onChange(select.value) },
    options.map((option) =>
      h('option', { value: option.value, selected: option.value === value }, option.label),
    ),
  );
  return { field: h('div', { class: 'field' }, h('label', { for: id }, label), select), select };
}

export function labelledCheckbox(
  label: string,
  checked: boolean,
  onChange: (checked: boolean) => void,
): HTMLElement {
  const id = uid('check');
  const input = h('input', { id, type: 'checkbox', checked, onchange: () => onChange(input.checked) });
  return h('div', { class: 'field field-check' }, input, h('label', { for: id }, label));
}
