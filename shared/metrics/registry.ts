// Every metric by id. Adding a metric is one file exporting its definition and one line in DEFINITIONS.
// Ids shared by several tasks (accuracy, log_loss, data_count) resolve to the variant for the model's task.

import type { Task } from '../schema/types.js';
import type { MetricDefinition, MetricResult } from './definition.js';
import { DISTRIBUTION_DRIFT_METRICS } from './distribution-drift.js';
import { DRIFT_METRICS } from './drift.js';
import { INTEGRITY_METRICS } from './integrity.js';
import type { ColumnStats } from './numeric/column-stats.js';
import { BINARY_METRICS } from './performance/binary.js';
import { MULTICLASS_METRICS } from './performance/multiclass.js';
import { REGRESSION_METRICS } from './performance/regression.js';
import type { HourProfile } from './profile.js';
import type { MonitorSpec } from './spec.js';
import { STATISTIC_METRICS } from './statistics.js';
import { TRAFFIC_METRIC } from './traffic.js';

const DEFINITIONS: MetricDefinition[] = [
  ...DRIFT_METRICS,
  ...DISTRIBUTION_DRIFT_METRICS,
  ...STATISTIC_METRICS,
  ...INTEGRITY_METRICS,
  TRAFFIC_METRIC,
  ...BINARY_METRICS,
  ...MULTICLASS_METRICS,
  ...REGRESSION_METRICS,
];

export type MetricErrorCode =
  | 'unknown_metric'
  | 'metric_not_applicable'
  | 'column_required'
  | 'unknown_column';

/** A metric asked for in a way that cannot be answered; `code` tells the API layer which 4xx it is. */
export class MetricRequestError extends Error {
  override readonly name = 'MetricRequestError';
  constructor(
    readonly code: MetricErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const VARIANTS_BY_ID = new Map<string, MetricDefinition[]>();
for (const definition of DEFINITIONS) {
  const variants = VARIANTS_BY_ID.get(definition.id) ?? [];
  if (variants.some((variant) => variant.perColumn !== definition.perColumn)) {
    throw new Error(`metric ${definition.id} is per column for some tasks and not for others`);
  }
  VARIANTS_BY_ID.set(definition.id, [...variants, definition]);
}

export const METRIC_IDS: readonly string[] = [...VARIANTS_BY_ID.keys()];

export function isMetricId(id: string): boolean {
  return VARIANTS_BY_ID.has(id);
}

/** The definition of a metric id over every task it applies to; MetricRequestError 'unknown_metric' if none. */
/** Definitions are pure: built once per id, since a query computes one per series and bin. */
const BUILT_DEFINITIONS = new Map<string, MetricDefinition>();

export function metricDefinition(id: string): MetricDefinition {
  const known = BUILT_DEFINITIONS.get(id);
  if (known) return known;
  const definition = buildDefinition(id);
  BUILT_DEFINITIONS.set(id, definition);
  return definition;
}

function buildDefinition(id: string): MetricDefinition {
  const variants = VARIANTS_BY_ID.get(id);
  if (!variants)
    throw new MetricRequestError('unknown_metric', `metric ${id} is not one of ${METRIC_IDS.join(', ')}`);
  const variantFor = (task: Task) => variants.find((variant) => variant.tasks.includes(task));
  return {
    id,
    perColumn: (variants[0] as MetricDefinition).perColumn,
    component: (variants[0] as MetricDefinition).component,
    comparesBaseline: (variants[0] as MetricDefinition).comparesBaseline === true,
    tasks: variants.flatMap((variant) => variant.tasks),
    columnsAllowed: (spec) => variantFor(spec.task)?.columnsAllowed(spec) ?? [],
    compute(profile, spec, column, against) {
      const variant = variantFor(spec.task);
      if (!variant) throw notApplicable(id, spec.task);
      return variant.compute(profile, spec, column, against);
    },
  };
}

/**
 * The metric's value over a (merged) profile. Checks the metric applies to the model's task and, for per-column
 * metrics, that the column is given and allowed; throws MetricRequestError otherwise. `against`: a production
 * baseline for the metrics that compare values (MetricDefinition.compute).
 */
export function computeMetric(
  id: string,
  profile: HourProfile,
  spec: MonitorSpec,
  column?: string,
  against?: ColumnStats | null,
): MetricResult {
  const definition = metricDefinition(id);
  if (!definition.tasks.includes(spec.task)) throw notApplicable(id, spec.task);
  if (!definition.perColumn) return definition.compute(profile, spec);
  if (column === undefined || column === '') {
    throw new MetricRequestError('column_required', `metric ${id} needs a column`);
  }
  const allowed = definition.columnsAllowed(spec);
  if (!allowed.includes(column)) {
    throw new MetricRequestError(
      'unknown_column',
      `column ${column} is not one of ${allowed.join(', ')} for ${id}`,
    );
  }
  return definition.compute(profile, spec, column, against);
}

function notApplicable(id: string, task: Task): MetricRequestError {
  return new MetricRequestError('metric_not_applicable', `metric ${id} does not apply to a ${task} model`);
}
