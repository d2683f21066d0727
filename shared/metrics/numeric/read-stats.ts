// Reading a column's statistics: mean, population standard deviation, extremes and quantiles (numpy's
// inverted_cdf: exact from the raw values of a bin of at most RAW_LIMIT, else from the sketch, within 0.5%).

import { combineExact, exactValue, multiplyExact } from '../exact-sum.js';
import { invertedCdfRank } from './baseline-grid.js';
import type { ColumnStats } from './column-stats.js';
import { sketchValueAtRank } from './sketch-read.js';

export function statsMean(stats: ColumnStats): number | null {
  return stats.count > 0 ? exactValue(stats.sum) / stats.count : null;
}

export function statsSum(stats: ColumnStats): number | null {
  return stats.count > 0 ? exactValue(stats.sum) : null;
}

/**
 * Population std from deviations d = x - shift: sqrt(n·Σd² - (Σd)²) / n, with Σd = Σx - n·shift and the
 * difference taken exactly. A bin whose known extremes are equal is constant: exactly 0.
 */
export function statsStd(stats: ColumnStats): number | null {
  if (stats.count <= 0) return null;
  const min = statsMin(stats);
  if (min !== null && min === statsMax(stats) && (stats.values !== null || stats.min_count > 0)) return 0;
  const deviations = combineExact(stats.sum, multiplyExact([stats.count], [stats.shift]), -1);
  const spread = combineExact(
    multiplyExact([stats.count], stats.sum_squares),
    multiplyExact(deviations, deviations),
    -1,
  );
  return Math.sqrt(Math.max(exactValue(spread), 0)) / stats.count;
}

/** The exact extreme while it is known (raw values, or its last occurrence not removed), else the sketch's. */
export function statsMin(stats: ColumnStats): number | null {
  if (stats.count <= 0) return null;
  if (stats.values !== null) return stats.values[0] as number;
  if (stats.min_count > 0) return stats.min;
  return Math.max(sketchValueAtRank(stats.sketch, 0), stats.min ?? Number.NEGATIVE_INFINITY);
}

export function statsMax(stats: ColumnStats): number | null {
  if (stats.count <= 0) return null;
  if (stats.values !== null) return stats.values[stats.values.length - 1] as number;
  if (stats.max_count > 0) return stats.max;
  return Math.min(sketchValueAtRank(stats.sketch, stats.count - 1), stats.max ?? Number.POSITIVE_INFINITY);
}

export function statsQuantile(stats: ColumnStats, q: number): number | null {
  if (stats.count <= 0) return null;
  const rank = invertedCdfRank(stats.count, q);
  if (stats.values !== null) return stats.values[rank] as number;
  // A bucket's representative may lie beyond the known extremes: the true value cannot.
  const estimate = sketchValueAtRank(stats.sketch, rank);
  const low = statsMin(stats) as number;
  const high = statsMax(stats) as number;
  return Math.min(Math.max(estimate, low), high);
}
