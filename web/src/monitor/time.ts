// UTC time bins and ranges as the API reports them (hour; day at midnight; week from Monday; month from the 1st).
import type { BinSize } from '../api/types.js';
import type { RangePreset } from '../state/route.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
const FIRST_MONDAY_MS = 4 * DAY_MS;

export const BIN_SIZES: BinSize[] = ['hour', 'day', 'week', 'month'];

export const BIN_LABELS: Record<BinSize, string> = { hour: 'Hour', day: 'Day', week: 'Week', month: 'Month' };

export function binStartOf(size: BinSize, ms: number): number {
  switch (size) {
    case 'hour':
      return Math.floor(ms / HOUR_MS) * HOUR_MS;
    case 'day':
      return Math.floor(ms / DAY_MS) * DAY_MS;
    case 'week':
      return Math.floor((ms - FIRST_MONDAY_MS) / WEEK_MS) * WEEK_MS + FIRST_MONDAY_MS;
    case 'month': {
      const date = new Date(ms);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    }
  }
}

export function binEnd(size: BinSize, start: number): number {
  const first = binStartOf(size, start);
  if (size !== 'month') return first + { hour: HOUR_MS, day: DAY_MS, week: WEEK_MS }[size];
  const date = new Date(first);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

export function binCount(size: BinSize, start: number, end: number): number {
  let count = 0;
  for (let at = binStartOf(size, start); at < end && count <= 100_000; at = binEnd(size, at)) count++;
  return count;
}

export interface TimeRange {
  start: number;
  end: number;
}

/** The range widened to whole bins, since the API computes a bin from the hours inside [start, end) only. */
export function alignToBins(range: TimeRange, size: BinSize): TimeRange {
  return { start: binStartOf(size, range.start), end: binEnd(size, range.end - 1) };
}

export const RANGE_SPANS: Record<Exclude<RangePreset, 'latest' | 'custom'>, number> = {
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
};

/** A preset range ending with the hour now under way, so the newest events are in it. */
export function presetRange(preset: keyof typeof RANGE_SPANS, now: number): TimeRange {
  const end = binStartOf('hour', now) + HOUR_MS;
  return { start: end - RANGE_SPANS[preset], end };
}

/** The bin size that suits a range's span: hours up to two days, days up to ~3 months, then weeks. */
export function defaultBinSize(range: TimeRange): BinSize {
  const span = range.end - range.start;
  if (span <= 2 * DAY_MS) return 'hour';
  if (span <= 92 * DAY_MS) return 'day';
  return 'week';
}

const pad = (n: number) => String(n).padStart(2, '0');

/** 2026-11-08 14:00 UTC; the date alone for day bins and larger. */
export function formatTime(ms: number, size?: BinSize): string {
  const d = new Date(ms);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (size && size !== 'hour') return date;
  return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

export function describeBin(size: BinSize, start: number): string {
  if (size === 'hour') return `the hour from ${formatTime(start)}`;
  if (size === 'day') return `${formatTime(start, 'day')} (UTC day)`;
  if (size === 'week') return `the week from Monday ${formatTime(start, 'week')}`;
  return `the month from ${formatTime(start, 'month')}`;
}

/** Value for an <input type="datetime-local">, read as UTC. */
export function toInputValue(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

export function fromInputValue(value: string): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(`${value}:00Z`);
  return Number.isFinite(ms) ? ms : undefined;
}
