// Data integrity metrics: null, type, range and any-violation counts per monitored column (or `__ANY__`), and the
// same as percentages of traffic.

import { ALL_TASKS, type MetricDefinition, type MetricResult, ratioOrNull } from './definition.js';
import type { HourProfile, ViolationCounts } from './profile.js';
import { columnIndexOf, type MonitorSpec } from './spec.js';

/** The pseudo-column for "any monitored column": each kind counts events with at least one violation of it. */
export const ANY_COLUMN = '__ANY__';

const KINDS = {
  null_violation: 'null_violations',
  type_violation: 'type_violations',
  range_violation: 'range_violations',
  any_violation: 'any_violations',
} as const satisfies Record<string, keyof ViolationCounts>;

function integrityColumns(spec: MonitorSpec): string[] {
  return [...spec.columns.map((column) => column.name), ANY_COLUMN];
}

function violationsOf(profile: HourProfile, spec: MonitorSpec, column: string): ViolationCounts | undefined {
  return column === ANY_COLUMN
    ? profile.all_columns
    : profile.columns[columnIndexOf(spec, column)]?.integrity;
}

type ViolationKind = keyof typeof KINDS;

/** `<kind>_count`, or `<kind>_percentage` (0-100 of traffic; null in an empty bin, where counts are 0). */
function integrityMetric(kind: ViolationKind, unit: 'count' | 'percentage'): MetricDefinition {
  return {
    id: `${kind}_${unit}`,
    perColumn: true,
    component: 'integrity',
    tasks: ALL_TASKS,
    columnsAllowed: integrityColumns,
    compute(profile: HourProfile, spec: MonitorSpec, column?: string): MetricResult {
      const violations = violationsOf(profile, spec, column ?? ANY_COLUMN)?.[KINDS[kind]] ?? 0;
      const value = unit === 'count' ? violations : ratioOrNull(100 * violations, profile.traffic);
      return { value, count: profile.traffic };
    },
  };
}

export const INTEGRITY_METRICS: MetricDefinition[] = (Object.keys(KINDS) as ViolationKind[]).flatMap(
  (kind) => [integrityMetric(kind, 'count'), integrityMetric(kind, 'percentage')],
);
