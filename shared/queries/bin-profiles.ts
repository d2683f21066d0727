// Profiles merged into the bins of a query, read once per request: day and week bins merge day profiles (hours only
// for partial or stale days) and month bins month profiles (days for a month holding a stale day), so a query of N
// bins reads about N items: 365 daily points read 365, 12 monthly points 12.
import { InvalidInput } from '../errors.js';
import { type HourProfile, mergeProfiles } from '../metrics/profile.js';
import type { MonitorSpec } from '../metrics/spec.js';
import type { ResolvedSegment } from '../specs/segment-resolve.js';
import { type SpecDeps, specFor } from '../specs/specs.js';
import type { ModelRef, ModelState, ModelStateStore, ProfileItemStore } from '../storage/profiles.js';
import type { ModelRecord } from '../storage/registry.js';
import { type BinSize, binStartOf, binStartsInRange, DAY_MS, nextBinStart } from '../time/bins.js';

export const MAX_POINTS = 10_000;

/** The bins a request covers, with the spec and version that answer it. */
export interface BinRange {
  model: ModelRef;
  version: number;
  spec: MonitorSpec;
  state: ModelState | undefined;
  size: BinSize;
  /** Bin starts in [start, end); each point is its whole bin, even when `end` falls inside the last one. */
  starts: number[];
  from: number;
  to: number;
  /** Read the segment's profiles instead of the whole model's. */
  segment?: ResolvedSegment;
}

export async function openRange(
  deps: SpecDeps,
  record: ModelRecord,
  size: BinSize,
  start: number,
  end: number,
): Promise<BinRange> {
  if (end <= start) throw new InvalidInput('end must be after start');
  const starts = binStartsInRange(size, start, end);
  if (starts.length > MAX_POINTS) {
    throw new InvalidInput(`the range holds ${starts.length} ${size} bins; ask for at most ${MAX_POINTS}`);
  }
  const model = { project_id: record.info.project_id, model_id: record.info.model_id };
  const state = await deps.profiles.getState(model);
  const version = state?.active_version ?? record.monitoring.version;
  const spec = await specFor(deps, model, version, record);
  const last = starts.at(-1);
  const to = last === undefined ? end : nextBinStart(size, last);
  return { model, version, spec, state, size, starts, from: starts[0] ?? start, to };
}

/**
 * The merged profile of every bin of the range holding data, keyed by bin start. With `columns`, only those
 * columns are read (the others come back unread): a wide model's query fetches only their sections.
 */
export async function readBins(
  store: ProfileItemStore & ModelStateStore,
  range: BinRange,
  columns?: ReadonlySet<string>,
): Promise<Map<number, HourProfile>> {
  const merged = new Map<number, HourProfile>();
  const add = (at: number, profile: HourProfile) => {
    const bin = binStartOf(range.size, at);
    const sofar = merged.get(bin);
    merged.set(bin, sofar ? mergeProfiles(sofar, profile) : profile);
  };
  const { model, version, from, to } = range;
  const read = { segment: range.segment?.key, columns };
  const hours = async (start: number, end: number) => {
    if (end <= start) return;
    for (const { hour, profile } of await store.queryHours(model, version, start, end - 1, read))
      add(hour, profile);
  };
  const state = range.state;
  if (range.size === 'hour' || state?.day_items !== version) {
    await hours(from, to);
    return merged;
  }
  const staleDays = state.stale_days ?? [];
  /** Whole days of [start, end) from day profiles, and stale ones from their hours. */
  const days = async (start: number, end: number) => {
    if (end <= start) return;
    const stale = staleDays.filter((day) => day >= start && day < end);
    const staleSet = new Set(stale);
    const found = await store.queryRollups('day', model, version, start, end - DAY_MS, read);
    for (const { start: day, profile } of found) if (!staleSet.has(day)) add(day, profile);
    for (const [runStart, runEnd] of runsOf(stale)) await hours(runStart, runEnd);
  };
  if (range.size === 'month' && state.month_items === version) {
    // Month bins start on the 1st: each month from its profile, unless one of its days is stale.
    const staleMonths = new Set(staleDays.map((day) => binStartOf('month', day)));
    // From `from`, not the range's starts: a `previous:` baseline reads months before them.
    const months = binStartsInRange('month', from, to);
    const fresh = months.filter((month) => !staleMonths.has(month));
    if (fresh.length > 0) {
      const found = await store.queryRollups(
        'month',
        model,
        version,
        fresh[0] as number,
        fresh.at(-1) as number,
        read,
      );
      for (const { start: month, profile } of found) if (!staleMonths.has(month)) add(month, profile);
    }
    for (const month of months.filter((start) => staleMonths.has(start)))
      await days(month, nextBinStart('month', month));
    return merged;
  }
  // Bins of a day or more start at midnight, so edges are partial only for a caller's own unaligned range.
  const firstDay = Math.ceil(from / DAY_MS) * DAY_MS;
  const endDay = Math.max(firstDay, Math.floor(to / DAY_MS) * DAY_MS);
  await hours(from, Math.min(firstDay, to));
  await hours(Math.max(endDay, from), to);
  await days(firstDay, endDay);
  return merged;
}

/** Consecutive days as [start, end) ranges, so a stretch of stale days is one query of hours. */
function runsOf(days: number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const day of [...days].sort((a, b) => a - b)) {
    const last = runs.at(-1);
    if (last && last[1] === day) last[1] = day + DAY_MS;
    else runs.push([day, day + DAY_MS]);
  }
  return runs;
}
