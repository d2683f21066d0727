// UTC time bins that metrics are reported in: hour, day (midnight), week (Monday 00:00) and month (the 1st).
// Profiles are kept per hour; every larger bin is the merge of the hours returned by hoursInBin.

export const BIN_SIZES = ['hour', 'day', 'week', 'month'] as const;
export type BinSize = (typeof BIN_SIZES)[number];

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-05, the first Monday after the epoch (1970-01-01 was a Thursday): the origin of week bins. */
const FIRST_MONDAY_MS = 4 * DAY_MS;

export function isBinSize(value: unknown): value is BinSize {
  return typeof value === 'string' && (BIN_SIZES as readonly string[]).includes(value);
}

/** Start (epoch ms) of the bin of the given size that contains `ms`. */
export function binStartOf(size: BinSize, ms: number): number {
  assertFiniteTime(ms);
  switch (size) {
    case 'hour':
      return floorToMultiple(ms, HOUR_MS, 0);
    case 'day':
      return floorToMultiple(ms, DAY_MS, 0);
    case 'week':
      return floorToMultiple(ms, WEEK_MS, FIRST_MONDAY_MS);
    case 'month': {
      const date = new Date(ms);
      return utcMonthStart(date.getUTCFullYear(), date.getUTCMonth());
    }
  }
}

/** Start of the bin after the one containing `start`. */
export function nextBinStart(size: BinSize, start: number): number {
  const current = binStartOf(size, start);
  switch (size) {
    case 'hour':
      return current + HOUR_MS;
    case 'day':
      return current + DAY_MS;
    case 'week':
      return current + WEEK_MS;
    case 'month': {
      const date = new Date(current);
      // Month 12 rolls over into January of the next year.
      return utcMonthStart(date.getUTCFullYear(), date.getUTCMonth() + 1);
    }
  }
}

/** Starts of every bin from the one containing `startMs` while the bin start is before `endMs`. */
export function binStartsInRange(size: BinSize, startMs: number, endMs: number): number[] {
  assertFiniteTime(endMs);
  const starts: number[] = [];
  for (let start = binStartOf(size, startMs); start < endMs; start = nextBinStart(size, start)) {
    starts.push(start);
  }
  return starts;
}

export function hourStartOf(ms: number): number {
  return binStartOf('hour', ms);
}

/** The hour starts a bin is made of (1 for an hour, 24 for a day, 168 for a week, 672 to 744 for a month). */
export function hoursInBin(size: BinSize, start: number): number[] {
  const first = binStartOf(size, start);
  const end = nextBinStart(size, first);
  const hours: number[] = [];
  for (let hour = first; hour < end; hour += HOUR_MS) hours.push(hour);
  return hours;
}

function floorToMultiple(ms: number, width: number, origin: number): number {
  return Math.floor((ms - origin) / width) * width + origin;
}

function utcMonthStart(year: number, month: number): number {
  // setUTCFullYear rather than Date.UTC, which maps years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month, 1);
  return date.getTime();
}

function assertFiniteTime(ms: number): void {
  if (!Number.isFinite(ms)) throw new RangeError(`time ${ms} is not a finite epoch millisecond value`);
}
