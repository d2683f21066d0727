// The shapes of an hour profile and of the components it is made of (whylogs' model: each kind of state knows how
// to be zero, to absorb or remove a value, to merge and to serialise), kept apart so components and profile share them.

import type { ColumnPlan } from '../fold-plan.js';
import type { ColumnStats } from '../numeric/column-stats.js';
import type { PerformanceTally } from '../performance/tally.js';
import type { ColumnSpec, MonitorSpec } from '../spec.js';

export const PROFILE_FORMAT = 2;

export interface ViolationCounts {
  null_violations: number;
  type_violations: number;
  range_violations: number;
  /** Events with a violation of any kind. */
  any_violations: number;
}

/** A column's state, one field per column component (components/registry.ts). */
export interface ColumnTally {
  name: string;
  /** Count per drift bin of the column's spec; null for str columns. */
  drift_counts: number[] | null;
  integrity: ViolationCounts;
  /** Numeric inputs and outputs; null for other columns, and for hours stored before statistics existed. */
  numeric: ColumnStats | null;
}

/** Plain JSON in memory; stored through serializeProfile. */
export interface HourProfile {
  format: typeof PROFILE_FORMAT;
  traffic: number;
  /** One per spec column, in spec order. */
  columns: ColumnTally[];
  /** `__ANY__`: events with at least one violation of each kind across all monitored columns. */
  all_columns: ViolationCounts;
  performance: PerformanceTally | null;
}

export type ColumnStateKey = Exclude<keyof ColumnTally, 'name'>;
export type ProfileStateKey = Exclude<keyof HourProfile, 'format' | 'columns'>;

/**
 * A column's values over a batch of events, judged once (column-values.ts's codes, one per event) for every
 * component to read column by column, as whylogs' columnar_update does.
 */
export interface ColumnBatch {
  readonly codes: Int32Array;
  readonly length: number;
  /** Numeric columns: the values of the events whose code is at least 0 (well-typed numbers), in event order. */
  readonly numbers: Float64Array;
  readonly numberCount: number;
}

/**
 * State kept per monitored column. `absorb` gets the value's verdict code (column-values.ts) as well as the value,
 * so the verdict is worked out once per value whatever the number of components; sign -1 removes the value.
 * `absorbColumn` takes a batch of events with one sign and leaves the state absorbing them one by one would.
 */
export interface ColumnComponent<K extends ColumnStateKey = ColumnStateKey> {
  readonly key: K;
  zero(column: ColumnSpec): ColumnTally[K];
  absorb(tally: ColumnTally, column: ColumnPlan, code: number, value: unknown, sign: 1 | -1): void;
  absorbColumn(tally: ColumnTally, column: ColumnPlan, batch: ColumnBatch, sign: 1 | -1): void;
  merge(a: ColumnTally[K], b: ColumnTally[K]): ColumnTally[K];
  serialize(state: ColumnTally[K]): unknown;
  deserialize(raw: unknown): ColumnTally[K];
}

/** State kept once per profile. `kinds` holds the event's violation kinds as bits (VIOLATION_BITS). */
export interface ProfileComponent<K extends ProfileStateKey = ProfileStateKey> {
  readonly key: K;
  zero(spec: MonitorSpec): HourProfile[K];
  absorb(
    profile: HourProfile,
    spec: MonitorSpec,
    event: Record<string, unknown>,
    sign: 1 | -1,
    kinds: number,
  ): void;
  merge(a: HourProfile[K], b: HourProfile[K]): HourProfile[K];
  serialize(state: HourProfile[K]): unknown;
  deserialize(raw: unknown): HourProfile[K];
}

export const VIOLATION_BITS = { null: 1, type: 2, range: 4 } as const;
