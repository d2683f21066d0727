// Traffic: the number of events in the bin (0 in an empty bin), for every model.

import { ALL_TASKS, type MetricDefinition, noColumns } from './definition.js';

export const TRAFFIC_METRIC: MetricDefinition = {
  id: 'traffic',
  perColumn: false,
  component: 'traffic',
  tasks: ALL_TASKS,
  columnsAllowed: noColumns,
  compute: (profile) => ({ value: profile.traffic, count: profile.traffic }),
};
