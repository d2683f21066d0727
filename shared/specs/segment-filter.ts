// A segment's filter as a predicate over an event's values: every condition must pass. Values are compared as
// the column's type reads them (a category column takes 5 and "5" alike, a bool column true and 1), so a filter
// selects the same events whatever JSON type a publisher used for a value of the right type.
import type { DataType } from '../schema/types.js';
import type { SegmentCondition, SegmentFilter } from '../storage/registry.js';

export type SegmentPredicate = (values: Record<string, unknown>) => boolean;

/** A value as its column's type reads it, as a comparable key; undefined when it is not of that type. */
export function valueKey(type: DataType | undefined, value: unknown): string | undefined {
  switch (type) {
    case 'bool':
      if (value === true || value === 1 || value === 'true') return 'true';
      if (value === false || value === 0 || value === 'false') return 'false';
      return undefined;
    case 'int':
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
    default:
      if (typeof value === 'string') return value;
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
  }
}

function conditionTest(type: DataType | undefined, condition: SegmentCondition): (value: unknown) => boolean {
  if ('in' in condition) {
    const keys = new Set(condition.in.map((value) => valueKey(type, value)));
    return (value) => {
      const key = valueKey(type, value);
      return key !== undefined && keys.has(key);
    };
  }
  if ('not_in' in condition) {
    // The automatic `__OTHER__` segment: every event not in a listed value's segment, missing values included.
    const keys = new Set(condition.not_in.map((value) => valueKey(type, value)));
    return (value) => {
      const key = valueKey(type, value);
      return key === undefined || !keys.has(key);
    };
  }
  const min = condition.min ?? Number.NEGATIVE_INFINITY;
  const max = condition.max ?? Number.POSITIVE_INFINITY;
  return (value) => typeof value === 'number' && value >= min && value <= max;
}

export function compileFilter(filter: SegmentFilter, types: Record<string, DataType>): SegmentPredicate {
  const tests = Object.entries(filter).map(([column, condition]) => {
    const test = conditionTest(Object.hasOwn(types, column) ? types[column] : undefined, condition);
    return (values: Record<string, unknown>) =>
      test(Object.hasOwn(values, column) ? values[column] : undefined);
  });
  return (values) => {
    for (const test of tests) if (!test(values)) return false;
    return true;
  };
}

/** The filter in one canonical text: a PUT with the same conditions in another order changes nothing. */
export function canonicalFilter(filter: SegmentFilter): string {
  const sorted = Object.keys(filter)
    .sort()
    .map((column) => {
      const condition = filter[column] as SegmentCondition;
      if ('in' in condition) return [column, { in: [...condition.in].map((v) => JSON.stringify(v)).sort() }];
      if ('not_in' in condition)
        return [column, { not_in: [...condition.not_in].map((v) => JSON.stringify(v)).sort() }];
      return [column, { min: condition.min ?? null, max: condition.max ?? null }];
    });
  return JSON.stringify(sorted);
}
