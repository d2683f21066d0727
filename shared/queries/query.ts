// Many metric series over one time range: the profiles are read and merged into bins once per segment asked for,
// then every series is computed from the merged bins, so the cost grows with the number of bins (and segments),
// not with the number of series. Drift series may compare with a window or rolling baseline (baselines.ts): drift
// counts for the metrics on drift bins, the column's numeric statistics for KS and Wasserstein.
import { InvalidInput } from '../errors.js';
import type { ColumnStats } from '../metrics/numeric/column-stats.js';
import { emptyProfile, type HourProfile } from '../metrics/profile.js';
import { computeMetric, MetricRequestError, metricDefinition } from '../metrics/registry.js';
import { columnIndexOf, type MonitorSpec } from '../metrics/spec.js';
import { segmentBaselineSpec } from '../specs/segment-baseline.js';
import { type ResolvedSegment, resolveSegment } from '../specs/segment-resolve.js';
import type { SpecDeps } from '../specs/specs.js';
import type { ModelRecord } from '../storage/registry.js';
import type { BinSize } from '../time/bins.js';
import {
  type BaselineChoice,
  type BinStats,
  columnStatsOf,
  mergeBinStats,
  parseBaseline,
  previousBins,
  slidingMerges,
  summedDriftCounts,
  withBaselineCounts,
} from './baselines.js';
import { type BinRange, openRange, readBins } from './bin-profiles.js';

export const MAX_QUERIES = 500;

export interface SeriesRequest {
  metric: string;
  column?: string;
  /** A segment id: the series of the segment's events only. */
  segment?: string;
  /** `dataset` (the default), `window:<start>:<end>` or `previous:<n>`: what drift compares with. */
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
  segment?: string;
  baseline?: string;
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

interface SeriesPlan {
  request: SeriesRequest;
  index: number;
  segment?: ResolvedSegment;
  /** The spec whose baseline counts dataset drift compares with: the segment's own rows when it has a segment. */
  spec: MonitorSpec;
  baseline: BaselineChoice;
  columnIndex: number;
  /** KS and Wasserstein: a production baseline is the column's merged numeric statistics, not drift counts. */
  comparesValues: boolean;
}

/**
 * Per point of the range, the column's statistics over the production baseline: the window's (one merge for
 * every point) or the n bins before each point (a sliding merge over the bins read before the range).
 */
async function valuesBaselines(
  reader: BinReader,
  range: BinRange,
  plan: SeriesPlan,
  bins: Map<number, HourProfile>,
): Promise<BinStats[]> {
  const { baseline, columnIndex } = plan;
  if (baseline.kind === 'window') {
    const window = await reader.window(plan.segment, baseline.start, baseline.end);
    const merged = window
      .map((profile) => columnStatsOf(profile, columnIndex))
      .reduce(mergeBinStats, undefined);
    return range.starts.map(() => merged);
  }
  if (baseline.kind !== 'previous') return [];
  const before = previousBins(range.size, range.from, baseline.bins).reverse();
  const sequence = [...before, ...range.starts].map((start) => columnStatsOf(bins.get(start), columnIndex));
  return slidingMerges(sequence.slice(0, -1), baseline.bins, mergeBinStats);
}

export async function queryMetrics(
  deps: SpecDeps,
  record: ModelRecord,
  query: MetricsQuery,
): Promise<{ series: Series[] }> {
  if (query.queries.length > MAX_QUERIES) {
    throw new InvalidInput(`queries: at most ${MAX_QUERIES} in one request, not ${query.queries.length}`);
  }
  const range = await openRange(deps, record, query.bin_size, query.start, query.end);
  const empty = emptyProfile(range.spec);
  // Every query is checked before any profile is read.
  const plans: SeriesPlan[] = [];
  for (const [index, request] of query.queries.entries())
    plans.push(await planSeries(deps, record, range, request, index, empty));
  // Only the columns asked for are read: a wide model's query fetches their sections, not whole profiles.
  const columns = new Set(plans.flatMap((plan) => plan.request.column ?? []));
  const reader = new BinReader(deps, range, columns);
  const series: Series[] = [];
  for (const plan of plans) {
    const bins = await reader.bins(plan.segment, plan.baseline.kind === 'previous' ? plan.baseline.bins : 0);
    const header = {
      metric: plan.request.metric,
      column: plan.request.column ?? null,
      bin_size: query.bin_size,
      ...(plan.request.segment !== undefined ? { segment: plan.request.segment } : {}),
      ...(plan.baseline.kind !== 'dataset' ? { baseline: plan.request.baseline } : {}),
    };
    if (plan.comparesValues && plan.baseline.kind !== 'dataset') {
      const against = await valuesBaselines(reader, range, plan, bins);
      series.push({
        ...header,
        points: range.starts.map((start, k) => ({
          start,
          // The production baseline was folded with the version's spec, as the bin was: its grid, not a segment's.
          ...compute(plan.request, plan.index, bins.get(start) ?? empty, range.spec, against[k] ?? null),
        })),
      });
      continue;
    }
    let windowSpec: MonitorSpec | undefined;
    if (plan.baseline.kind === 'window') {
      const window = await reader.window(plan.segment, plan.baseline.start, plan.baseline.end);
      windowSpec = withBaselineCounts(
        plan.spec,
        plan.columnIndex,
        summedDriftCounts(window, plan.columnIndex),
      );
    }
    const baseline = plan.baseline;
    const specAt = (start: number): MonitorSpec => {
      if (windowSpec) return windowSpec;
      if (baseline.kind !== 'previous') return plan.spec;
      const earlier = previousBins(query.bin_size, start, baseline.bins).map((bin) => bins.get(bin));
      return withBaselineCounts(plan.spec, plan.columnIndex, summedDriftCounts(earlier, plan.columnIndex));
    };
    series.push({
      ...header,
      points: range.starts.map((start) => ({
        start,
        ...compute(plan.request, plan.index, bins.get(start) ?? empty, specAt(start)),
      })),
    });
  }
  return { series };
}

async function planSeries(
  deps: SpecDeps,
  record: ModelRecord,
  range: BinRange,
  request: SeriesRequest,
  index: number,
  empty: HourProfile,
): Promise<SeriesPlan> {
  compute(request, index, empty, range.spec);
  let baseline: BaselineChoice;
  try {
    baseline = parseBaseline(request.baseline);
  } catch (error) {
    throw new InvalidSeriesRequest(index, 'baseline', (error as Error).message);
  }
  const definition = metricDefinition(request.metric);
  if (baseline.kind !== 'dataset' && !definition.comparesBaseline) {
    throw new InvalidSeriesRequest(
      index,
      'baseline',
      `baseline ${request.baseline} applies to drift metrics (jsd, psi, hellinger, chi_squared_p_value, ks_statistic, wasserstein), not to ${request.metric}`,
    );
  }
  const segment =
    request.segment === undefined
      ? undefined
      : await resolveSegment(deps, record, range.state, range.version, request.segment);
  const spec = segment
    ? await segmentBaselineSpec(deps, record, range.version, range.spec, segment)
    : range.spec;
  return {
    request,
    index,
    segment,
    spec,
    baseline,
    columnIndex: columnIndexOf(range.spec, request.column ?? ''),
    comparesValues: definition.component === 'numeric',
  };
}

/** Merged bins per segment (and per window), each read once per request. */
class BinReader {
  private readonly read = new Map<string, { back: number; bins: Promise<Map<number, HourProfile>> }>();
  private readonly windows = new Map<string, Promise<HourProfile[]>>();

  constructor(
    private readonly deps: SpecDeps,
    private readonly range: BinRange,
    private readonly columns: ReadonlySet<string>,
  ) {}

  /** The range's bins, and `back` bins before it for rolling baselines. */
  async bins(segment: ResolvedSegment | undefined, back: number): Promise<Map<number, HourProfile>> {
    const key = segment?.key ?? '';
    const known = this.read.get(key);
    if (known && known.back >= back) return known.bins;
    const from =
      back > 0 ? (previousBins(this.range.size, this.range.from, back).at(-1) as number) : this.range.from;
    const bins = readBins(this.deps.profiles, { ...this.range, segment, from }, this.columns);
    this.read.set(key, { back, bins });
    return bins;
  }

  async window(segment: ResolvedSegment | undefined, start: number, end: number): Promise<HourProfile[]> {
    const key = `${segment?.key ?? ''}#${start}#${end}`;
    let found = this.windows.get(key);
    if (!found) {
      found = readBins(
        this.deps.profiles,
        {
          ...this.range,
          segment,
          size: 'day',
          from: start,
          to: end,
        },
        this.columns,
      ).then((bins) => [...bins.values()]);
      this.windows.set(key, found);
    }
    return found;
  }
}

function compute(
  request: SeriesRequest,
  index: number,
  profile: HourProfile,
  spec: MonitorSpec,
  against?: ColumnStats | null,
) {
  try {
    return computeMetric(request.metric, profile, spec, request.column, against);
  } catch (error) {
    if (!(error instanceof MetricRequestError)) throw error;
    const field = error.code === 'column_required' || error.code === 'unknown_column' ? 'column' : 'metric';
    throw new InvalidSeriesRequest(index, field, error.message);
  }
}
