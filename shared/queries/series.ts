// A metric as a time series: a metrics query of one, so the single-series route and the many-series route
// answer alike. Reads only profiles, never events, so its cost depends on the time range, not on the traffic.
import { InvalidInput } from '../errors.js';
import { type HourProfile, mergeProfiles } from '../metrics/profile.js';
import type { SpecDeps } from '../specs/specs.js';
import type { ModelRef, ProfileItemStore } from '../storage/profiles.js';
import type { ModelRecord } from '../storage/registry.js';
import { type BinSize, binStartOf } from '../time/bins.js';
import { InvalidSeriesRequest, queryMetrics, type Series, type SeriesRequest } from './query.js';

export { MAX_POINTS } from './bin-profiles.js';
export type { Series } from './query.js';

export interface SeriesQuery extends SeriesRequest {
  bin_size: BinSize;
  start: number;
  end: number;
}

export async function metricSeries(deps: SpecDeps, record: ModelRecord, query: SeriesQuery): Promise<Series> {
  const { bin_size, start, end, ...request } = query;
  try {
    const { series } = await queryMetrics(deps, record, { bin_size, start, end, queries: [request] });
    return series[0] as Series;
  } catch (error) {
    // A single series has no index to name: its own message names the metric, column or parameter.
    if (error instanceof InvalidSeriesRequest) throw new InvalidInput(error.detail);
    throw error;
  }
}

/** Hour profiles of [from, to) merged into bins of the given size, keyed by bin start. */
export async function profilesByBin(
  store: ProfileItemStore,
  model: ModelRef,
  version: number,
  size: BinSize,
  from: number,
  to: number,
): Promise<Map<number, HourProfile>> {
  const merged = new Map<number, HourProfile>();
  for (const { hour, profile } of await store.queryHours(model, version, from, to - 1)) {
    const bin = binStartOf(size, hour);
    const sofar = merged.get(bin);
    merged.set(bin, sofar ? mergeProfiles(sofar, profile) : profile);
  }
  return merged;
}
