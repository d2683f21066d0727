// The mergeable profile of one model-hour: traffic, per-column drift and integrity tallies, and performance.
// Shaped like whylogs metrics (empty / absorb / merge / serialise); absorbing with sign -1 takes an event back out.

import { judgeCode, NOT_BINNED, NULL_VIOLATION, RANGE_FLAG, TYPE_VIOLATION } from './column-values.js';
import {
  absorbPerformance,
  emptyPerformanceTally,
  mergePerformance,
  type PerformanceTally,
} from './performance/tally.js';
import type { MonitorSpec } from './spec.js';

export const PROFILE_FORMAT = 1;

const NULL_BIT = 1;
const TYPE_BIT = 2;
const RANGE_BIT = 4;

export interface ViolationCounts {
  null_violations: number;
  type_violations: number;
  range_violations: number;
  /** Events with a violation of any kind. */
  any_violations: number;
}

export interface ColumnTally extends ViolationCounts {
  name: string;
  /** Count per drift bin of the column's spec; null for str columns. */
  drift_counts: number[] | null;
}

/** Plain JSON: stored as one item, so it stays small (a few KB per 50 columns, plus the binary score histograms). */
export interface HourProfile {
  format: typeof PROFILE_FORMAT;
  traffic: number;
  /** One per spec column, in spec order. */
  columns: ColumnTally[];
  /** `__ANY__`: events with at least one violation of each kind across all monitored columns. */
  all_columns: ViolationCounts;
  performance: PerformanceTally | null;
}

export function emptyProfile(spec: MonitorSpec): HourProfile {
  return {
    format: PROFILE_FORMAT,
    traffic: 0,
    columns: spec.columns.map((column) => ({
      name: column.name,
      drift_counts: column.drift ? column.drift.baseline_counts.map(() => 0) : null,
      ...noViolations(),
    })),
    all_columns: noViolations(),
    performance: emptyPerformanceTally(spec),
  };
}

/**
 * Adds one event (sign 1) or takes it back out (sign -1), in place. An update subtracts the event's old image and
 * adds the new one; taking out exactly what was added restores the profile exactly.
 */
export function absorbEvent(
  profile: HourProfile,
  spec: MonitorSpec,
  eventValues: Record<string, unknown>,
  sign: 1 | -1,
): void {
  profile.traffic += sign;
  // Kinds of violation this event has, as bits: the `__ANY__` counters count events, not values.
  let kinds = 0;
  const columns = spec.columns;
  for (let index = 0; index < columns.length; index++) {
    const column = columns[index] as MonitorSpec['columns'][number];
    const tally = profile.columns[index] as ColumnTally;
    // One keyed load instead of hasOwn and a load: what an object inherits is a function (JSON never holds
    // one), and '__proto__' is refused as a column name, so only own values are read.
    const found = eventValues[column.name];
    const code = judgeCode(column, typeof found === 'function' ? undefined : found);
    if (code === NOT_BINNED) continue;
    if (code === NULL_VIOLATION || code === TYPE_VIOLATION) {
      if (code === NULL_VIOLATION) tally.null_violations += sign;
      else tally.type_violations += sign;
      tally.any_violations += sign;
      kinds |= code === NULL_VIOLATION ? NULL_BIT : TYPE_BIT;
      continue;
    }
    let bin = code;
    if (code & RANGE_FLAG) {
      bin = code & ~RANGE_FLAG;
      tally.range_violations += sign;
      tally.any_violations += sign;
      kinds |= RANGE_BIT;
    }
    const counts = tally.drift_counts;
    if (counts && bin < counts.length) counts[bin] = (counts[bin] as number) + sign;
  }
  if (kinds !== 0) {
    const all = profile.all_columns;
    if (kinds & NULL_BIT) all.null_violations += sign;
    if (kinds & TYPE_BIT) all.type_violations += sign;
    if (kinds & RANGE_BIT) all.range_violations += sign;
    all.any_violations += sign;
  }
  if (profile.performance) absorbPerformance(profile.performance, spec, eventValues, sign);
}

/** A new profile holding both; they must come from the same spec. */
export function mergeProfiles(a: HourProfile, b: HourProfile): HourProfile {
  if (a.columns.length !== b.columns.length) throw new RangeError('cannot merge profiles of different specs');
  return {
    format: PROFILE_FORMAT,
    traffic: a.traffic + b.traffic,
    columns: a.columns.map((tally, index) => mergeColumnTallies(tally, b.columns[index] as ColumnTally)),
    all_columns: addViolations(a.all_columns, b.all_columns),
    performance: mergePerformance(a.performance, b.performance),
  };
}

export function serializeProfile(profile: HourProfile): string {
  return JSON.stringify(profile);
}

export function deserializeProfile(text: string): HourProfile {
  const parsed: unknown = JSON.parse(text);
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    (parsed as { format?: unknown }).format !== PROFILE_FORMAT
  ) {
    throw new RangeError(`not a profile of format ${PROFILE_FORMAT}`);
  }
  return parsed as HourProfile;
}

function noViolations(): ViolationCounts {
  return { null_violations: 0, type_violations: 0, range_violations: 0, any_violations: 0 };
}

function addViolations(a: ViolationCounts, b: ViolationCounts): ViolationCounts {
  return {
    null_violations: a.null_violations + b.null_violations,
    type_violations: a.type_violations + b.type_violations,
    range_violations: a.range_violations + b.range_violations,
    any_violations: a.any_violations + b.any_violations,
  };
}

function mergeColumnTallies(a: ColumnTally, b: ColumnTally): ColumnTally {
  if (a.name !== b.name || a.drift_counts?.length !== b.drift_counts?.length) {
    throw new RangeError(`cannot merge tallies of column ${a.name} built with different specs`);
  }
  return {
    name: a.name,
    drift_counts: a.drift_counts?.map((count, bin) => count + (b.drift_counts?.[bin] ?? 0)) ?? null,
    ...addViolations(a, b),
  };
}
