// The alert rule form, in a dialog: create a rule (POST), or edit one (PATCH, which takes only the name,
// thresholds, priority and notifications). The API validates; its error sentence is shown as it comes. The
// fields scroll inside the dialog while its error and buttons stay in view, whatever the screen's height.
import type { ApiClient } from '../api/client.js';
import type { AlertRule, AlertRuleInput, AlertRulePatch, ModelInfo, Segment } from '../api/types.js';
import { ANY_COLUMN, type MetricInfo, monitoredColumns, ruleMetrics } from '../monitor/catalog.js';
import { h, replace, status, uid } from '../ui/dom.js';
import { messageOf } from './chart-panel.js';
import { segmentWords } from './incidents.js';

const KIND_LABELS: Record<MetricInfo['kind'], string> = {
  traffic: 'Traffic',
  drift: 'Drift',
  integrity: 'Data integrity',
  performance: 'Performance',
};

function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || uid('field');
  control.id = id;
  const hintId = hint ? `${id}-hint` : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
  );
}

function select(name: string, options: Array<[string, string]>, value: string): HTMLSelectElement {
  return h(
    'select',
    { name },
    options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)),
  );
}

const list = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((item) => item.trim())
    .filter(Boolean);

function numberOrUndefined(input: HTMLInputElement): number | undefined {
  return input.value.trim() === '' ? undefined : Number(input.value);
}

export interface RuleFormOptions {
  api: ApiClient;
  model: ModelInfo;
  rule?: AlertRule;
  /** The model's segments, offered as what the rule watches. */
  segments?: Segment[];
  /** Called with the saved rule once the API has accepted it. */
  onSaved: (rule: AlertRule) => void;
}

export function openRuleForm(options: RuleFormOptions): HTMLDialogElement {
  const { api, model, rule } = options;
  const editing = rule !== undefined;
  const metrics = ruleMetrics(model);
  const name = h('input', {
    name: 'name',
    type: 'text',
    value: rule?.name ?? '',
    autocomplete: 'off',
    'aria-required': 'true',
  });
  const metric = h(
    'select',
    { name: 'metric', disabled: editing },
    (['traffic', 'drift', 'integrity', 'performance'] as const).map((kind) =>
      h(
        'optgroup',
        { label: KIND_LABELS[kind] },
        metrics
          .filter((m) => m.kind === kind)
          .map((m) => h('option', { value: m.id, selected: m.id === (rule?.metric ?? 'jsd') }, m.label)),
      ),
    ),
  );
  const columnBoxes = [ANY_COLUMN, ...monitoredColumns(model)].map((column) => {
    const id = uid('column');
    const input = h('input', {
      id,
      type: 'checkbox',
      value: column,
      checked: rule?.columns.includes(column),
      disabled: editing,
    });
    return {
      column,
      input,
      element: h(
        'div',
        { class: 'field-check' },
        input,
        h('label', { for: id }, column === ANY_COLUMN ? 'Any column (__ANY__)' : column),
      ),
    };
  });
  const columns = h(
    'fieldset',
    { class: 'columns' },
    h('legend', {}, 'Columns'),
    columnBoxes.map((box) => box.element),
  );
  const binSize = select(
    'bin_size',
    [
      ['hour', 'Hour'],
      ['day', 'Day'],
      ['week', 'Week'],
    ],
    rule?.bin_size ?? 'day',
  );
  const compareTo = select(
    'compare_to',
    [
      ['raw_value', 'The value itself'],
      ['time_period', 'Its change from an earlier bin'],
    ],
    rule?.compare_to ?? 'raw_value',
  );
  const delta = h('input', {
    name: 'compare_bin_delta',
    type: 'number',
    min: 1,
    step: 1,
    value: rule?.compare_bin_delta ?? 1,
  });
  const previous = /^previous:(\d+)$/.exec(rule?.baseline ?? '');
  const segment = select(
    'segment',
    [
      ['', 'All events'],
      ...(options.segments ?? [])
        .filter((s) => s.state === 'ready' || s.segment_id === rule?.segment)
        .map((s): [string, string] => [s.segment_id, s.automatic ? segmentWords(s.segment_id) : s.name]),
    ],
    rule?.segment ?? '',
  );
  const baseline = select(
    'baseline',
    [
      ['dataset', 'The baseline dataset'],
      ['previous', 'The bins just before (rolling)'],
    ],
    previous ? 'previous' : 'dataset',
  );
  const baselineBins = h('input', {
    name: 'baseline_bins',
    type: 'number',
    min: 1,
    max: 1000,
    step: 1,
    value: previous?.[1] ?? 7,
  });
  const condition = select(
    'condition',
    [
      ['greater', 'Greater than the threshold'],
      ['lesser', 'Less than the threshold'],
    ],
    rule?.condition ?? 'greater',
  );
  const warning = h('input', {
    name: 'warning_threshold',
    type: 'number',
    step: 'any',
    value: rule?.warning_threshold ?? '',
  });
  const critical = h('input', {
    name: 'critical_threshold',
    type: 'number',
    step: 'any',
    value: rule?.critical_threshold ?? '',
    'aria-required': 'true',
  });
  const priority = select(
    'priority',
    [
      ['low', 'Low'],
      ['medium', 'Medium'],
      ['high', 'High'],
    ],
    rule?.priority ?? 'medium',
  );
  const emails = h('input', {
    name: 'emails',
    type: 'text',
    value: rule?.notifications.emails.join(', ') ?? '',
    autocomplete: 'off',
  });
  const sms = h('input', {
    name: 'sms',
    type: 'text',
    value: rule?.notifications.sms.join(', ') ?? '',
    autocomplete: 'off',
  });
  const webhooks = h('input', {
    name: 'webhooks',
    type: 'text',
    value: rule?.notifications.webhooks.join(', ') ?? '',
    autocomplete: 'off',
  });
  for (const control of [binSize, compareTo, delta, condition, segment, baseline, baselineBins])
    control.disabled = editing;
  const errors = h('div', { class: 'form-errors' });
  const save = h('button', { type: 'submit', class: 'primary' }, editing ? 'Save changes' : 'Create rule');

  const syncVisibility = () => {
    const info = metrics.find((m) => m.id === metric.value);
    columns.hidden = !info?.perColumn;
    // Only drift on drift bins compares with another baseline than the dataset.
    const drift = metric.value === 'jsd' || metric.value === 'psi';
    baseline.closest('.field')?.toggleAttribute('hidden', !drift);
    baselineBins.closest('.field')?.toggleAttribute('hidden', !drift || baseline.value !== 'previous');
    const anyBox = columnBoxes[0];
    if (anyBox) anyBox.element.hidden = info?.kind !== 'integrity';
    delta.closest('.field')?.toggleAttribute('hidden', compareTo.value !== 'time_period');
  };
  metric.addEventListener('change', syncVisibility);
  compareTo.addEventListener('change', syncVisibility);
  baseline.addEventListener('change', syncVisibility);

  const form = h(
    'form',
    { class: 'rule-form', novalidate: true },
    h(
      'div',
      { class: 'form-body' },
      h('div', { class: 'form-row' }, field('Name', name), field('Metric', metric)),
      columns,
      h(
        'div',
        { class: 'form-row' },
        field('Segment', segment),
        field('Drift compared with', baseline),
        field('Bins before', baselineBins, 'How many bins the rolling baseline holds.'),
      ),
      h(
        'div',
        { class: 'form-row' },
        field('Bin size', binSize),
        field('Compare', compareTo),
        field('Bins back', delta, 'For a change: how many bins earlier to compare with.'),
      ),
      h(
        'div',
        { class: 'form-row' },
        field('Fires when the value is', condition),
        field('Warning threshold', warning, 'Optional.'),
        field('Critical threshold', critical),
        field('Priority', priority),
      ),
      h(
        'fieldset',
        { class: 'notifications' },
        h('legend', {}, 'Notifications (comma-separated)'),
        h(
          'div',
          { class: 'form-row' },
          field('Emails', emails),
          field('SMS numbers', sms, 'E.164, e.g. +15551234567.'),
          field('Webhook URLs', webhooks),
        ),
      ),
      editing
        ? h(
            'p',
            { class: 'hint' },
            'Only the name, thresholds, priority and notifications of a rule can change; to watch something else, create a new rule.',
          )
        : null,
    ),
    errors,
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'),
      save,
    ),
  );

  const notifications = () => ({
    emails: list(emails.value),
    sms: list(sms.value),
    webhooks: list(webhooks.value),
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(errors);
    save.disabled = true;
    try {
      let saved: AlertRule;
      if (rule) {
        const patch: AlertRulePatch = {
          name: name.value.trim(),
          critical_threshold: numberOrUndefined(critical) as number,
          priority: priority.value as AlertRule['priority'],
          notifications: notifications(),
        };
        const warningValue = numberOrUndefined(warning);
        if (warningValue !== undefined) patch.warning_threshold = warningValue;
        else if (typeof rule.warning_threshold === 'number') patch.warning_threshold = null;
        saved = await api.updateRule(model, rule.rule_id, patch);
      } else {
        const info = metrics.find((m) => m.id === metric.value);
        const body: AlertRuleInput = {
          name: name.value.trim(),
          metric: metric.value,
          columns: info?.perColumn
            ? columnBoxes.filter((box) => box.input.checked).map((box) => box.column)
            : [],
          bin_size: binSize.value as AlertRuleInput['bin_size'],
          compare_to: compareTo.value as AlertRuleInput['compare_to'],
          compare_bin_delta: Number(delta.value || 1),
          condition: condition.value as AlertRuleInput['condition'],
          critical_threshold: numberOrUndefined(critical) as number,
          priority: priority.value as AlertRuleInput['priority'],
          notifications: notifications(),
        };
        const warningValue = numberOrUndefined(warning);
        if (warningValue !== undefined) body.warning_threshold = warningValue;
        if (segment.value) body.segment = segment.value;
        if ((metric.value === 'jsd' || metric.value === 'psi') && baseline.value === 'previous') {
          body.baseline = `previous:${baselineBins.value || 7}`;
        }
        saved = await api.createRule(model, body);
      }
      dialog.close();
      options.onSaved(saved);
    } catch (error) {
      replace(errors, status('error', `The rule was not saved: ${messageOf(error)}`));
      save.disabled = false;
    }
  });

  const dialog = h(
    'dialog',
    { class: 'rule-dialog', 'aria-labelledby': 'rule-form-title', 'data-dialog': 'rule' },
    h(
      'div',
      { class: 'dialog-head' },
      h('h2', { id: 'rule-form-title' }, editing ? `Edit rule "${rule.name}"` : 'New alert rule'),
    ),
    form,
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  syncVisibility();
  dialog.showModal();
  name.focus();
  return dialog;
}
