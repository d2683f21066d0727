// Integrity components: per column, null, type and range violation counts; per profile (`__ANY__`), events with
// at least one violation of each kind across the monitored columns.

import { NULL_VIOLATION, RANGE_FLAG, TYPE_VIOLATION } from '../column-values.js';
import {
  type ColumnComponent,
  type ProfileComponent,
  VIOLATION_BITS,
  type ViolationCounts,
} from './types.js';

export function noViolations(): ViolationCounts {
  return { null_violations: 0, type_violations: 0, range_violations: 0, any_violations: 0 };
}

export function addViolations(a: ViolationCounts, b: ViolationCounts): ViolationCounts {
  return {
    null_violations: a.null_violations + b.null_violations,
    type_violations: a.type_violations + b.type_violations,
    range_violations: a.range_violations + b.range_violations,
    any_violations: a.any_violations + b.any_violations,
  };
}

/** The violation kind of a verdict code as a VIOLATION_BITS bit, 0 for none. */
export function violationBit(code: number): number {
  if (code === NULL_VIOLATION) return VIOLATION_BITS.null;
  if (code === TYPE_VIOLATION) return VIOLATION_BITS.type;
  return code >= 0 && code & RANGE_FLAG ? VIOLATION_BITS.range : 0;
}

export function deserializeViolations(raw: unknown): ViolationCounts {
  const body = raw as Partial<ViolationCounts> | null;
  const counts = noViolations();
  for (const key of Object.keys(counts) as Array<keyof ViolationCounts>) {
    const value = body?.[key];
    if (typeof value !== 'number') throw new RangeError(`violation count ${key} is not a number`);
    counts[key] = value;
  }
  return counts;
}

export const INTEGRITY_COMPONENT: ColumnComponent<'integrity'> = {
  key: 'integrity',
  zero: noViolations,
  absorb(tally, _column, code, _value, sign) {
    if (code >= 0 && !(code & RANGE_FLAG)) return;
    const counts = tally.integrity;
    if (code === NULL_VIOLATION) counts.null_violations += sign;
    else if (code === TYPE_VIOLATION) counts.type_violations += sign;
    else if (code >= 0) counts.range_violations += sign;
    else return;
    counts.any_violations += sign;
  },
  absorbColumn(tally, _column, batch, sign) {
    let nulls = 0;
    let types = 0;
    let ranges = 0;
    const codes = batch.codes;
    for (let i = 0; i < batch.length; i++) {
      const code = codes[i] as number;
      if (code === NULL_VIOLATION) nulls++;
      else if (code === TYPE_VIOLATION) types++;
      else if (code >= 0 && code & RANGE_FLAG) ranges++;
    }
    const any = nulls + types + ranges;
    if (any === 0) return;
    const counts = tally.integrity;
    counts.null_violations += sign * nulls;
    counts.type_violations += sign * types;
    counts.range_violations += sign * ranges;
    counts.any_violations += sign * any;
  },
  merge: addViolations,
  serialize: (state) => state,
  deserialize: deserializeViolations,
};

export const ANY_COLUMN_INTEGRITY_COMPONENT: ProfileComponent<'all_columns'> = {
  key: 'all_columns',
  zero: noViolations,
  absorb(profile, _spec, _event, sign, kinds) {
    if (kinds === 0) return;
    const all = profile.all_columns;
    if (kinds & VIOLATION_BITS.null) all.null_violations += sign;
    if (kinds & VIOLATION_BITS.type) all.type_violations += sign;
    if (kinds & VIOLATION_BITS.range) all.range_violations += sign;
    all.any_violations += sign;
  },
  merge: addViolations,
  serialize: (state) => state,
  deserialize: deserializeViolations,
};
