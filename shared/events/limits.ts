// The size and depth limits of one event, checked wherever an event enters, so no stored event can outgrow
// the storage's item limit or overflow a recursive reader (JSON.stringify, the profile fold) later.
import { InvalidInput } from '../errors.js';

/** One event as JSON: a third of DynamoDB's 400 KB item, leaving room for keys, attributes and growth. */
export const MAX_EVENT_BYTES = 128 * 1024;
/** Nesting levels of objects and arrays within one column's value; a scalar is at depth 0. */
export const MAX_VALUE_DEPTH = 32;

/** Throws a 400 naming the column when the event is too deep or too large; never recurses itself. */
export function checkEventLimits(columns: Record<string, unknown>): void {
  // Depth first: measuring the size with JSON.stringify would itself overflow the stack on a deep value.
  for (const [name, value] of Object.entries(columns)) {
    if (depthExceeds(value, MAX_VALUE_DEPTH)) {
      throw new InvalidInput(
        `event.${name}: the value is nested deeper than ${MAX_VALUE_DEPTH} levels`,
        'value_too_deep',
      );
    }
  }
  let total = 2; // the braces
  let largest = { name: '', bytes: -1 };
  for (const [name, value] of Object.entries(columns)) {
    const bytes = jsonBytes(value);
    total += jsonBytes(name) + 1 + bytes + 1; // key, colon, value, comma
    if (bytes > largest.bytes) largest = { name, bytes };
  }
  if (total > MAX_EVENT_BYTES) {
    throw new InvalidInput(
      `event.${largest.name}: the event is ${total} bytes of JSON, over the limit of ${MAX_EVENT_BYTES}; ` +
        `its largest column '${largest.name}' takes ${largest.bytes}`,
      'event_too_large',
    );
  }
}

/** Whether any object or array inside `value` sits more than `limit` levels down, by an explicit stack. */
export function depthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue;
    const depth = item.depth + 1;
    if (depth > limit) return true;
    const children = Array.isArray(item.value) ? item.value : Object.values(item.value);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth });
    }
  }
  return false;
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? 'null', 'utf8');
}
