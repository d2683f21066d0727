// Column statistics (contract section 9) of numeric inputs and outputs: mean, std, min, max, sum and quantiles.
// `count` is the number of values behind them; every value is null in a bin without values.

import { ALL_TASKS, finiteOrNull, type MetricDefinition, type MetricResult } from './definition.js';
import type { ColumnStats } from './numeric/column-stats.js';
import { statsMax, statsMean, statsMin, statsQuantile, statsStd, statsSum } from './numeric/read-stats.js';
import type { HourProfile } from './profile.js';
import { columnIndexOf, type MonitorSpec } from './spec.js';

export function numericColumns(spec: MonitorSpec): string[] {
  return spec.columns
    .filter((column) => column.data_type === 'int' || column.data_type === 'float')
    .map((column) => column.name);
}

export function columnStatsOf(profile: HourProfile, spec: MonitorSpec, column: string): ColumnStats | null {
  return profile.columns[columnIndexOf(spec, column)]?.numeric ?? null;
}

function statisticMetric(id: string, read: (stats: ColumnStats) => number | null): MetricDefinition {
  return {
    id,
    perColumn: true,
    component: 'numeric',
    tasks: ALL_TASKS,
    columnsAllowed: numericColumns,
    compute(profile: HourProfile, spec: MonitorSpec, column?: string): MetricResult {
      const stats = columnStatsOf(profile, spec, column ?? '');
      if (stats === null) return { value: null, count: 0 };
      return { value: finiteOrNull(read(stats)), count: stats.count };
    },
  };
}

export const STATISTIC_METRICS: MetricDefinition[] = [
  statisticMetric('mean', statsMean),
  statisticMetric('std', statsStd),
  statisticMetric('min', statsMin),
  statisticMetric('max', statsMax),
  statisticMetric('sum', statsSum),
  statisticMetric('median', (stats) => statsQuantile(stats, 0.5)),
  statisticMetric('p05', (stats) => statsQuantile(stats, 0.05)),
  statisticMetric('p25', (stats) => statsQuantile(stats, 0.25)),
  statisticMetric('p75', (stats) => statsQuantile(stats, 0.75)),
  statisticMetric('p95', (stats) => statsQuantile(stats, 0.95)),
];
