// Many metric series over one time range: the profiles are read and merged into bins once, then every series
// is computed from the merged bins, so the cost grows with the number of bins, not with the number of series.
import { InvalidInput } from '../errors.js';
import { emptyProfile, type HourProfile } from '../metrics/profile.js';
import { computeMetric, MetricRequestError } from '../metrics/registry.js';
import type { MonitorSpec } from '../metrics/spec.js';
import type { ModelRecord } from '../storage/registry.js';
import type { BinSize } from '../time/bins.js';
import { openRange, readBins } from './bin-profiles.js';
import type { SpecDeps } from './specs.js';

export const MAX_QUERIES = 500;

export interface SeriesRequest {
  metric: string;
  column?: string;
  /** Contract section 10: not available yet, so any value is refused. */
  segment?: string;
  /** `dataset` (the default) only, until rolling and window baselines come. */
  baseline?: string;
}

export interface MetricsQuery {
  bin_size: BinSize;
  start: number;
  end: number;
  queries: SeriesRequest[];
}

export interface Series {
  metric: string;
  column: string | null;
  bin_size: BinSize;
  /** Drift points also carry `noise`: the value expected for `count` events drawn from the baseline itself. */
  points: Array<{ start: number; value: number | null; count: number; noise?: number | null }>;
}

/** A series asked for in a way that cannot be answered: names the query's index and field. */
export class InvalidSeriesRequest extends InvalidInput {
  constructor(
    readonly index: number,
    readonly field: keyof SeriesRequest,
    readonly detail: string,
  ) {
    super(`queries[${index}].${field}: ${detail}`);
  }
}

export async function queryMetrics(
  deps: SpecDeps,
  record: ModelRecord,
  query: MetricsQuery,
): Promise<{ series: Series[] }> {
  if (query.queries.length > MAX_QUERIES) {
    throw new InvalidInput(`queries: at most ${MAX_QUERIES} in one request, not ${query.queries.length}`);
  }
  for (const [index, request] of query.queries.entries()) checkAvailable(request, index);
  const range = await openRange(deps, record, query.bin_size, query.start, query.end);
  const empty = emptyProfile(range.spec);
  // Every query is checked before any profile is read.
  for (const [index, request] of query.queries.entries()) compute(request, index, empty, range.spec);
  const bins = await readBins(deps.profiles, range);
  const series = query.queries.map((request, index) => ({
    metric: request.metric,
    column: request.column ?? null,
    bin_size: query.bin_size,
    points: range.starts.map((start) => ({
      start,
      ...compute(request, index, bins.get(start) ?? empty, range.spec),
    })),
  }));
  return { series };
}

function checkAvailable(request: SeriesRequest, index: number): void {
  if (request.segment !== undefined) {
    throw new InvalidSeriesRequest(
      index,
      'segment',
      `segment ${request.segment} cannot be used: segments are not available yet`,
    );
  }
  if (request.baseline !== undefined && request.baseline !== 'dataset') {
    throw new InvalidSeriesRequest(
      index,
      'baseline',
      `baseline ${request.baseline} cannot be used: window and rolling baselines are not available yet (dataset is)`,
    );
  }
}

function compute(request: SeriesRequest, index: number, profile: HourProfile, spec: MonitorSpec) {
  try {
    return computeMetric(request.metric, profile, spec, request.column);
  } catch (error) {
    if (!(error instanceof MetricRequestError)) throw error;
    const field = error.code === 'column_required' || error.code === 'unknown_column' ? 'column' : 'metric';
    throw new InvalidSeriesRequest(index, field, error.message);
  }
}
