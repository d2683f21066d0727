// Which value of a `segment_by` column moved a metric: the column's automatic segments ranked by the metric in
// one bin, each beside its value in the bin before, so "which Geography drove Tuesday's accuracy drop?" is one
// request. Computed with the same series path as GET .../metrics, from one read per segment.
import { InvalidInput } from '../errors.js';
import { autoSegmentsFor } from '../specs/auto-segments.js';
import type { SpecDeps } from '../specs/specs.js';
import type { ModelRecord } from '../storage/registry.js';
import { type BinSize, binStartOf, nextBinStart } from '../time/bins.js';
import { queryMetrics } from './query.js';

export interface BreakdownQuery {
  column: string;
  metric: string;
  metric_column?: string;
  baseline?: string;
  bin_size: BinSize;
  /** Any time in the bin to rank. */
  at: number;
  order: 'asc' | 'desc';
}

export interface BreakdownItem {
  segment_id: string;
  value: number | null;
  count: number;
  previous_value: number | null;
  previous_count: number;
  /** value - previous_value, null when either is. */
  change: number | null;
}

export async function segmentBreakdown(deps: SpecDeps, record: ModelRecord, query: BreakdownQuery) {
  const model = { project_id: record.info.project_id, model_id: record.info.model_id };
  const state = await deps.profiles.getState(model);
  const version = state?.active_version ?? record.monitoring.version;
  const segments = (await autoSegmentsFor(deps, model, version, record)).filter(
    (s) => s.column === query.column,
  );
  if (segments.length === 0) {
    const columns = record.monitoring.segment_by ?? [];
    throw new InvalidInput(
      `column: ${query.column} is not a segment_by column with built segments (segment_by: ${columns.join(', ') || 'none'})`,
    );
  }
  const bin = binStartOf(query.bin_size, query.at);
  const before = binStartOf(query.bin_size, bin - 1);
  const { series } = await queryMetrics(deps, record, {
    bin_size: query.bin_size,
    start: before,
    end: nextBinStart(query.bin_size, bin),
    queries: segments.map((segment) => ({
      metric: query.metric,
      column: query.metric_column,
      segment: segment.segment_id,
      baseline: query.baseline,
    })),
  });
  const items: BreakdownItem[] = series.map((one, i) => {
    const [previous, current] = one.points;
    const value = current?.value ?? null;
    const previousValue = previous?.value ?? null;
    return {
      segment_id: (segments[i] as (typeof segments)[number]).segment_id,
      value,
      count: current?.count ?? 0,
      previous_value: previousValue,
      previous_count: previous?.count ?? 0,
      change: value === null || previousValue === null ? null : value - previousValue,
    };
  });
  // Segments without a value go last, whichever the order.
  const sign = query.order === 'asc' ? 1 : -1;
  items.sort((a, b) =>
    a.value === null ? (b.value === null ? 0 : 1) : b.value === null ? -1 : sign * (a.value - b.value),
  );
  return { column: query.column, metric: query.metric, bin_size: query.bin_size, bin_start: bin, items };
}
