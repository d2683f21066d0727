// Drift of numeric columns measured on their values rather than their drift bins: the two-sample KS statistic
// and the Wasserstein distance in baseline standard deviations, each with its noise (noise.ts), against the
// dataset baseline or a production one (a window or the previous bins, contract section 10).

import { ALL_TASKS, finiteOrNull, type MetricDefinition, type MetricResult } from './definition.js';
import { ksNoise, wassersteinNoise, wassersteinNoiseOf } from './noise.js';
import type { ColumnStats } from './numeric/column-stats.js';
import { type Distances, distancesBetween, distancesFromBaseline } from './numeric/distribution-distance.js';
import { coarseCdf, statsSide } from './numeric/piecewise-cdf.js';
import { statsStd } from './numeric/read-stats.js';
import type { HourProfile } from './profile.js';
import { columnIndexOf, type MonitorSpec } from './spec.js';
import { numericColumns } from './statistics.js';

/** What a measure compares: the distances, the baseline's population std, and the noise for n values. */
interface Comparison {
  distances: Distances | null;
  std: number;
  noise: (n: number) => number | null;
  which: 'ks' | 'wasserstein';
}

function compare(
  which: Comparison['which'],
  spec: MonitorSpec,
  index: number,
  stats: ColumnStats,
  against: ColumnStats | null | undefined,
): Comparison | null {
  const grid = spec.columns[index]?.baseline ?? null;
  if (against === undefined) {
    if (grid === null) return null;
    const noise = (n: number) => (which === 'ks' ? ksNoise(n) : wassersteinNoise(grid, n));
    return { distances: distancesFromBaseline(grid, stats), std: grid.std, noise, which };
  }
  if (against === null || against.count <= 0) return null;
  const std = statsStd(against) ?? 0;
  const edges = grid?.edges ?? null;
  const ownEdges = edges !== null && against.grid?.counts.length === edges.length + 1 ? edges : [];
  const noise = (n: number) => (which === 'ks' ? ksNoise(n) : windowNoise(against, ownEdges, n, std));
  return { distances: distancesBetween(against, stats, edges), std, noise, which };
}

/**
 * Per production baseline (a window's merge answers every point of a series), its noise by sample size; keyed by
 * the merged state, which a query only reads.
 */
const windowNoises = new WeakMap<ColumnStats, Map<number, number | null>>();

function windowNoise(against: ColumnStats, edges: readonly number[], n: number, std: number): number | null {
  let known = windowNoises.get(against);
  if (!known) {
    known = new Map();
    windowNoises.set(against, known);
  }
  if (!known.has(n)) known.set(n, wassersteinNoiseOf(coarseCdf(statsSide(against, edges), edges), n, std));
  return known.get(n) ?? null;
}

function distributionMetric(which: Comparison['which'], id: string): MetricDefinition {
  return {
    id,
    perColumn: true,
    component: 'numeric',
    comparesBaseline: true,
    tasks: ALL_TASKS,
    columnsAllowed: numericColumns,
    compute(
      profile: HourProfile,
      spec: MonitorSpec,
      column?: string,
      against?: ColumnStats | null,
    ): MetricResult {
      const index = columnIndexOf(spec, column ?? '');
      const stats = profile.columns[index]?.numeric ?? null;
      if (stats === null || stats.count <= 0) return { value: null, count: profile.traffic };
      const comparison = compare(which, spec, index, stats, against);
      if (comparison === null) return { value: null, count: profile.traffic };
      const { distances, std } = comparison;
      // Wasserstein is in baseline standard deviations: none for a constant baseline (its noise is null too).
      const value =
        distances === null
          ? null
          : which === 'ks'
            ? distances.ks
            : std > 0
              ? distances.wasserstein / std
              : null;
      return {
        value: finiteOrNull(value),
        count: profile.traffic,
        noise: finiteOrNull(comparison.noise(stats.count)),
      };
    },
  };
}

export const DISTRIBUTION_DRIFT_METRICS: MetricDefinition[] = [
  distributionMetric('ks', 'ks_statistic'),
  distributionMetric('wasserstein', 'wasserstein'),
];
