// A metric as a time series: hour profiles merged into the requested bins, one point per bin. Reads only
// profiles, never events, so its cost depends on the time range, not on the traffic.
import { InvalidInput } from '../errors.js';
import type { MetricResult } from '../metrics/definition.js';
import { emptyProfile, type HourProfile, mergeProfiles } from '../metrics/profile.js';
import { computeMetric, MetricRequestError } from '../metrics/registry.js';
import type { ModelRef, ProfileStore } from '../storage/profiles.js';
import type { ModelRecord } from '../storage/registry.js';
import { type BinSize, binStartOf, binStartsInRange, nextBinStart } from '../time/bins.js';
import { type SpecDeps, specFor } from './specs.js';

export const MAX_POINTS = 10_000;

export interface SeriesQuery {
  metric: string;
  column?: string;
  bin_size: BinSize;
  start: number;
  end: number;
}

export interface Series {
  metric: string;
  column: string | null;
  bin_size: BinSize;
  points: Array<{ start: number; value: number | null; count: number }>;
}

export async function metricSeries(deps: SpecDeps, record: ModelRecord, query: SeriesQuery): Promise<Series> {
  const model = { project_id: record.info.project_id, model_id: record.info.model_id };
  if (query.end <= query.start) throw new InvalidInput('end must be after start');
  const starts = binStartsInRange(query.bin_size, query.start, query.end);
  if (starts.length > MAX_POINTS) {
    throw new InvalidInput(
      `the range holds ${starts.length} ${query.bin_size} bins; ask for at most ${MAX_POINTS}`,
    );
  }
  const state = await deps.profiles.getState(model);
  const version = state?.active_version ?? record.monitoring.version;
  const spec = await specFor(deps, model, version, record);
  const empty = emptyProfile(spec);
  // Validates metric, task and column before any profile is read.
  compute(query, empty, spec);

  // Each point is its whole bin, even when `end` falls inside the last one.
  const last = starts.at(-1);
  const to = last === undefined ? query.end : nextBinStart(query.bin_size, last);
  const merged = await profilesByBin(
    deps.profiles,
    model,
    version,
    query.bin_size,
    starts[0] ?? query.start,
    to,
  );
  const points = starts.map((start) => ({ start, ...compute(query, merged.get(start) ?? empty, spec) }));
  return { metric: query.metric, column: query.column ?? null, bin_size: query.bin_size, points };
}

/** Hour profiles of [from, to) merged into bins of the given size, keyed by bin start. */
export async function profilesByBin(
  store: ProfileStore,
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

function compute(
  query: SeriesQuery,
  profile: HourProfile,
  spec: Parameters<typeof computeMetric>[2],
): MetricResult {
  try {
    return computeMetric(query.metric, profile, spec, query.column);
  } catch (error) {
    if (error instanceof MetricRequestError) throw new InvalidInput(error.message, 'invalid_field');
    throw error;
  }
}
