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

/**
 * The verdict packed in one number, so the fold allocates nothing per value: NULL_VIOLATION, TYPE_VIOLATION or
 * NOT_BINNED (valid, no drift bin), else a drift bin index, plus RANGE_FLAG when the value is out of range.
 */
export const NULL_VIOLATION = -1;
export const TYPE_VIOLATION = -2;
export const NOT_BINNED = -3;
export const RANGE_FLAG = 1 << 24;

export function judgeCode(column: ColumnSpec, value: unknown): number {
  if (value === undefined || value === null) return NULL_VIOLATION;
  switch (column.data_type) {
    case 'int':
      return Number.isInteger(value) ? numberCode(column, value as number) : TYPE_VIOLATION;
    case 'float':
      return isFiniteNumber(value) ? numberCode(column, value) : TYPE_VIOLATION;
    case 'bool':
      if (value === true || value === 1) return 1;
      if (value === false || value === 0) return 0;
      return TYPE_VIOLATION;
    case 'category': {
      if (typeof value !== 'string' && !isFiniteNumber(value)) return TYPE_VIOLATION;
      const index = categoryLookup(column).get(typeof value === 'string' ? value : String(value));
      // Unseen categories are range violations and go to the last drift bin, the one for values not in the baseline.
      return index === undefined ? (column.categories?.length ?? 0) | RANGE_FLAG : index;
    }
    case 'str':
      return typeof value === 'string' || isFiniteNumber(value) ? NOT_BINNED : TYPE_VIOLATION;
  }
}

/** Out-of-range numbers are still binned: they land in the outer bins. */
function numberCode(column: ColumnSpec, value: number): number {
  const outOfRange =
    (column.min !== null && value < column.min) || (column.max !== null && value > column.max);
  const bin = column.drift?.layout === 'numeric' ? numericBinIndex(column.drift.edges, value) : NOT_BINNED;
  if (!outOfRange) return bin;
  // A range violation without a bin cannot happen for numeric columns (they always have drift bins).
  return bin === NOT_BINNED ? RANGE_FLAG | ((1 << 24) - 1) : bin | RANGE_FLAG;
}

export function judgeValue(column: ColumnSpec, value: unknown): ValueVerdict {
  const code = judgeCode(column, value);
  if (code === NULL_VIOLATION) return MISSING;
  if (code === TYPE_VIOLATION) return WRONG_TYPE;
  if (code === NOT_BINNED) return UNBINNED;
  if (code & RANGE_FLAG) {
    const bin = code & ~RANGE_FLAG;
    return { violation: 'range', driftBin: bin === (1 << 24) - 1 ? null : bin };
  }
  return { violation: null, driftBin: code };
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
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
