// Builds a performance metric definition from a calculation over one task's tally; the count is data_count.

import type { Task } from '../../schema/types.js';
import { finiteOrNull, type MetricDefinition, noColumns } from '../definition.js';
import type { PerformanceTally } from './tally.js';

export function performanceMetric<T extends PerformanceTally>(
  task: T['task'] & Task,
  id: string,
  emptyTally: () => T,
  calculate: (tally: T) => number | null,
): MetricDefinition {
  return {
    id,
    perColumn: false,
    component: 'performance',
    tasks: [task],
    columnsAllowed: noColumns,
    compute(profile) {
      // A model without a target has no tally: its metrics read as those of an empty bin.
      const performance = profile.performance;
      const tally = performance?.task === task ? (performance as T) : emptyTally();
      return { value: finiteOrNull(calculate(tally)), count: tally.data_count };
    },
  };
}
