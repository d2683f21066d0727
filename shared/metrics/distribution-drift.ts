// Drift of numeric columns measured on their values rather than their drift bins: the two-sample KS statistic
// and the Wasserstein distance in baseline standard deviations, each with its noise (noise.ts).

import { ALL_TASKS, finiteOrNull, type MetricDefinition, type MetricResult } from './definition.js';
import { ksNoise, wassersteinNoise } from './noise.js';
import type { BaselineGrid } from './numeric/baseline-grid.js';
import type { ColumnStats } from './numeric/column-stats.js';
import { ksStatistic, wassersteinDistance } from './numeric/distribution-distance.js';
import type { HourProfile } from './profile.js';
import { columnIndexOf, type MonitorSpec } from './spec.js';
import { numericColumns } from './statistics.js';

function distributionMetric(
  id: string,
  measure: (grid: BaselineGrid, stats: ColumnStats) => number | null,
  noise: (grid: BaselineGrid, n: number) => number | null,
): MetricDefinition {
  return {
    id,
    perColumn: true,
    component: 'numeric',
    tasks: ALL_TASKS,
    columnsAllowed: numericColumns,
    compute(profile: HourProfile, spec: MonitorSpec, column?: string): MetricResult {
      const index = columnIndexOf(spec, column ?? '');
      const grid = spec.columns[index]?.baseline ?? null;
      const stats = profile.columns[index]?.numeric ?? null;
      if (grid === null || stats === null || stats.count <= 0) return { value: null, count: profile.traffic };
      return {
        value: finiteOrNull(measure(grid, stats)),
        count: profile.traffic,
        noise: finiteOrNull(noise(grid, stats.count)),
      };
    },
  };
}

export const DISTRIBUTION_DRIFT_METRICS: MetricDefinition[] = [
  distributionMetric('ks_statistic', ksStatistic, (_, n) => ksNoise(n)),
  distributionMetric(
    'wasserstein',
    (grid, stats) => {
      const distance = wassersteinDistance(grid, stats);
      return distance === null || !(grid.std > 0) ? null : distance / grid.std;
    },
    wassersteinNoise,
  ),
];
