// Request and response schemas of the public API: one source for validation and the OpenAPI document.
import { z } from '@hono/zod-openapi';
import { notificationsShape } from '../alerts/channels/index.js';
import { MAX_CONSECUTIVE_BINS } from '../alerts/rules.js';
import { datasetIdSchema, eventIdSchema, modelIdSchema, projectIdSchema } from '../ids.js';
import { DATA_TYPES, TASKS } from '../schema/types.js';

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_field' }),
      message: z.string().openapi({ example: 'event_timestamp is not an ISO-8601 time or epoch number' }),
    }),
  })
  .openapi('Error');

export const projectParams = z.object({ project_id: projectIdSchema });
export const datasetParams = projectParams.extend({ dataset_id: datasetIdSchema });
export const modelParams = projectParams.extend({ model_id: modelIdSchema });
export const eventParams = modelParams.extend({ event_id: z.string().openapi({ example: 'evt-000123' }) });

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional().openapi({ example: 100 }),
  next_token: z.string().optional(),
});

export const projectSchema = z
  .object({ project_id: projectIdSchema, created_at: z.number().int() })
  .openapi('Project');

export const createProjectBody = z.object({ project_id: projectIdSchema }).openapi('CreateProject');

export const createTokenBody = z
  .object({
    name: z.string().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters'),
    projects: z.array(projectIdSchema).min(1, 'projects must name at least one project').max(100),
  })
  .openapi('CreateToken');

export const createdTokenSchema = z
  .object({ token_id: z.string(), token: z.string(), name: z.string(), projects: z.array(z.string()) })
  .openapi('CreatedToken');

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const columnSchema = z
  .object({
    name: z.string(),
    data_type: z.enum(DATA_TYPES),
    nullable: z.boolean(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    categories: z.array(z.string()).nullable(),
  })
  .openapi('Column');

export const datasetInfoSchema = z
  .object({ dataset_id: datasetIdSchema, row_count: z.number().int(), columns: z.array(columnSchema) })
  .openapi('DatasetInfo');

export const datasetQuery = z.object({
  max_inferred_cardinality: z.coerce.number().int().min(1).max(100_000).optional().openapi({ example: 100 }),
});

export const startUploadBody = z
  .object({
    content_type: z
      .enum(['text/csv', 'application/x-ndjson', 'application/json'])
      .default('text/csv')
      .openapi({ description: 'Format of the file that will be PUT to the upload URL.' }),
  })
  .openapi('StartUpload');

export const uploadSchema = z
  .object({
    upload_id: z.string(),
    url: z.string(),
    method: z.literal('PUT'),
    headers: z.record(z.string(), z.string()),
    expires_at: z.number().int(),
  })
  .openapi('Upload');

const columnList = (role: string) =>
  z
    .array(z.string().min(1).max(256))
    .max(2000)
    .default([])
    .openapi({ description: `${role} column names` });

export const modelBody = z
  .object({
    dataset_id: datasetIdSchema,
    task: z.enum(TASKS),
    inputs: columnList('Input'),
    outputs: columnList('Output'),
    targets: columnList('Target'),
    decisions: columnList('Decision'),
    metadata: columnList('Metadata'),
    binary_classification_threshold: z.number().min(0).max(1).optional(),
    target_class_order: z.array(scalar).max(500).optional(),
    retention_days: z.number().int().min(1).max(3650).optional(),
  })
  .openapi('ModelRegistration');

const binEdgesSchema = z.object({ edges: z.array(z.number()).min(1).max(100) }).openapi('BinEdges');

export const monitoringBody = z
  .object({
    bins: z.record(z.string(), binEdgesSchema).default({}),
    segment_by: z.array(z.string().min(1)).max(3).optional().openapi({
      description: 'Up to 3 columns, one automatic segment per frequent value; left out: kept as it is',
    }),
  })
  .openapi('MonitoringConfigRequest');

export const modelInfoSchema = z
  .object({
    project_id: projectIdSchema,
    model_id: modelIdSchema,
    dataset_id: datasetIdSchema,
    task: z.enum(TASKS),
    inputs: z.array(z.string()),
    outputs: z.array(z.string()),
    targets: z.array(z.string()),
    decisions: z.array(z.string()),
    metadata: z.array(z.string()),
    binary_classification_threshold: z.number(),
    target_class_order: z.array(scalar),
    retention_days: z.number().int(),
    created_at: z.number().int(),
    monitoring: z.object({
      bins: z.record(z.string(), binEdgesSchema),
      segment_by: z.array(z.string()).optional(),
      version: z.number().int(),
      updated_at: z.number().int(),
    }),
  })
  .openapi('ModelInfo');

export const timestampSchema = z
  .union([z.number(), z.string()])
  .openapi({ description: 'Epoch milliseconds, or an ISO-8601 string', example: 1511253040519 });

export const publishBody = z
  .object({
    event: z
      .record(z.string(), z.unknown())
      .openapi({ example: { CreditScore: 650, Geography: 'France', probability_churned: 0.105 } }),
    event_id: eventIdSchema.optional(),
    update_event: z.boolean().optional().default(false),
    event_timestamp: timestampSchema.optional(),
  })
  .openapi('PublishEvent');

const warningsSchema = z.array(z.string()).optional().openapi({
  description:
    'Fields that are not columns of the model, which were ignored: at most 100 named, then one "... and N more fields were ignored"',
});

export const publishAnswerSchema = z
  .object({ event_id: z.string(), warnings: warningsSchema })
  .openapi('PublishAnswer');

export const batchQuery = z.object({
  update_event: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => value === 'true'),
  id_field: z.string().min(1).optional().default('event_id'),
  timestamp_field: z.string().min(1).optional().default('event_timestamp'),
  timestamp_format: z.enum(['infer', 'epoch_ms', 'epoch_s', 'iso8601']).optional().default('infer'),
});

export const batchAnswerSchema = z
  .object({
    accepted: z.number().int(),
    rejected: z.number().int(),
    errors: z
      .array(
        z.object({
          row: z.number().int(),
          event_id: z.string().nullable(),
          code: z.string(),
          message: z.string(),
        }),
      )
      .openapi({ description: 'The first 1,000 rejected rows, by row; error_counts counts them all' }),
    error_counts: z.record(z.string(), z.number().int()).openapi({
      description: 'Rejected rows per error code, over every rejected row',
      example: { already_exists: 2, invalid_timestamp: 1 },
    }),
    warnings: warningsSchema,
  })
  .openapi('BatchAnswer');

export const storedEventSchema = z
  .object({
    event_id: z.string(),
    event_timestamp: z.number().int(),
    event: z.record(z.string(), z.unknown()),
  })
  .openapi('StoredEvent');

export const metricsQuery = z.object({
  metric: z.string().min(1).openapi({ example: 'jsd' }),
  column: z.string().optional().openapi({ example: 'CreditScore' }),
  bin_size: z.enum(['hour', 'day', 'week', 'month']).optional().default('hour'),
  start: z.string().optional().openapi({
    description: 'Epoch ms or ISO-8601; default: 7 days before end',
    example: '2026-11-01T00:00:00Z',
  }),
  end: z.string().optional().openapi({
    description: 'Epoch ms or ISO-8601 (exclusive); default: now',
    example: '2026-11-08T00:00:00Z',
  }),
  segment: z.string().optional().openapi({
    description: 'A segment id (defined, or automatic `<column>=<value>`): the series of its events only',
  }),
  baseline: z.string().optional().openapi({
    description:
      '`dataset` (default), `window:<start>:<end>` or `previous:<n>`, for drift metrics (jsd, psi, hellinger, chi_squared_p_value, ks_statistic, wasserstein)',
  }),
});

export const seriesSchema = z
  .object({
    metric: z.string(),
    column: z.string().nullable(),
    bin_size: z.enum(['hour', 'day', 'week', 'month']),
    points: z.array(
      z.object({
        start: z.number().int(),
        value: z.number().nullable(),
        count: z.number(),
        noise: z.number().nullable().optional().openapi({
          description:
            'Drift metrics: the value expected, on average, for `count` events drawn from the baseline itself',
        }),
      }),
    ),
  })
  .openapi('MetricSeries');

export const runSummarySchema = z
  .object({
    changes_read: z.number().int(),
    changes_quarantined: z.number().int(),
    deltas_folded: z.number().int(),
    models_updated: z.number().int(),
    hours_rebuilt: z.number().int(),
    models_busy: z.number().int(),
    alert_bins_evaluated: z.number().int(),
    alert_records_written: z.number().int(),
    notifications_sent: z.number().int(),
    failed: z.array(z.object({ project_id: z.string(), model_id: z.string(), reason: z.string() })).openapi({
      description: 'Models whose metrics could not be brought up to date; the next run retries them',
    }),
  })
  .openapi('MonitorRun');

const minCount = z
  .number()
  .int('min_count must be an integer')
  .min(1, 'min_count must be at least 1')
  .openapi({ description: 'A bin with fewer events never fires' });
const consecutiveBins = z
  .number()
  .int('consecutive_bins must be an integer')
  .min(1, 'consecutive_bins must be at least 1')
  .max(MAX_CONSECUTIVE_BINS, `consecutive_bins must be at most ${MAX_CONSECUTIVE_BINS}`)
  .openapi({ description: 'Fire only when this many bins in a row breach' });
const recipientStatusSchema = z.object({
  address: z.string(),
  channel: z.enum(['email', 'sms']),
  status: z.enum(['pending_confirmation', 'confirmed', 'not_subscribed']),
});
const finite = (field: string) => z.number().refine(Number.isFinite, `${field} must be a finite number`);

// One entry per channel of the registry (shared/alerts/channels/index.ts).
export const notificationsSchema = z.object(notificationsShape()).openapi('Notifications');

export const ruleBody = z
  .object({
    name: z.string().min(1).max(200),
    metric: z.string().min(1).openapi({ example: 'jsd' }),
    columns: z
      .array(z.string().min(1))
      .max(500)
      .optional()
      .openapi({ example: ['CreditScore'] }),
    bin_size: z.enum(['hour', 'day', 'week']),
    compare_to: z.enum(['raw_value', 'time_period']).default('raw_value'),
    compare_bin_delta: z.number().int().min(1).max(1000).default(1),
    condition: z.enum(['greater', 'lesser']),
    warning_threshold: finite('warning_threshold').nullable().optional(),
    critical_threshold: finite('critical_threshold'),
    priority: z.enum(['low', 'medium', 'high']).default('medium'),
    notifications: notificationsSchema.optional(),
    min_count: minCount.default(1),
    consecutive_bins: consecutiveBins.default(1),
    evaluation_delay: z
      .number()
      .min(0)
      .max(168)
      .default(0)
      .openapi({ description: 'Hours to wait after a bin ends' }),
    enabled: z.boolean().default(true),
    muted: z.boolean().default(false),
    segment: z.string().min(1).optional().openapi({
      description: 'A segment id (defined, or automatic `<column>=<value>`): the series of its events only',
    }),
    baseline: z.string().min(1).optional().openapi({
      description:
        '`dataset` (default), `window:<start>:<end>` or `previous:<n>`, for drift metrics (jsd, psi, hellinger, chi_squared_p_value, ks_statistic, wasserstein)',
    }),
  })
  .openapi('AlertRuleRequest');

export const rulePatchBody = z
  .object({
    name: z.string().min(1).max(200).optional(),
    warning_threshold: finite('warning_threshold').nullable().optional(),
    critical_threshold: finite('critical_threshold').optional(),
    priority: z.enum(['low', 'medium', 'high']).optional(),
    notifications: notificationsSchema.partial().optional(),
    min_count: minCount.optional(),
    consecutive_bins: consecutiveBins.optional(),
    evaluation_delay: z.number().min(0).max(168).optional(),
    enabled: z.boolean().optional(),
    muted: z.boolean().optional(),
  })
  .openapi('AlertRulePatch');

export const ruleSchema = z
  .object({
    rule_id: z.string(),
    project_id: z.string(),
    model_id: z.string(),
    name: z.string(),
    metric: z.string(),
    columns: z.array(z.string()),
    bin_size: z.enum(['hour', 'day', 'week']),
    compare_to: z.enum(['raw_value', 'time_period']),
    compare_bin_delta: z.number().int(),
    condition: z.enum(['greater', 'lesser']),
    warning_threshold: z.number().nullable(),
    critical_threshold: z.number(),
    priority: z.enum(['low', 'medium', 'high']),
    notifications: notificationsSchema,
    min_count: z.number().int(),
    consecutive_bins: z.number().int(),
    recipients: z.array(recipientStatusSchema).optional().openapi({
      description: 'AWS only: each email address and phone number, and whether its subscription is confirmed',
    }),
    evaluation_delay: z.number(),
    enabled: z.boolean(),
    muted: z.boolean(),
    segment: z.string().optional(),
    baseline: z.string().optional(),
    created_at: z.number().int(),
    updated_at: z.number().int(),
    webhook_secret: z
      .string()
      .optional()
      .openapi({ description: 'Only in the answer that creates the rule' }),
  })
  .openapi('AlertRule');

export const ruleParams = modelParams.extend({ rule_id: z.string().min(1).max(64) });

export const alertRecordSchema = z
  .object({
    alert_id: z.string(),
    rule_id: z.string(),
    rule_name: z.string(),
    priority: z.enum(['low', 'medium', 'high']),
    severity: z.enum(['warning', 'critical']),
    metric: z.string(),
    column: z.string().nullable(),
    bin_start: z.number().int(),
    bin_size: z.enum(['hour', 'day', 'week']),
    value: z.number(),
    metric_value: z.number().nullable(),
    baseline_value: z.number().nullable(),
    threshold: z.number(),
    event_count: z.number().int().optional().openapi({ description: 'Events behind the value in this bin' }),
    segment: z.string().nullable().optional(),
    incident_id: z.string().optional().openapi({ description: 'The incident this firing belongs to' }),
    message: z.string(),
    resolved: z.boolean(),
    revision: z.number().int(),
    created_at: z.number().int(),
    updated_at: z.number().int(),
    notified_severity: z.enum(['warning', 'critical']).nullable(),
    delivery_failures: z.array(
      z.object({
        channel: z.string(),
        target: z.string(),
        severity: z.string(),
        error: z.string(),
        at: z.number(),
      }),
    ),
  })
  .openapi('AlertRecord');

export const alertsQuery = z.object({
  start: z.string().optional().openapi({ description: 'Epoch ms or ISO-8601: bin_start at or after' }),
  end: z.string().optional().openapi({ description: 'Epoch ms or ISO-8601: bin_start before' }),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  next_token: z.string().optional(),
});

const binSizeSchema = z.enum(['hour', 'day', 'week', 'month']);

export const metricsQueryBody = z
  .object({
    bin_size: binSizeSchema.optional().default('hour'),
    start: timestampSchema.optional().openapi({ description: 'Default: 7 days before end' }),
    end: timestampSchema.optional().openapi({ description: 'Exclusive; default: now' }),
    queries: z
      .array(
        z.object({
          metric: z.string().min(1).openapi({ example: 'jsd' }),
          column: z.string().optional().openapi({ example: 'CreditScore' }),
          segment: z.string().optional().openapi({
            description:
              'A segment id (defined, or automatic `<column>=<value>`): the series of its events only',
          }),
          baseline: z.string().optional().openapi({
            description:
              '`dataset` (default), `window:<start>:<end>` or `previous:<n>`, for drift metrics (jsd, psi, hellinger, chi_squared_p_value, ks_statistic, wasserstein)',
          }),
        }),
      )
      .min(1, 'at least one query is needed')
      .max(500, 'at most 500 queries in one request'),
  })
  .openapi('MetricsQuery');

export const metricsQueryAnswer = z
  .object({
    series: z
      .array(seriesSchema)
      .openapi({ description: 'One per query, in order, as GET .../metrics answers it' }),
  })
  .openapi('MetricsQueryAnswer');

const rangeQuery = {
  bin_size: binSizeSchema.optional().default('hour'),
  start: z.string().optional().openapi({ description: 'Epoch ms or ISO-8601; default: 7 days before end' }),
  end: z.string().optional().openapi({ description: 'Epoch ms or ISO-8601 (exclusive); default: now' }),
};

export const distributionsQuery = z.object({
  column: z.string().min(1).openapi({ example: 'CreditScore' }),
  ...rangeQuery,
  segment: z.string().optional().openapi({
    description: 'A segment id (defined, or automatic `<column>=<value>`): the series of its events only',
  }),
});

export const distributionSchema = z
  .object({
    column: z.string(),
    kind: z.enum(['numeric', 'category', 'bool']),
    bins: z
      .array(z.object({ label: z.string(), lower: z.number().nullable(), upper: z.number().nullable() }))
      .openapi({
        description:
          'The drift bins: numeric (lower, upper] with null for an infinite end; a category per baseline category then __OTHER__; bool false, true',
      }),
    baseline: z.array(z.number()).openapi({ description: "The baseline's proportion per bin" }),
    points: z.array(
      z.object({
        start: z.number().int(),
        count: z.number().int().openapi({ description: 'Values counted in drift in this time bin' }),
        counts: z.array(z.number().int()).openapi({ description: 'Count per drift bin' }),
      }),
    ),
  })
  .openapi('Distribution');

export const performanceQuery = z.object({
  ...rangeQuery,
  segment: z.string().min(1).optional().openapi({
    description: 'A segment id (defined, or automatic `<column>=<value>`): the counts of its events only',
  }),
});

const calibrationBucketSchema = z
  .object({
    lower: z.number(),
    upper: z.number(),
    count: z.number().int(),
    mean_predicted: z
      .number()
      .nullable()
      .openapi({ description: 'Mean positive-class probability in the bucket; null when it is empty' }),
    mean_label: z
      .number()
      .nullable()
      .openapi({ description: 'Share of actual positives in the bucket; null when it is empty' }),
  })
  .openapi('CalibrationBucket');

export const performanceSchema = z
  .object({
    task: z.enum(['binary_classification', 'multiclass_classification']),
    bin_size: binSizeSchema,
    segment: z.string().nullable(),
    classes: z.array(scalar).openapi({
      description: 'target_class_order: binary [negative, positive]; multiclass in output order',
    }),
    threshold: z.number().nullable().openapi({
      description: 'Binary: a score at or above it predicts the positive class; null for multiclass',
    }),
    points: z.array(
      z.object({
        start: z.number().int(),
        data_count: z
          .number()
          .int()
          .openapi({ description: 'Events with a usable target and output; every count adds up to it' }),
        confusion: z.array(z.array(z.number().int())).openapi({
          description:
            'confusion[actual][predicted], rows and columns in `classes` order (zeros without data)',
        }),
        tp: z.number().int().optional().openapi({ description: 'Binary only' }),
        fp: z.number().int().optional().openapi({ description: 'Binary only' }),
        tn: z.number().int().optional().openapi({ description: 'Binary only' }),
        fn: z.number().int().optional().openapi({ description: 'Binary only' }),
        calibration: z.array(calibrationBucketSchema).optional().openapi({
          description: 'Binary only: 10 buckets of the score, b = min(floor(10 p), 9)',
        }),
      }),
    ),
  })
  .openapi('PerformanceDetails');

export const summaryQuery = z.object(rangeQuery);

const binValue = z.object({ start: z.number().int(), value: z.number() }).nullable();
const latestAndWorst = z
  .object({
    latest: binValue.openapi({ description: 'The newest bin with a value' }),
    worst: binValue.openapi({ description: 'The bin with the highest value (the earliest of equals)' }),
  })
  .openapi('LatestAndWorst');

export const summarySchema = z
  .object({
    bin_size: binSizeSchema,
    start: z.number().int().openapi({ description: 'Start of the first bin' }),
    end: z.number().int().openapi({ description: 'End of the last bin' }),
    traffic: z.object({
      total: z.number().int(),
      points: z.array(z.object({ start: z.number().int(), value: z.number().int() })),
    }),
    columns: z
      .array(
        z.object({
          column: z.string(),
          role: z.enum(['input', 'output']),
          jsd: latestAndWorst
            .nullable()
            .openapi({ description: 'Null for str columns, which have no drift' }),
          any_violation_percentage: latestAndWorst,
        }),
      )
      .openapi({ description: 'Every input and output column, in model order' }),
    performance: z
      .array(
        z.object({
          metric: z.string(),
          latest: z
            .object({ start: z.number().int(), value: z.number(), data_count: z.number().int() })
            .nullable(),
        }),
      )
      .openapi({
        description: "The task's performance metrics with their newest value; empty without a task",
      }),
    label_coverage: z
      .array(
        z.object({
          start: z.number().int(),
          data_count: z.number().int(),
          traffic: z.number().int(),
          value: z
            .number()
            .nullable()
            .openapi({ description: 'data_count / traffic; null when traffic is 0' }),
        }),
      )
      .openapi({ description: 'Labelled share of events per bin; empty for a not_set task' }),
    open_alerts: z
      .array(alertRecordSchema)
      .openapi({ description: 'Alert records of bins in the range that are not resolved, newest bin first' }),
  })
  .openapi('ModelSummary');

export const incidentSchema = z
  .object({
    incident_id: z.string(),
    rule_id: z.string(),
    column: z.string().nullable(),
    segment: z.string().nullable(),
    severity: z.enum(['warning', 'critical']).openapi({ description: 'The highest its records reached' }),
    state: z.enum(['open', 'acknowledged', 'resolved']),
    first_bin: z.number().int(),
    last_bin: z.number().int(),
    bin_size: z.enum(['hour', 'day', 'week']),
    record_count: z.number().int(),
    snoozed_until: z.number().int().nullable(),
    acknowledged_at: z.number().int().nullable(),
    resolved_at: z.number().int().nullable(),
    created_at: z.number().int(),
    updated_at: z.number().int(),
  })
  .openapi('Incident');

export const incidentParams = modelParams.extend({ incident_id: z.string().min(1).max(64) });

export const incidentsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  next_token: z.string().optional(),
});

export const snoozeBody = z
  .object({
    until: z
      .union([z.number(), z.string()])
      .openapi({ description: 'Epoch ms or ISO-8601; nothing is sent for the incident until then' }),
  })
  .openapi('IncidentSnooze');

// Segments and baselines (contract section 10).
const segmentValue = z.union([z.string(), z.number(), z.boolean()]);
const segmentCondition = z.union([
  z.object({ in: z.array(segmentValue).min(1).max(1000) }).strict(),
  z.object({ min: z.number().optional(), max: z.number().optional() }).strict(),
]);

export const segmentParams = modelParams.extend({
  segment_id: modelIdSchema.openapi({ example: 'germany_premium' }),
});

export const segmentBody = z
  .object({
    name: z.string().min(1).max(200),
    filter: z.record(z.string(), segmentCondition).openapi({
      example: { geography: { in: ['Germany'] }, age: { min: 18, max: 30 } },
    }),
  })
  .openapi('SegmentRequest');

export const segmentSchema = z
  .object({
    segment_id: z.string(),
    name: z.string(),
    filter: z.record(z.string(), z.unknown()),
    automatic: z.boolean(),
    version: z.number().int(),
    state: z.enum(['ready', 'building']),
    progress: z.object({ hours_done: z.number().int(), hours_total: z.number().int() }).optional(),
    created_at: z.number().int().optional(),
    updated_at: z.number().int().optional(),
  })
  .openapi('Segment');

export const segmentListSchema = z.object({ items: z.array(segmentSchema) }).openapi('SegmentList');

export const breakdownQuery = z.object({
  column: z.string().min(1).openapi({ description: 'A segment_by column', example: 'geography' }),
  metric: z.string().min(1).openapi({ example: 'accuracy' }),
  metric_column: z.string().optional().openapi({ description: 'The column of a per-column metric' }),
  baseline: z.string().optional(),
  bin_size: binSizeSchema.optional().default('day'),
  at: z
    .string()
    .optional()
    .openapi({ description: 'A time in the bin to rank (epoch ms or ISO-8601); default: now' }),
  order: z.enum(['asc', 'desc']).optional().default('desc'),
});

export const breakdownSchema = z
  .object({
    column: z.string(),
    metric: z.string(),
    bin_size: binSizeSchema,
    bin_start: z.number().int(),
    items: z.array(
      z.object({
        segment_id: z.string(),
        value: z.number().nullable(),
        count: z.number(),
        previous_value: z.number().nullable(),
        previous_count: z.number(),
        change: z.number().nullable(),
      }),
    ),
  })
  .openapi('SegmentBreakdown');
