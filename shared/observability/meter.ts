// What the service counts about itself (events accepted and rejected, changes folded, run duration), named once
// here. Domain code and handlers count through this port; the Lambda entries publish it as CloudWatch metrics.

export const METRIC_NAMES = {
  eventsAccepted: 'EventsAccepted',
  eventsRejected: 'EventsRejected',
  changesFolded: 'ChangesFolded',
  changesQuarantined: 'ChangesQuarantined',
  foldBatchesRetried: 'FoldBatchesRetried',
  modelsFailed: 'ModelsFailed',
  notificationsSent: 'NotificationsSent',
  runDuration: 'MonitorRunDuration',
} as const;

export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

export interface Meter {
  count(name: MetricName, value: number): void;
  milliseconds(name: MetricName, value: number): void;
}

/** The local run's meter: the numbers are in each answer and run summary already. */
export const NO_METER: Meter = {
  count: () => {},
  milliseconds: () => {},
};
