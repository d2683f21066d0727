// Shapes of the API answers the dashboard reads: inferred from the API's own zod schemas, so the page and the
// service cannot drift apart (type-only imports: nothing of the server is bundled).
import type { z } from '@hono/zod-openapi';
import type {
  alertRecordSchema,
  breakdownSchema,
  columnSchema,
  datasetInfoSchema,
  distributionSchema,
  incidentSchema,
  modelInfoSchema,
  notificationsSchema,
  performanceSchema,
  projectSchema,
  ruleBody,
  rulePatchBody,
  ruleSchema,
  segmentSchema,
  seriesSchema,
  summarySchema,
} from '../../../shared/api/schemas.js';
import type { Task as DomainTask } from '../../../shared/schema/types.js';
import type { BinSize as DomainBinSize } from '../../../shared/time/bins.js';

export type BinSize = DomainBinSize;
export type Task = DomainTask;
export type Project = z.infer<typeof projectSchema>;
export type ModelInfo = z.infer<typeof modelInfoSchema>;
export type DatasetColumn = z.infer<typeof columnSchema>;
export type DatasetInfo = z.infer<typeof datasetInfoSchema>;
export type Series = z.infer<typeof seriesSchema>;
export type Point = Series['points'][number];
export type Notifications = z.infer<typeof notificationsSchema>;
export type AlertRule = z.infer<typeof ruleSchema>;
/** What the rule form sends. */
export type AlertRuleInput = z.input<typeof ruleBody>;
export type AlertRulePatch = z.input<typeof rulePatchBody>;
export type AlertRecord = z.infer<typeof alertRecordSchema>;
export type Distribution = z.infer<typeof distributionSchema>;
export type ModelSummary = z.infer<typeof summarySchema>;
export type Incident = z.infer<typeof incidentSchema>;
export type PerformanceDetails = z.infer<typeof performanceSchema>;
export type Segment = z.infer<typeof segmentSchema>;
export type SegmentBreakdown = z.infer<typeof breakdownSchema>;

export interface Page<T> {
  items: T[];
  next_token?: string | null;
}
