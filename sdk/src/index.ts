// The Modelwatch TypeScript SDK: `new Modelwatch({ url, token })`, one method per API route.
export type {
  AlertNotifications,
  AlertRecord,
  AlertRule,
  AlertRulePatch,
  AlertRuleRequest,
  AlertSeverity,
} from './alerts.js';
export type { BatchResult, ChunkResult, PublishBatchOptions } from './batch.js';
export { BufferedPublisher, type BufferedPublisherOptions } from './buffered-publisher.js';
export {
  type MetricsQuery,
  Modelwatch,
  type ModelwatchOptions,
  type RangeOptions,
  type SeriesSpec,
  type UploadDatasetOptions,
} from './client.js';
export { CsvRecordReader, csvLine } from './csv.js';
export { isReplayedConflict, ModelwatchError } from './errors.js';
export type { BatchSource, Row, RowSource, TableFormat, TextSource } from './sources.js';
export type * from './types.js';
