// The metrics the Monitor view shows, by model task, with their names in words and how to print their values.
import type { ModelInfo, Task } from '../api/types.js';

export interface MetricInfo {
  id: string;
  label: string;
  /** Per input/output column (drift, integrity) rather than per model. */
  perColumn: boolean;
  kind: 'traffic' | 'drift' | 'integrity' | 'performance';
  /** Counts are whole numbers and start at zero. */
  count?: boolean;
}

export const TRAFFIC: MetricInfo = {
  id: 'traffic',
  label: 'Traffic (events)',
  perColumn: false,
  kind: 'traffic',
  count: true,
};

export const DRIFT_METRICS: MetricInfo[] = [
  { id: 'jsd', label: 'Jensen-Shannon distance', perColumn: true, kind: 'drift' },
  { id: 'psi', label: 'Population stability index', perColumn: true, kind: 'drift' },
];

export const VIOLATIONS = [
  { id: 'any_violation', label: 'Any violation' },
  { id: 'null_violation', label: 'Missing values' },
  { id: 'type_violation', label: 'Type mismatches' },
  { id: 'range_violation', label: 'Range violations' },
] as const;

export const INTEGRITY_METRICS: MetricInfo[] = VIOLATIONS.flatMap((violation) => [
  {
    id: `${violation.id}_count`,
    label: `${violation.label} (count)`,
    perColumn: true,
    kind: 'integrity',
    count: true,
  },
  {
    id: `${violation.id}_percentage`,
    label: `${violation.label} (% of traffic)`,
    perColumn: true,
    kind: 'integrity',
  },
]);

const PERFORMANCE: Record<Task, Array<[string, string]>> = {
  binary_classification: [
    ['accuracy', 'Accuracy'],
    ['precision', 'Precision'],
    ['recall', 'Recall'],
    ['f1_score', 'F1 score'],
    ['auc', 'AUC (ROC)'],
    ['log_loss', 'Log loss'],
    ['expected_calibration_error', 'Expected calibration error'],
  ],
  multiclass_classification: [
    ['accuracy', 'Accuracy'],
    ['macro_precision', 'Macro precision'],
    ['macro_recall', 'Macro recall'],
    ['macro_f1', 'Macro F1'],
    ['log_loss', 'Log loss'],
  ],
  regression: [
    ['mae', 'Mean absolute error'],
    ['mse', 'Mean squared error'],
    ['r2', 'R²'],
    ['mape', 'MAPE (fraction)'],
    ['wmape', 'WMAPE'],
  ],
  not_set: [],
};

export function performanceMetrics(task: Task): MetricInfo[] {
  return PERFORMANCE[task].map(([id, label]) => ({ id, label, perColumn: false, kind: 'performance' }));
}

/** Per-bin statistics of a numeric column (contract section 9); the quantile band draws p05, median and p95. */
export const QUANTILES = ['p05', 'median', 'p95'] as const;

/** The y axis title of a metric's chart, with its unit. */
export function axisTitle(metric: MetricInfo, bin: string): string {
  if (metric.kind === 'traffic') return `Events per ${bin}`;
  if (metric.id === 'jsd') return 'JSD (0-1)';
  if (metric.id === 'psi') return 'PSI (unitless)';
  if (metric.kind === 'integrity') return metric.count ? `Events per ${bin}` : 'Share of events (%)';
  if (metric.id === 'data_count') return `Labelled events per ${bin}`;
  if (
    ['accuracy', 'precision', 'recall', 'f1_score', 'auc', 'r2'].includes(metric.id) ||
    metric.id.startsWith('macro_')
  )
    return `${metric.label} (0-1)`;
  if (metric.id === 'log_loss') return 'Log loss (nats)';
  if (metric.id === 'expected_calibration_error') return 'Calibration error (0-1)';
  if (metric.id === 'mape' || metric.id === 'wmape')
    return `${metric.label.replace(' (fraction)', '')} (fraction)`;
  if (metric.id === 'mse') return 'Mean squared error (target units²)';
  if (metric.id === 'mae') return 'Mean absolute error (target units)';
  return metric.label;
}

export const DATA_COUNT: MetricInfo = {
  id: 'data_count',
  label: 'Labelled events',
  perColumn: false,
  kind: 'performance',
  count: true,
};

/** Every metric a rule can watch on this model. */
export function ruleMetrics(model: ModelInfo): MetricInfo[] {
  const performance = model.task === 'not_set' ? [] : [...performanceMetrics(model.task), DATA_COUNT];
  return [TRAFFIC, ...DRIFT_METRICS, ...INTEGRITY_METRICS, ...performance];
}

export function metricInfo(model: ModelInfo, id: string): MetricInfo {
  return (
    ruleMetrics(model).find((metric) => metric.id === id) ?? {
      id,
      label: id,
      perColumn: false,
      kind: 'performance',
    }
  );
}

/** The columns drift and integrity are computed for. */
export function monitoredColumns(model: ModelInfo): string[] {
  return [...model.inputs, ...model.outputs];
}

export const ANY_COLUMN = '__ANY__';

/** A value as the chart's unit prints it: a count, a percentage or a plain number. */
export function formatNumber(
  value: number | null | undefined,
  unit: { count?: boolean; percent?: boolean },
): string {
  if (unit.percent) return formatPercent(value);
  return formatValue(value, unit.count === true);
}

/** 12.3%, 0.42%, 100%: percentages (0-100) with three significant digits at most. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'no value';
  if (value === 0) return '0%';
  return `${formatValue(value)}%`;
}

/** A share (0-1) as a percentage. */
export function formatShare(value: number | null | undefined): string {
  return value === null || value === undefined ? 'no value' : formatPercent(value * 100);
}

export function formatValue(value: number | null | undefined, count = false): string {
  if (value === null || value === undefined) return 'no value';
  if (count) return Math.round(value).toLocaleString('en-US');
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return value.toLocaleString('en-US', { maximumFractionDigits: 0 });
  if (magnitude >= 100) return value.toFixed(1).replace(/\.0$/, '');
  if (magnitude >= 1)
    return value
      .toPrecision(3)
      .replace(/(\.\d*?)0+$/, '$1')
      .replace(/\.$/, '');
  if (magnitude < 0.0001) return value.toExponential(2);
  return value
    .toPrecision(3)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}
