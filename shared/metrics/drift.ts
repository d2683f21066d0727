// Drift metrics over a column's drift bins: Jensen-Shannon distance, population stability index, Hellinger
// distance and the chi-squared test's p-value, comparing the baseline's counts with the bin's, with their noise.

import { chiSquaredPValue } from './chi-squared.js';
import { ALL_TASKS, finiteOrNull, type MetricDefinition, type MetricResult } from './definition.js';
import { binMetricNoise } from './noise.js';
import type { ColumnTally, HourProfile } from './profile.js';
import { columnIndexOf, type MonitorSpec } from './spec.js';

/**
 * As scipy.spatial.distance.jensenshannon(p, q, base=2): both count vectors normalised to proportions,
 * m = (p + q) / 2, sqrt((KL(p || m) + KL(q || m)) / 2) with log base 2. Null when either side has no counts.
 */
export function jensenShannonDistance(
  baselineCounts: readonly number[],
  observedCounts: readonly number[],
): number | null {
  const divergence = sumOverProportions(baselineCounts, observedCounts, (pi, qi) => {
    const mi = (pi + qi) / 2;
    return relativeEntropyTerm(pi, mi) + relativeEntropyTerm(qi, mi);
  });
  if (divergence === null) return null;
  // Rounding can leave a tiny negative sum for identical distributions, which has no square root.
  return finiteOrNull(Math.sqrt(Math.max(divergence / Math.LN2 / 2, 0)));
}

/**
 * Population stability index, sum of (q - p) * ln(q / p), where p and q are the baseline's and the bin's
 * proportions after adding 1 to every bin's count (so no bin is empty). Null when the bin has no values to compare.
 */
export function populationStabilityIndex(
  baselineCounts: readonly number[],
  observedCounts: readonly number[],
): number | null {
  if (sum(observedCounts) === 0) return null;
  const index = sumOverProportions(
    baselineCounts.map((count) => count + 1),
    observedCounts.map((count) => count + 1),
    (pi, qi) => (qi - pi) * Math.log(qi / pi),
  );
  return index === null ? null : finiteOrNull(index);
}

/**
 * Hellinger distance sqrt(1 - Σ sqrt(p_i q_i)) between the proportions (the Bhattacharyya-coefficient form, in
 * [0, 1]; scipy has no function for it). Null when either side has no counts.
 */
export function hellingerDistance(
  baselineCounts: readonly number[],
  observedCounts: readonly number[],
): number | null {
  const coefficient = sumOverProportions(baselineCounts, observedCounts, (pi, qi) => Math.sqrt(pi * qi));
  if (coefficient === null) return null;
  return finiteOrNull(Math.sqrt(Math.max(1 - coefficient, 0)));
}

/** scipy.special.rel_entr(x, y) for y > 0: x ln(x / y), and 0 when x is 0. */
function relativeEntropyTerm(x: number, y: number): number {
  return x > 0 ? x * Math.log(x / y) : 0;
}

/** Σ term(p_i, q_i) over the bins, p and q the two sides' proportions; null when either side has no counts. */
function sumOverProportions(
  baselineCounts: readonly number[],
  observedCounts: readonly number[],
  term: (pi: number, qi: number) => number,
): number | null {
  const p = proportions(baselineCounts);
  const q = proportions(observedCounts);
  if (p === null || q === null) return null;
  let total = 0;
  p.forEach((pi, bin) => {
    total += term(pi, q[bin] as number);
  });
  return total;
}

function proportions(counts: readonly number[]): number[] | null {
  const total = sum(counts);
  return total > 0 ? counts.map((count) => count / total) : null;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function driftColumns(spec: MonitorSpec): string[] {
  return spec.columns.filter((column) => column.drift !== null).map((column) => column.name);
}

function categoricalColumns(spec: MonitorSpec): string[] {
  return spec.columns
    .filter((column) => column.drift?.layout === 'category' || column.drift?.layout === 'bool')
    .map((column) => column.name);
}

/** A per-column drift metric from a distance between baseline and observed counts. */
export function driftMetric(
  id: string,
  distance: (baseline: readonly number[], observed: readonly number[]) => number | null,
  columnsAllowed: (spec: MonitorSpec) => string[] = driftColumns,
): MetricDefinition {
  return {
    id,
    perColumn: true,
    component: 'drift_counts',
    comparesBaseline: true,
    tasks: ALL_TASKS,
    columnsAllowed,
    compute(profile: HourProfile, spec: MonitorSpec, column?: string): MetricResult {
      const index = columnIndexOf(spec, column ?? '');
      const baseline = spec.columns[index]?.drift?.baseline_counts;
      const observed = (profile.columns[index] as ColumnTally | undefined)?.drift_counts;
      if (!baseline || !observed) return { value: null, count: profile.traffic };
      const value = distance(baseline, observed);
      // The noise is that of as many values as the bin compares: missing and wrongly typed ones are left out.
      const compared = sum(observed);
      if (compared <= 0) return { value, count: profile.traffic };
      return { value, count: profile.traffic, noise: binMetricNoise(id, distance, baseline, compared) };
    },
  };
}

export const DRIFT_METRICS: MetricDefinition[] = [
  driftMetric('jsd', jensenShannonDistance),
  driftMetric('psi', populationStabilityIndex),
  driftMetric('hellinger', hellingerDistance),
  driftMetric('chi_squared_p_value', chiSquaredPValue, categoricalColumns),
];
