// The shape every metric calculation shares: a definition (which models and columns it applies to) and a typed
// result, with the guards that keep NaN and Infinity out of results.

import { TASKS, type Task } from '../schema/types.js';
import type { ComponentKey } from './components/registry.js';
import type { ColumnStats } from './numeric/column-stats.js';
import type { HourProfile } from './profile.js';
import type { MonitorSpec } from './spec.js';

/** `count` is the number of events behind the value: traffic for drift, integrity and traffic, data_count else. */
export interface MetricResult {
  value: number | null;
  count: number;
  /**
   * Drift metrics: the value expected, under no drift, for a sample of `count` events drawn from the baseline
   * (noise.ts). Absent for other metrics and for empty bins.
   */
  noise?: number | null;
}

export interface MetricDefinition {
  id: string;
  perColumn: boolean;
  /** The profile component the metric reads (components/registry.ts). */
  component: ComponentKey;
  /** Drift metrics compare a bin with a baseline, so they take `baseline=` (contract section 10). */
  comparesBaseline?: boolean;
  /** Model tasks the metric applies to. */
  tasks: readonly Task[];
  /** Columns the metric can be asked for (empty for metrics that are not per column). */
  columnsAllowed(spec: MonitorSpec): string[];
  /**
   * `column` has been checked against columnsAllowed when the metric is per column. `against`, for the metrics that
   * read the `numeric` component, is a production baseline (contract section 10): the column's statistics merged
   * over a window or the previous bins, null when they hold none; absent, the spec's dataset baseline.
   */
  compute(
    profile: HourProfile,
    spec: MonitorSpec,
    column?: string,
    against?: ColumnStats | null,
  ): MetricResult;
}

export const ALL_TASKS: readonly Task[] = TASKS;

export const noColumns = (): string[] => [];

/** a / b, or null when b is 0 or the quotient is not finite. */
export function ratioOrNull(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  return finiteOrNull(numerator / denominator);
}

export function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}
