// What drift compares a bin with (contract section 10): the baseline dataset, a window of the model's own
// production (`window:<start>:<end>`), or the n bins of the same size just before each bin (`previous:<n>`).
// Window and rolling baselines are merged from profiles: drift-bin counts for the metrics on drift bins, a
// column's numeric statistics (exact sums, raw values of small bins, grid counts, sketch) for KS and Wasserstein.
import { parseTimestamp } from '../events/timestamps.js';
import { type ColumnStats, mergeColumnStats } from '../metrics/numeric/column-stats.js';
import type { HourProfile } from '../metrics/profile.js';
import type { MonitorSpec } from '../metrics/spec.js';
import { type BinSize, binStartOf } from '../time/bins.js';

export type BaselineChoice =
  | { kind: 'dataset' }
  | { kind: 'window'; start: number; end: number }
  | { kind: 'previous'; bins: number };

/** A rolling baseline reads this many bins more than its query: bounded like the query's own bins. */
export const MAX_PREVIOUS_BINS = 1000;

function timeOf(text: string): number | undefined {
  const trimmed = text.trim();
  const parsed = parseTimestamp(trimmed, /^\d+$/.test(trimmed) ? 'epoch_ms' : 'iso8601');
  return typeof parsed === 'number' ? parsed : undefined;
}

/** Throws a RangeError whose message says what is wrong; the caller names the field. */
export function parseBaseline(text: string | undefined): BaselineChoice {
  if (text === undefined || text === '' || text === 'dataset') return { kind: 'dataset' };
  if (text.startsWith('previous:')) {
    const bins = Number(text.slice('previous:'.length));
    if (!Number.isInteger(bins) || bins < 1 || bins > MAX_PREVIOUS_BINS)
      throw new RangeError(`baseline ${text}: previous:<n> takes a whole n from 1 to ${MAX_PREVIOUS_BINS}`);
    return { kind: 'previous', bins };
  }
  if (text.startsWith('window:')) {
    const rest = text.slice('window:'.length);
    // ISO-8601 times hold colons too: the split is the one colon with a time on either side.
    for (let at = rest.indexOf(':'); at >= 0; at = rest.indexOf(':', at + 1)) {
      const start = timeOf(rest.slice(0, at));
      const end = timeOf(rest.slice(at + 1));
      if (start === undefined || end === undefined) continue;
      if (end <= start) throw new RangeError(`baseline ${text}: the window must end after it starts`);
      return { kind: 'window', start, end };
    }
    throw new RangeError(`baseline ${text}: window:<start>:<end> takes epoch milliseconds or ISO-8601 times`);
  }
  throw new RangeError(`baseline ${text} is not dataset, window:<start>:<end> or previous:<n>`);
}

/** The drift counts of one column summed over profiles; null when none holds any. */
export function summedDriftCounts(profiles: Iterable<HourProfile | undefined>, columnIndex: number) {
  let total: number[] | null = null;
  for (const profile of profiles) {
    const counts = profile?.columns[columnIndex]?.drift_counts;
    if (!counts) continue;
    if (!total) total = counts.map(() => 0);
    for (let bin = 0; bin < counts.length; bin++)
      total[bin] = (total[bin] as number) + (counts[bin] as number);
  }
  return total;
}

/** The spec with one column's baseline counts replaced; zeros when no production data stands for it. */
export function withBaselineCounts(
  spec: MonitorSpec,
  columnIndex: number,
  counts: number[] | null,
): MonitorSpec {
  const column = spec.columns[columnIndex];
  if (!column?.drift) return spec;
  const columns = spec.columns.slice();
  const baseline_counts = counts ?? column.drift.baseline_counts.map(() => 0);
  columns[columnIndex] = { ...column, drift: { ...column.drift, baseline_counts } };
  return { ...spec, columns };
}

/** Starts of the n bins just before `start`, nearest first. */
export function previousBins(size: BinSize, start: number, n: number): number[] {
  const bins: number[] = [];
  let bin = start;
  for (let i = 0; i < n; i++) {
    bin = binStartOf(size, bin - 1);
    bins.push(bin);
  }
  return bins;
}

/**
 * A column's numeric statistics over bins: undefined for a bin without them (no data), null when unknown (an hour
 * stored before statistics existed), which makes any merge holding it unknown.
 */
export type BinStats = ColumnStats | null | undefined;

export function columnStatsOf(profile: HourProfile | undefined, columnIndex: number): BinStats {
  if (profile === undefined) return undefined;
  const stats = profile.columns[columnIndex]?.numeric;
  return stats === undefined || (stats !== null && stats.count <= 0) ? undefined : stats;
}

export function mergeBinStats(a: BinStats, b: BinStats): BinStats {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a === null || b === null ? null : mergeColumnStats(a, b);
}

/**
 * For each k, the merge of items[k .. k + width - 1] (one per window of `width` consecutive items, in order),
 * by the two-stack queue: each item is merged about three times whatever the width, so a rolling baseline of n
 * bins costs the same per point as one of 1 bin.
 */
export function slidingMerges<T>(items: readonly T[], width: number, merge: (a: T, b: T) => T): T[] {
  const front: T[] = [];
  let back: T[] = [];
  let backMerged: T | undefined;
  const merged: T[] = [];
  for (let k = 0; k < items.length; k++) {
    const item = items[k] as T;
    back.push(item);
    backMerged = backMerged === undefined ? item : merge(backMerged, item);
    if (k + 1 < width) continue;
    if (k + 1 > width) {
      if (front.length === 0) {
        // The back stack turned over: front[i] holds the merge of back[i..] so the oldest item leaves first.
        let suffix: T | undefined;
        for (let i = back.length - 1; i >= 0; i--) {
          suffix = suffix === undefined ? (back[i] as T) : merge(back[i] as T, suffix);
          front.push(suffix);
        }
        back = [];
        backMerged = undefined;
      }
      front.pop();
    }
    const oldest = front.at(-1);
    merged.push(
      oldest === undefined
        ? (backMerged as T)
        : backMerged === undefined
          ? oldest
          : merge(oldest, backMerged),
    );
  }
  return merged;
}
