// The API client: bearer token, the contract's error body turned into ApiError, and the routes the dashboard uses.
import type {
  AlertRecord,
  AlertRule,
  AlertRuleInput,
  AlertRulePatch,
  BinSize,
  DatasetInfo,
  Distribution,
  Incident,
  ModelInfo,
  ModelSummary,
  Page,
  PerformanceDetails,
  Project,
  Segment,
  SegmentBreakdown,
  Series,
} from './types.js';

/** A failed call, with the API's stable code and its human sentence (or a network failure in words). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The service has no such route at all (as opposed to an unknown model or rule). */
  get isNoRoute(): boolean {
    return this.status === 404 && this.code === 'not_found' && this.message.startsWith('no route');
  }
}

/** The range and bins shared by the series of one `metrics/query` request, and the summary and distributions. */
export interface RangeQuery {
  bin_size: BinSize;
  start: number;
  end: number;
}

export interface SeriesQuery {
  metric: string;
  column?: string;
  /** A segment id: the series of the segment's events; absent for the whole model. */
  segment?: string;
  bin_size: BinSize;
  start: number;
  end: number;
}

export interface BreakdownQuery {
  /** A `segment_by` column. */
  column: string;
  metric: string;
  /** The column of a per-column metric (drift). */
  metric_column?: string;
  bin_size: BinSize;
  /** Any time in the bin to rank. */
  at: number;
  order: 'asc' | 'desc';
}

/** Models listed per request: the route's own maximum, so most projects take one request. */
const MODEL_PAGE = 1000;

const enc = encodeURIComponent;

export class ApiClient {
  /** `base` is '' for the page's own origin, else an absolute URL such as https://api.example.com. */
  constructor(
    readonly base: string,
    private readonly token: string,
  ) {}

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiError(
        0,
        'network_error',
        `The API at ${this.base || window.location.origin} could not be reached.`,
      );
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new ApiError(
        response.status,
        error?.code ?? 'http_error',
        error?.message ??
          `The API answered ${response.status} ${response.statusText} without an error message.`,
      );
    }
    if (parsed === undefined && text) {
      throw new ApiError(
        response.status,
        'not_json',
        `The API answered ${path} with something other than JSON.`,
      );
    }
    return parsed as T;
  }

  async listProjects(): Promise<Project[]> {
    const projects: Project[] = [];
    let token: string | null | undefined;
    do {
      const query = token ? `?next_token=${enc(token)}` : '';
      const page = await this.request<Page<Project>>('GET', `/v1/projects${query}`);
      projects.push(...page.items);
      token = page.next_token;
    } while (token);
    return projects;
  }

  /** Every model of a project, in id order, as `GET .../models/{m}` answers each. */
  async listModels(projectId: string): Promise<ModelInfo[]> {
    const models: ModelInfo[] = [];
    let token: string | null | undefined;
    do {
      const query = `?limit=${MODEL_PAGE}${token ? `&next_token=${enc(token)}` : ''}`;
      const page = await this.request<Page<ModelInfo>>(
        'GET',
        `/v1/projects/${enc(projectId)}/models${query}`,
      );
      models.push(...page.items);
      token = page.next_token;
    } while (token);
    return models;
  }

  model(projectId: string, modelId: string): Promise<ModelInfo> {
    return this.request('GET', modelPath(projectId, modelId));
  }

  dataset(projectId: string, datasetId: string): Promise<DatasetInfo> {
    return this.request('GET', `/v1/projects/${enc(projectId)}/datasets/${enc(datasetId)}`);
  }

  series(model: ModelInfo, query: SeriesQuery, signal?: AbortSignal): Promise<Series> {
    return this.request('GET', seriesPath(model, query), undefined, signal);
  }

  /** Many series over one range and bin size in one request, in the order asked. */
  async seriesMany(
    model: ModelInfo,
    range: RangeQuery,
    queries: Array<{ metric: string; column?: string; segment?: string }>,
    signal?: AbortSignal,
  ): Promise<Series[]> {
    const answer = await this.request<{ series: Series[] }>(
      'POST',
      `${modelPath(model.project_id, model.model_id)}/metrics/query`,
      { ...range, queries },
      signal,
    );
    return answer.series;
  }

  summary(model: ModelInfo, range: RangeQuery): Promise<ModelSummary> {
    return this.request(
      'GET',
      `${modelPath(model.project_id, model.model_id)}/summary?${rangeParams(range)}`,
    );
  }

  distributions(
    model: ModelInfo,
    column: string,
    range: RangeQuery,
    segment?: string,
  ): Promise<Distribution> {
    return this.request(
      'GET',
      `${modelPath(model.project_id, model.model_id)}/distributions?column=${enc(column)}&${rangeParams(range)}${segmentParam(segment)}`,
    );
  }

  /** Confusion matrix (and, binary, calibration buckets) per bin of a classification model. */
  performance(model: ModelInfo, range: RangeQuery, segment?: string): Promise<PerformanceDetails> {
    return this.request(
      'GET',
      `${modelPath(model.project_id, model.model_id)}/performance?${rangeParams(range)}${segmentParam(segment)}`,
    );
  }

  /** The model's defined and automatic segments, with whether each is built yet. */
  async segments(model: ModelInfo): Promise<Segment[]> {
    const answer = await this.request<{ items: Segment[] }>(
      'GET',
      `${modelPath(model.project_id, model.model_id)}/segments`,
    );
    return answer.items;
  }

  /** The automatic segments of a `segment_by` column ranked by a metric in the bin holding `at`. */
  segmentBreakdown(model: ModelInfo, query: BreakdownQuery): Promise<SegmentBreakdown> {
    const metricColumn =
      query.metric_column === undefined ? '' : `&metric_column=${enc(query.metric_column)}`;
    return this.request(
      'GET',
      `${modelPath(model.project_id, model.model_id)}/segments/breakdown?column=${enc(query.column)}` +
        `&metric=${enc(query.metric)}${metricColumn}&bin_size=${query.bin_size}&at=${query.at}&order=${query.order}`,
    );
  }

  incidents(model: ModelInfo, nextToken?: string): Promise<Page<Incident>> {
    const query = `limit=200${nextToken ? `&next_token=${enc(nextToken)}` : ''}`;
    return this.request('GET', `${modelPath(model.project_id, model.model_id)}/incidents?${query}`);
  }

  acknowledge(model: ModelInfo, incidentId: string): Promise<Incident> {
    return this.request(
      'POST',
      `${modelPath(model.project_id, model.model_id)}/incidents/${enc(incidentId)}/acknowledge`,
    );
  }

  snooze(model: ModelInfo, incidentId: string, until: number): Promise<Incident> {
    return this.request(
      'POST',
      `${modelPath(model.project_id, model.model_id)}/incidents/${enc(incidentId)}/snooze`,
      { until },
    );
  }

  rules(model: ModelInfo): Promise<Page<AlertRule>> {
    return this.request('GET', `${modelPath(model.project_id, model.model_id)}/alert-rules`);
  }

  createRule(model: ModelInfo, rule: AlertRuleInput): Promise<AlertRule> {
    return this.request('POST', `${modelPath(model.project_id, model.model_id)}/alert-rules`, rule);
  }

  updateRule(model: ModelInfo, ruleId: string, patch: AlertRulePatch): Promise<AlertRule> {
    return this.request(
      'PATCH',
      `${modelPath(model.project_id, model.model_id)}/alert-rules/${enc(ruleId)}`,
      patch,
    );
  }

  deleteRule(model: ModelInfo, ruleId: string): Promise<unknown> {
    return this.request(
      'DELETE',
      `${modelPath(model.project_id, model.model_id)}/alert-rules/${enc(ruleId)}`,
    );
  }

  alerts(model: ModelInfo, start: number, end: number, nextToken?: string): Promise<Page<AlertRecord>> {
    const query = `start=${start}&end=${end}${nextToken ? `&next_token=${enc(nextToken)}` : ''}`;
    return this.request('GET', `${modelPath(model.project_id, model.model_id)}/alerts?${query}`);
  }
}

function modelPath(projectId: string, modelId: string): string {
  return `/v1/projects/${enc(projectId)}/models/${enc(modelId)}`;
}

function rangeParams(range: RangeQuery): string {
  return `bin_size=${range.bin_size}&start=${range.start}&end=${range.end}`;
}

const segmentParam = (segment: string | undefined) =>
  segment === undefined ? '' : `&segment=${enc(segment)}`;

export function seriesPath(model: ModelInfo, query: SeriesQuery): string {
  const column = query.column === undefined ? '' : `&column=${enc(query.column)}`;
  return (
    `${modelPath(model.project_id, model.model_id)}/metrics?metric=${enc(query.metric)}${column}` +
    `&bin_size=${query.bin_size}&start=${query.start}&end=${query.end}${segmentParam(query.segment)}`
  );
}
