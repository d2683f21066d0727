// The API's request and response types, inferred from the service's own zod schemas (type-only imports:
// nothing of the service ships with the SDK at runtime).
import type { z } from 'zod';
import type * as api from '../../shared/api/schemas.js';

export type Project = z.infer<typeof api.projectSchema>;
export type CreateTokenRequest = z.input<typeof api.createTokenBody>;
export type CreatedToken = z.infer<typeof api.createdTokenSchema>;
export type Column = z.infer<typeof api.columnSchema>;
export type DatasetInfo = z.infer<typeof api.datasetInfoSchema>;
export type UploadContentType = z.infer<typeof api.startUploadBody>['content_type'];
export type Upload = z.infer<typeof api.uploadSchema>;
/** A model registration (`PUT .../models/{m}` body); columns lists default to empty. */
export type ModelRegistration = z.input<typeof api.modelBody>;
export type MonitoringConfig = z.input<typeof api.monitoringBody>;
export type ModelInfo = z.infer<typeof api.modelInfoSchema>;
export type PublishEventRequest = z.input<typeof api.publishBody>;
export type PublishAnswer = z.infer<typeof api.publishAnswerSchema>;
export type BatchAnswer = z.infer<typeof api.batchAnswerSchema>;
export type BatchRowError = BatchAnswer['errors'][number];
export type TimestampFormat = z.infer<typeof api.batchQuery>['timestamp_format'];
export type StoredEvent = z.infer<typeof api.storedEventSchema>;
export type BinSize = z.infer<typeof api.seriesSchema>['bin_size'];
export type MetricSeries = z.infer<typeof api.seriesSchema>;
export type MetricPoint = MetricSeries['points'][number];
export type MonitorRunSummary = z.infer<typeof api.runSummarySchema>;
export type MetricsQueryAnswer = z.infer<typeof api.metricsQueryAnswer>;
export type Distribution = z.infer<typeof api.distributionSchema>;
export type ModelSummary = z.infer<typeof api.summarySchema>;
export type PerformanceDetails = z.infer<typeof api.performanceSchema>;
export type ApiErrorBody = z.infer<typeof api.errorSchema>;

/** One page of a list route. */
export interface Page<T> {
  items: T[];
  next_token?: string;
}

/** A time in a request: epoch milliseconds, an ISO-8601 string, or a Date. */
export type TimeInput = number | string | Date;
export type Segment = z.infer<typeof api.segmentSchema>;
export type SegmentBreakdown = z.infer<typeof api.breakdownSchema>;
export type SegmentDefinition = z.input<typeof api.segmentBody>;
