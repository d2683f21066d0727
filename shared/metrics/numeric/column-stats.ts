// The statistics of one numeric column over an hour: exact count, sum and sum of squares, min and max, the raw
// values while there are at most RAW_LIMIT, a log-bucket quantile sketch centred on the baseline mean, and counts
// on the baseline's grid.

import { addExactInPlace, addTermsExactInPlace, combineExact, type ExactSum } from '../exact-sum.js';
import {
  absorbIntoGridAt,
  absorbManyIntoGrid,
  emptyHourGrid,
  type GridLookup,
  gridLookupOf,
  type HourGrid,
  mergeHourGrids,
} from './hour-grid.js';
import {
  absorbIntoSketch,
  absorbManyIntoSketch,
  emptySketch,
  type LogSketch,
  mergeSketches,
} from './log-sketch.js';

/** A bin of at most this many values keeps them all, so its quantiles are exact. */
export const RAW_LIMIT = 100;
/** Larger magnitudes would overflow the exact sum of squares: such values are left out of the statistics. */
export const LARGEST_STATISTIC_MAGNITUDE = 1e100;

export interface ColumnStats {
  count: number;
  sum: ExactSum;
  /**
   * The exact sum of the rounded squares of (x - shift), shift being the baseline mean: squares of deviations
   * keep the variance accurate however far the values sit from 0, and rounded squares keep the sum a short
   * expansion (the fold's fast path). Exact, so removal restores it bit for bit.
   */
  sum_squares: ExactSum;
  shift: number;
  /** Null when empty. */
  min: number | null;
  max: number | null;
  /**
   * How many times min and max occur. A removal of the last one leaves 0: the true extreme is then unknown
   * (read from the sketch), until the very value is added back, as an update's new image does.
   */
  min_count: number;
  max_count: number;
  /** The values in ascending order while they are all known (count <= RAW_LIMIT, none lost), else null. */
  values: number[] | null;
  sketch: LogSketch;
  /** Null when the spec has no baseline grid for the column. */
  grid: HourGrid | null;
}

export function emptyColumnStats(gridEdges: readonly number[] | null, shift = 0): ColumnStats {
  return {
    count: 0,
    sum: [],
    sum_squares: [],
    shift,
    min: null,
    max: null,
    min_count: 0,
    max_count: 0,
    values: [],
    // The baseline mean is the sketch's centre too: its buckets then scale with the spread, not the offset.
    sketch: emptySketch(shift),
    grid: gridEdges === null ? null : emptyHourGrid(gridEdges),
  };
}

/** Adds (sign 1) or removes (sign -1) one value, in place. Allocates only when a store or the raw list grows. */
export function absorbIntoStats(
  stats: ColumnStats,
  gridEdges: readonly number[] | null,
  raw: number,
  sign: 1 | -1,
): void {
  absorbValueIntoStats(stats, gridEdges === null ? null : gridLookupOf(gridEdges), raw, sign);
}

/** absorbIntoStats with the grid's lookup at hand (the fold's per-event path). */
export function absorbValueIntoStats(
  stats: ColumnStats,
  grid: GridLookup | null,
  raw: number,
  sign: 1 | -1,
): void {
  if (!(Math.abs(raw) <= LARGEST_STATISTIC_MAGNITUDE)) return;
  // -0 and 0 are one value: keeping -0 would make equal bins compare unequal.
  const value = raw + 0;
  stats.count += sign;
  if (stats.count === 0) {
    resetStats(stats, grid);
    return;
  }
  addExactInPlace(stats.sum, sign * value);
  const deviation = value - stats.shift;
  addExactInPlace(stats.sum_squares, sign * deviation * deviation);
  absorbIntoSketch(stats.sketch, value, sign);
  if (stats.grid !== null && grid !== null) absorbIntoGridAt(stats.grid, grid, value, sign);
  if (stats.values !== null) updateValues(stats, stats.values, value, sign);
  if (stats.min === null || value < stats.min) {
    stats.min = value;
    stats.min_count = 0;
  }
  if (value === stats.min) stats.min_count += sign;
  if (stats.max === null || value > stats.max) {
    stats.max = value;
    stats.max_count = 0;
  }
  if (value === stats.max) stats.max_count += sign;
}

/** Terms of a batch's exact sums: scratch reused across calls (the fold is single-threaded). */
let sumTerms = new Float64Array(1024);
let squareTerms = new Float64Array(1024);

/**
 * absorbIntoStats for a batch of values with one sign, `values` holding them already checked (magnitude at most
 * LARGEST_STATISTIC_MAGNITUDE) and with -0 made 0: the statistics absorbing them one by one give. With one sign the
 * count moves one way, so it can reach 0 only at the batch's end (and everything resets as one by one); each part
 * is then order-free: exact sums, counts per bucket and cell, the extremes and how often each occurs, the raw list.
 * A batch that would take the count below 0 goes one by one.
 */
export function absorbManyIntoStats(
  stats: ColumnStats,
  grid: GridLookup | null,
  values: Float64Array,
  length: number,
  sign: 1 | -1,
): void {
  if (length === 0) return;
  if (sign === 1 ? stats.count < 0 : stats.count < length) {
    for (let i = 0; i < length; i++) absorbValueIntoStats(stats, grid, values[i] as number, sign);
    return;
  }
  if (sumTerms.length < length) {
    sumTerms = new Float64Array(Math.max(length, 2 * sumTerms.length));
    squareTerms = new Float64Array(sumTerms.length);
  }
  const shift = stats.shift;
  let low = values[0] as number;
  let high = low;
  let lowCount = 0;
  let highCount = 0;
  for (let i = 0; i < length; i++) {
    const value = values[i] as number;
    sumTerms[i] = sign * value;
    const deviation = value - shift;
    squareTerms[i] = sign * deviation * deviation;
    if (value < low) {
      low = value;
      lowCount = 0;
    }
    if (value === low) lowCount++;
    if (value > high) {
      high = value;
      highCount = 0;
    }
    if (value === high) highCount++;
  }
  stats.count += sign * length;
  if (stats.count === 0) {
    resetStats(stats, grid);
    return;
  }
  addTermsExactInPlace(stats.sum, sumTerms, length);
  addTermsExactInPlace(stats.sum_squares, squareTerms, length);
  absorbManyIntoSketch(stats.sketch, values, length, sign);
  if (stats.grid !== null && grid !== null) absorbManyIntoGrid(stats.grid, grid, values, length, sign);
  if (stats.values !== null) {
    if (sign === 1 && stats.values.length + length > RAW_LIMIT) stats.values = null;
    else
      for (let i = 0; i < length && stats.values !== null; i++) {
        updateValues(stats, stats.values, values[i] as number, sign);
      }
  }
  if (stats.min === null || low < stats.min) {
    stats.min = low;
    stats.min_count = sign * lowCount;
  } else if (low === stats.min) stats.min_count += sign * lowCount;
  if (stats.max === null || high > stats.max) {
    stats.max = high;
    stats.max_count = sign * highCount;
  } else if (high === stats.max) stats.max_count += sign * highCount;
}

function updateValues(stats: ColumnStats, values: number[], value: number, sign: 1 | -1): void {
  if (sign === 1) {
    if (values.length >= RAW_LIMIT) {
      stats.values = null;
      return;
    }
    let i = values.length;
    values.push(value);
    for (; i > 0 && (values[i - 1] as number) > value; i--) values[i] = values[i - 1] as number;
    values[i] = value;
    return;
  }
  const at = values.indexOf(value);
  if (at < 0) {
    stats.values = null;
    return;
  }
  values.splice(at, 1);
}

function resetStats(stats: ColumnStats, lookup: GridLookup | null): void {
  const grid = stats.grid === null || lookup === null ? null : emptyHourGrid(lookup.edgeList);
  Object.assign(stats, emptyColumnStats(null, stats.shift), { grid });
}

export function mergeColumnStats(a: ColumnStats, b: ColumnStats): ColumnStats {
  if (a.count === 0) return cloneStats(b);
  if (b.count === 0) return cloneStats(a);
  if (a.shift !== b.shift) throw new RangeError('cannot merge statistics of different baselines');
  const count = a.count + b.count;
  const values =
    a.values !== null && b.values !== null && count <= RAW_LIMIT
      ? [...a.values, ...b.values].sort((x, y) => x - y)
      : null;
  return {
    count,
    sum: combineExact(a.sum, b.sum),
    sum_squares: combineExact(a.sum_squares, b.sum_squares),
    shift: a.shift,
    ...extremeOf('min', a, b),
    ...extremeOf('max', a, b),
    values,
    sketch: mergeSketches(a.sketch, b.sketch),
    grid: a.grid !== null && b.grid !== null ? mergeHourGrids(a.grid, b.grid) : null,
  };
}

function extremeOf(
  which: 'min' | 'max',
  a: ColumnStats,
  b: ColumnStats,
): Pick<ColumnStats, 'min' | 'max' | 'min_count' | 'max_count'> {
  const [x, y] = [a[which] as number, b[which] as number];
  const value = which === 'min' ? Math.min(x, y) : Math.max(x, y);
  const counted = which === 'min' ? 'min_count' : 'max_count';
  const count = (x === value ? a[counted] : 0) + (y === value ? b[counted] : 0);
  return { [which]: value, [counted]: count } as Pick<ColumnStats, 'min' | 'max' | 'min_count' | 'max_count'>;
}

function cloneStats(stats: ColumnStats): ColumnStats {
  return structuredClone(stats);
}
