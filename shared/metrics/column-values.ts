// How one event value of a monitored column counts (contract section 5): the integrity violation it is, if any,
// and the drift bin it falls in. Null is judged first, then type, then range.

import { numericBinIndex } from './drift-bins.js';
import type { ColumnSpec } from './spec.js';

export type Violation = 'null' | 'type' | 'range';

export interface ValueVerdict {
  violation: Violation | null;
  /** Index into the column's drift bins; null when the value is left out of drift (missing, wrong type, str). */
  driftBin: number | null;
}

const MISSING: ValueVerdict = { violation: 'null', driftBin: null };
const WRONG_TYPE: ValueVerdict = { violation: 'type', driftBin: null };
const UNBINNED: ValueVerdict = { violation: null, driftBin: null };

export function judgeValue(column: ColumnSpec, value: unknown): ValueVerdict {
  if (value === undefined || value === null) return MISSING;
  switch (column.data_type) {
    case 'int':
      return Number.isInteger(value) ? judgeNumber(column, value as number) : WRONG_TYPE;
    case 'float':
      return isFiniteNumber(value) ? judgeNumber(column, value) : WRONG_TYPE;
    case 'bool': {
      const flag = asBool(value);
      return flag === null ? WRONG_TYPE : { violation: null, driftBin: flag ? 1 : 0 };
    }
    case 'category':
      return typeof value === 'string' || isFiniteNumber(value)
        ? judgeCategory(column, String(value))
        : WRONG_TYPE;
    case 'str':
      return typeof value === 'string' || isFiniteNumber(value) ? UNBINNED : WRONG_TYPE;
  }
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Out-of-range numbers are still binned: they land in the outer bins. */
function judgeNumber(column: ColumnSpec, value: number): ValueVerdict {
  const outOfRange =
    (column.min !== null && value < column.min) || (column.max !== null && value > column.max);
  const driftBin = column.drift?.layout === 'numeric' ? numericBinIndex(column.drift.edges, value) : null;
  return { violation: outOfRange ? 'range' : null, driftBin };
}

/** Unseen categories are range violations and go to the last drift bin, the one for values not in the baseline. */
function judgeCategory(column: ColumnSpec, label: string): ValueVerdict {
  const lookup = categoryLookup(column);
  const index = lookup.get(label);
  if (index === undefined) return { violation: 'range', driftBin: column.categories?.length ?? 0 };
  return { violation: null, driftBin: index };
}

/** A bool column takes true/false and 0/1. */
function asBool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  return null;
}

/** Category index per label, built once per spec column object (specs are read many times, never mutated). */
const categoryLookups = new WeakMap<ColumnSpec, Map<string, number>>();

function categoryLookup(column: ColumnSpec): Map<string, number> {
  let lookup = categoryLookups.get(column);
  if (!lookup) {
    lookup = new Map((column.categories ?? []).map((category, index) => [category, index]));
    categoryLookups.set(column, lookup);
  }
  return lookup;
}
