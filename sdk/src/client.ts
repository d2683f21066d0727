// The Modelwatch client: one method per route of the public API (contract sections 3 to 8).
import type { AlertRecord, AlertRule, AlertRulePatch, AlertRuleRequest } from './alerts.js';
import { type BatchResult, type PublishBatchOptions, publishBatch } from './batch.js';
import { BufferedPublisher, type BufferedPublisherOptions } from './buffered-publisher.js';
import { isReplayedConflict, ModelwatchError } from './errors.js';
import { paginate } from './pages.js';
import { type BatchSource, type Row, type TableFormat, type TextSource, textPieces } from './sources.js';
import { Transport, type TransportOptions } from './transport.js';
import type {
  BinSize,
  CreatedToken,
  DatasetInfo,
  Distribution,
  MetricSeries,
  MetricsQueryAnswer,
  ModelInfo,
  ModelRegistration,
  ModelSummary,
  MonitoringConfig,
  MonitorRunSummary,
  Page,
  PerformanceDetails,
  Project,
  PublishAnswer,
  Segment,
  SegmentBreakdown,
  SegmentDefinition,
  StoredEvent,
  TimeInput,
  Upload,
  UploadContentType,
} from './types.js';

export type ModelwatchOptions = TransportOptions;

export interface UploadDatasetOptions {
  /** The format of text data; default: sniffed (`[` JSON array, `{` NDJSON, else CSV). Rows go as JSON. */
  format?: TableFormat;
  /** A string column with at most this many distinct values is a category. @default 100 (service side) */
  maxInferredCardinality?: number;
  /**
   * Bodies larger than this go through a presigned upload (requests are limited to 4 MiB, and JSON or CSV to
   * 5.5 MiB once escaped for the service's Lambda). @default 2 MiB
   */
  largeUploadBytes?: number;
}

export interface MetricsQuery {
  metric: string;
  column?: string;
  /** A segment id: the metric over the segment's events only. */
  segment?: string;
  /** Drift metrics: `dataset` (default), `window:<start>:<end>` or `previous:<n>`. */
  baseline?: string;
  /** @default 'hour' */
  binSize?: BinSize;
  /** Default: 7 days before end. */
  start?: TimeInput;
  /** Exclusive; default: now. */
  end?: TimeInput;
}

/** One series of a metrics query: the metric, and its column for per-column metrics. */
export interface SeriesSpec {
  metric: string;
  column?: string;
  segment?: string;
  baseline?: string;
}

/** The bins and range of a metrics query, a distribution or a summary. */
export interface RangeOptions {
  /** @default 'hour' */
  binSize?: BinSize;
  /** Default: 7 days before end. */
  start?: TimeInput;
  /** Exclusive; default: now. */
  end?: TimeInput;
}

const CONTENT_TYPES: Record<TableFormat, UploadContentType> = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
  json: 'application/json',
};

const seg = encodeURIComponent;

export class Modelwatch {
  private readonly transport: Transport;

  constructor(options: ModelwatchOptions) {
    this.transport = new Transport(options);
  }

  /** The service's base URL. */
  get url(): string {
    return this.transport.baseUrl;
  }

  // Projects and tokens

  /** Every project the token may see, fetched a page (`limit` projects) at a time. */
  listProjects(options: { limit?: number } = {}): AsyncGenerator<Project> {
    return paginate((nextToken) => this.listProjectsPage({ limit: options.limit, nextToken }));
  }

  async listProjectsPage(options: { limit?: number; nextToken?: string } = {}): Promise<Page<Project>> {
    const query = { limit: options.limit, next_token: options.nextToken };
    return (await this.transport.request<Page<Project>>({ method: 'GET', path: '/v1/projects', query })).body;
  }

  /** Creates a project (admin token). */
  async createProject(projectId: string): Promise<Project> {
    try {
      const spec = { method: 'POST', path: '/v1/projects', json: { project_id: projectId } } as const;
      return (await this.transport.request<Project>(spec)).body;
    } catch (error) {
      if (!isReplayedConflict(error)) throw error;
      for await (const project of this.listProjects()) if (project.project_id === projectId) return project;
      throw error;
    }
  }

  /** Creates a token allowed on the given projects (admin token); the secret is in this answer only. */
  async createToken(name: string, projects: string[]): Promise<CreatedToken> {
    const spec = {
      method: 'POST',
      path: '/v1/tokens',
      json: { name, projects },
      retry: 'throttled',
    } as const;
    return (await this.transport.request<CreatedToken>(spec)).body;
  }

  async revokeToken(tokenId: string): Promise<void> {
    await this.transport.request({ method: 'DELETE', path: `/v1/tokens/${seg(tokenId)}` });
  }

  // Datasets

  /**
   * Uploads a baseline dataset and answers its inferred schema. `data` is an array of rows, or CSV,
   * NDJSON or a JSON array as text. Over `largeUploadBytes` it goes through a presigned upload.
   */
  async uploadDataset(
    projectId: string,
    datasetId: string,
    data: readonly Row[] | TextSource,
    options: UploadDatasetOptions = {},
  ): Promise<DatasetInfo> {
    const { body, format } = await datasetBody(data, options.format);
    const path = `${this.datasetPath(projectId, datasetId)}`;
    const query = { max_inferred_cardinality: options.maxInferredCardinality };
    if (body.byteLength <= (options.largeUploadBytes ?? 2 * 1024 * 1024)) {
      const spec = { method: 'PUT', path, query, body, contentType: CONTENT_TYPES[format] } as const;
      try {
        return (await this.transport.request<DatasetInfo>(spec)).body;
      } catch (error) {
        // Text that escapes to more than the service's framed limit is refused whole: the upload route takes it.
        if (!(error instanceof ModelwatchError && error.status === 413)) throw error;
      }
    }
    const upload = await this.startUpload(projectId, datasetId, CONTENT_TYPES[format]);
    await this.transport.request({
      method: upload.method,
      path: upload.url,
      body,
      headers: upload.headers,
      auth: false,
    });
    const spec = { method: 'PUT', path, query, json: { upload_id: upload.upload_id } } as const;
    return (await this.transport.request<DatasetInfo>(spec)).body;
  }

  /** Starts a presigned upload (for baselines over the 4 MiB request limit); see uploadDataset. */
  async startUpload(
    projectId: string,
    datasetId: string,
    contentType: UploadContentType = 'text/csv',
  ): Promise<Upload> {
    const spec = {
      method: 'POST',
      path: `${this.datasetPath(projectId, datasetId)}/uploads`,
      json: { content_type: contentType },
    } as const;
    return (await this.transport.request<Upload>(spec)).body;
  }

  async getDataset(projectId: string, datasetId: string): Promise<DatasetInfo> {
    return (
      await this.transport.request<DatasetInfo>({
        method: 'GET',
        path: this.datasetPath(projectId, datasetId),
      })
    ).body;
  }

  // Models

  async registerModel(projectId: string, modelId: string, info: ModelRegistration): Promise<ModelInfo> {
    try {
      const spec = { method: 'PUT', path: this.modelPath(projectId, modelId), json: info } as const;
      return (await this.transport.request<ModelInfo>(spec)).body;
    } catch (error) {
      if (isReplayedConflict(error)) return this.getModel(projectId, modelId);
      throw error;
    }
  }

  async getModel(projectId: string, modelId: string): Promise<ModelInfo> {
    return (
      await this.transport.request<ModelInfo>({ method: 'GET', path: this.modelPath(projectId, modelId) })
    ).body;
  }

  /** Every model of a project, in id order, fetched a page (`limit` models) at a time. */
  listModels(projectId: string, options: { limit?: number } = {}): AsyncGenerator<ModelInfo> {
    const path = `/v1/projects/${encodeURIComponent(projectId)}/models`;
    return paginate(
      async (nextToken) =>
        (
          await this.transport.request<Page<ModelInfo>>({
            method: 'GET',
            path,
            query: { limit: options.limit, next_token: nextToken },
          })
        ).body,
    );
  }

  /** Sets drift bin cut points per numeric column; answers the model info with the new config. */
  async setMonitoring(projectId: string, modelId: string, config: MonitoringConfig): Promise<ModelInfo> {
    const spec = {
      method: 'PUT',
      path: `${this.modelPath(projectId, modelId)}/monitoring`,
      json: config,
    } as const;
    return (await this.transport.request<ModelInfo>(spec)).body;
  }

  // Events

  /**
   * Publishes one event. Without `eventId` one is generated here, so a retried publish is never counted
   * twice: a 409 answered to our own retry means the first attempt was stored, and counts as success.
   */
  async publishEvent(
    projectId: string,
    modelId: string,
    event: Record<string, unknown>,
    options: { eventId?: string; eventTimestamp?: TimeInput } = {},
  ): Promise<PublishAnswer> {
    const eventId = options.eventId ?? globalThis.crypto.randomUUID();
    const json = {
      event,
      event_id: eventId,
      update_event: false,
      event_timestamp: timeOf(options.eventTimestamp),
    };
    try {
      return (
        await this.transport.request<PublishAnswer>({
          method: 'POST',
          path: this.eventsPath(projectId, modelId),
          json,
        })
      ).body;
    } catch (error) {
      if (isReplayedConflict(error)) return { event_id: eventId };
      throw error;
    }
  }

  /** Updates targets, decisions or metadata of a published event; a column given as null is cleared. */
  async updateEvent(
    projectId: string,
    modelId: string,
    eventId: string,
    changes: Record<string, unknown>,
  ): Promise<PublishAnswer> {
    const json = { event: changes, event_id: eventId, update_event: true };
    return (
      await this.transport.request<PublishAnswer>({
        method: 'POST',
        path: this.eventsPath(projectId, modelId),
        json,
      })
    ).body;
  }

  /**
   * Publishes (or, with `updateEvent`, updates) many events: an array or iterable of rows, or CSV / NDJSON
   * / JSON text, whole or streamed. Split into requests of `chunkRows`; insert rows without an id get one
   * first, so retries are safe. Row errors come back by 0-based source row index.
   */
  publishBatch(
    projectId: string,
    modelId: string,
    source: BatchSource,
    options?: PublishBatchOptions,
  ): Promise<BatchResult> {
    return publishBatch(this.transport, `${this.eventsPath(projectId, modelId)}/batch`, source, options);
  }

  async getEvent(projectId: string, modelId: string, eventId: string): Promise<StoredEvent> {
    const path = `${this.eventsPath(projectId, modelId)}/${seg(eventId)}`;
    return (await this.transport.request<StoredEvent>({ method: 'GET', path })).body;
  }

  /** A publisher that batches single events by size and time; close() it (or flush()) when done. */
  bufferedPublisher(
    projectId: string,
    modelId: string,
    options?: BufferedPublisherOptions,
  ): BufferedPublisher {
    return new BufferedPublisher(this, projectId, modelId, options);
  }

  // Metrics and monitoring

  async getMetrics(projectId: string, modelId: string, query: MetricsQuery): Promise<MetricSeries> {
    const spec = {
      method: 'GET',
      path: `${this.modelPath(projectId, modelId)}/metrics`,
      query: {
        metric: query.metric,
        column: query.column,
        segment: query.segment,
        baseline: query.baseline,
        bin_size: query.binSize,
        start: timeOf(query.start),
        end: timeOf(query.end),
      },
    } as const;
    return (await this.transport.request<MetricSeries>(spec)).body;
  }

  /** Many series over one range in one request (at most 500): `series[i]` answers `queries[i]`. */
  async queryMetrics(
    projectId: string,
    modelId: string,
    queries: SeriesSpec[],
    options: RangeOptions = {},
  ): Promise<MetricsQueryAnswer> {
    const spec = {
      method: 'POST',
      path: `${this.modelPath(projectId, modelId)}/metrics/query`,
      json: { ...rangeOf(options), queries },
    } as const;
    return (await this.transport.request<MetricsQueryAnswer>(spec)).body;
  }

  /** A column's counts per drift bin in each time bin, with the baseline's proportions. */
  async distributions(
    projectId: string,
    modelId: string,
    column: string,
    options: RangeOptions & { segment?: string } = {},
  ): Promise<Distribution> {
    const spec = {
      method: 'GET',
      path: `${this.modelPath(projectId, modelId)}/distributions`,
      query: { column, segment: options.segment, ...rangeOf(options) },
    } as const;
    return (await this.transport.request<Distribution>(spec)).body;
  }

  /**
   * A classification model's confusion matrix per time bin (binary: tp, fp, tn, fn at its threshold, and the
   * calibration buckets); a regression model is a 400 `not_classification`.
   */
  async performance(
    projectId: string,
    modelId: string,
    options: RangeOptions & { segment?: string } = {},
  ): Promise<PerformanceDetails> {
    const spec = {
      method: 'GET',
      path: `${this.modelPath(projectId, modelId)}/performance`,
      query: { segment: options.segment, ...rangeOf(options) },
    } as const;
    return (await this.transport.request<PerformanceDetails>(spec)).body;
  }

  /** The model's health over a range: traffic, drift and integrity per column, performance, open alerts. */
  async summary(projectId: string, modelId: string, options: RangeOptions = {}): Promise<ModelSummary> {
    const spec = {
      method: 'GET',
      path: `${this.modelPath(projectId, modelId)}/summary`,
      query: rangeOf(options),
    } as const;
    return (await this.transport.request<ModelSummary>(spec)).body;
  }

  // Segments

  /** Defines (or changes) a segment of a model: the events whose values pass every condition of `filter`. */
  async putSegment(
    projectId: string,
    modelId: string,
    segmentId: string,
    definition: SegmentDefinition,
  ): Promise<Segment> {
    const path = `${this.modelPath(projectId, modelId)}/segments/${encodeURIComponent(segmentId)}`;
    return (await this.transport.request<Segment>({ method: 'PUT', path, json: definition })).body;
  }

  /** The model's segments, defined and automatic (`segment_by`), with their build state. */
  async listSegments(projectId: string, modelId: string): Promise<Segment[]> {
    const path = `${this.modelPath(projectId, modelId)}/segments`;
    return (await this.transport.request<{ items: Segment[] }>({ method: 'GET', path })).body.items;
  }

  async getSegment(projectId: string, modelId: string, segmentId: string): Promise<Segment> {
    const path = `${this.modelPath(projectId, modelId)}/segments/${encodeURIComponent(segmentId)}`;
    return (await this.transport.request<Segment>({ method: 'GET', path })).body;
  }

  async deleteSegment(projectId: string, modelId: string, segmentId: string): Promise<void> {
    const path = `${this.modelPath(projectId, modelId)}/segments/${encodeURIComponent(segmentId)}`;
    await this.transport.request({ method: 'DELETE', path });
  }

  /** The segments of a `segment_by` column ranked by a metric in one bin: which value drove a change. */
  async segmentBreakdown(
    projectId: string,
    modelId: string,
    query: {
      column: string;
      metric: string;
      metricColumn?: string;
      binSize?: BinSize;
      at?: TimeInput;
      order?: 'asc' | 'desc';
    },
  ): Promise<SegmentBreakdown> {
    const spec = {
      method: 'GET',
      path: `${this.modelPath(projectId, modelId)}/segments/breakdown`,
      query: {
        column: query.column,
        metric: query.metric,
        metric_column: query.metricColumn,
        bin_size: query.binSize,
        at: timeOf(query.at),
        order: query.order,
      },
    } as const;
    return (await this.transport.request<SegmentBreakdown>(spec)).body;
  }

  /** Folds everything published so far into the metrics and evaluates alert rules (admin token). */
  async runMonitor(): Promise<MonitorRunSummary> {
    return (await this.transport.request<MonitorRunSummary>({ method: 'POST', path: '/v1/monitor/run' }))
      .body;
  }

  // Alerts

  async createAlertRule(projectId: string, modelId: string, rule: AlertRuleRequest): Promise<AlertRule> {
    const spec = {
      method: 'POST',
      path: this.rulesPath(projectId, modelId),
      json: rule,
      retry: 'throttled',
    } as const;
    return (await this.transport.request<AlertRule>(spec)).body;
  }

  /** Every alert rule of the model. */
  listAlertRules(projectId: string, modelId: string): AsyncGenerator<AlertRule> {
    const path = this.rulesPath(projectId, modelId);
    return paginate(async (next_token) => {
      return (await this.transport.request<Page<AlertRule>>({ method: 'GET', path, query: { next_token } }))
        .body;
    });
  }

  async getAlertRule(projectId: string, modelId: string, ruleId: string): Promise<AlertRule> {
    return (
      await this.transport.request<AlertRule>({
        method: 'GET',
        path: `${this.rulesPath(projectId, modelId)}/${seg(ruleId)}`,
      })
    ).body;
  }

  async updateAlertRule(
    projectId: string,
    modelId: string,
    ruleId: string,
    patch: AlertRulePatch,
  ): Promise<AlertRule> {
    const spec = {
      method: 'PATCH',
      path: `${this.rulesPath(projectId, modelId)}/${seg(ruleId)}`,
      json: patch,
    } as const;
    return (await this.transport.request<AlertRule>(spec)).body;
  }

  async deleteAlertRule(projectId: string, modelId: string, ruleId: string): Promise<void> {
    await this.transport.request({
      method: 'DELETE',
      path: `${this.rulesPath(projectId, modelId)}/${seg(ruleId)}`,
    });
  }

  /** Triggered alert records, newest first; `start`/`end` filter on the bin start. */
  listAlerts(
    projectId: string,
    modelId: string,
    options: { start?: TimeInput; end?: TimeInput; limit?: number } = {},
  ): AsyncGenerator<AlertRecord> {
    const path = `${this.modelPath(projectId, modelId)}/alerts`;
    return paginate(async (next_token) => {
      const query = {
        start: timeOf(options.start),
        end: timeOf(options.end),
        limit: options.limit,
        next_token,
      };
      return (await this.transport.request<Page<AlertRecord>>({ method: 'GET', path, query })).body;
    });
  }

  // Incidents (contract section 11): consecutive firings of one rule and column, acknowledged and snoozed here.

  /** The model's incidents, newest first. */
  listIncidents(
    projectId: string,
    modelId: string,
    options: { limit?: number } = {},
  ): AsyncGenerator<Incident> {
    const path = `${this.modelPath(projectId, modelId)}/incidents`;
    return paginate(async (next_token) => {
      const query = { limit: options.limit, next_token };
      return (await this.transport.request<Page<Incident>>({ method: 'GET', path, query })).body;
    });
  }

  /** From now on only the incident's resolve is notified. */
  async acknowledgeIncident(projectId: string, modelId: string, incidentId: string): Promise<Incident> {
    const path = `${this.modelPath(projectId, modelId)}/incidents/${seg(incidentId)}/acknowledge`;
    return (await this.transport.request<Incident>({ method: 'POST', path })).body;
  }

  /** Nothing is notified for the incident until `until` (in the future). */
  async snoozeIncident(
    projectId: string,
    modelId: string,
    incidentId: string,
    until: TimeInput,
  ): Promise<Incident> {
    const spec = {
      method: 'POST',
      path: `${this.modelPath(projectId, modelId)}/incidents/${seg(incidentId)}/snooze`,
      json: { until: timeOf(until) },
    } as const;
    return (await this.transport.request<Incident>(spec)).body;
  }

  private datasetPath(projectId: string, datasetId: string): string {
    return `/v1/projects/${seg(projectId)}/datasets/${seg(datasetId)}`;
  }

  private modelPath(projectId: string, modelId: string): string {
    return `/v1/projects/${seg(projectId)}/models/${seg(modelId)}`;
  }

  private eventsPath(projectId: string, modelId: string): string {
    return `${this.modelPath(projectId, modelId)}/events`;
  }

  private rulesPath(projectId: string, modelId: string): string {
    return `${this.modelPath(projectId, modelId)}/alert-rules`;
  }
}

function rangeOf(options: RangeOptions) {
  return { bin_size: options.binSize, start: timeOf(options.start), end: timeOf(options.end) };
}

/** Times in requests: epoch ms or ISO-8601 go as they are; a Date as epoch ms. */
function timeOf(time: TimeInput | undefined): number | string | undefined {
  return time instanceof Date ? time.getTime() : time;
}

async function datasetBody(
  data: readonly Row[] | TextSource,
  format: TableFormat | undefined,
): Promise<{ body: Uint8Array; format: TableFormat }> {
  const encoder = new TextEncoder();
  if (Array.isArray(data)) return { body: encoder.encode(JSON.stringify(data)), format: 'json' };
  // Bytes of a known format go as they are (a CLI upload of a large file is not copied twice).
  if (data instanceof Uint8Array && format) return { body: data, format };
  let text = '';
  for await (const piece of textPieces(data as TextSource)) text += piece;
  const first = /\S/.exec(text.replace(/^\uFEFF/, ''))?.[0];
  return {
    body: encoder.encode(text),
    format: format ?? (first === '[' ? 'json' : first === '{' ? 'ndjson' : 'csv'),
  };
}

/** An incident as the service answers it (contract section 11). */
export interface Incident {
  incident_id: string;
  rule_id: string;
  column: string | null;
  segment: string | null;
  /** The highest severity its records reached. */
  severity: 'warning' | 'critical';
  state: 'open' | 'acknowledged' | 'resolved';
  first_bin: number;
  last_bin: number;
  bin_size: 'hour' | 'day' | 'week';
  record_count: number;
  snoozed_until: number | null;
  acknowledged_at: number | null;
  resolved_at: number | null;
  created_at: number;
  updated_at: number;
}
