// Two-sample Kolmogorov-Smirnov statistic and Wasserstein-1 distance between the baseline (on its grid) and an
// hour's values (on the same grid, plus the raw values of a bin of at most RAW_LIMIT).

import { type BaselineGrid, baselineCdfAt, baselineCellIntegrals } from './baseline-grid.js';
import type { ColumnStats } from './column-stats.js';
import { hourCellIntegrals } from './hour-grid.js';

/**
 * sup |F_baseline - F_bin| as scipy.stats.ks_2samp's statistic. Both CDFs are exact at the grid's edges; inside a
 * cell the supremum can exceed what the edges show by at most the baseline's mass in the cell (1%, 0 for ties,
 * which sit on edges), and raw values are also compared with the baseline's CDF interpolated within their cell.
 */
export function ksStatistic(grid: BaselineGrid, stats: ColumnStats): number | null {
  const hour = stats.grid;
  if (stats.count <= 0 || hour === null || hour.counts.length !== grid.counts.length) return null;
  const n = stats.count;
  let baselineBelow = 0;
  let hourBelow = 0;
  let distance = 0;
  for (let j = 0; j < grid.edges.length; j++) {
    baselineBelow += grid.counts[j] as number;
    hourBelow += hour.counts[j] as number;
    distance = Math.max(distance, Math.abs(baselineBelow / grid.count - hourBelow / n));
  }
  const values = stats.values;
  if (values !== null) {
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as number;
      if (i + 1 < values.length && values[i + 1] === value) continue;
      let first = i;
      while (first > 0 && values[first - 1] === value) first--;
      const at = baselineCdfAt(grid, value);
      const below = baselineCdfAt(grid, value, true);
      distance = Math.max(distance, Math.abs(at - (i + 1) / n), Math.abs(below - first / n));
    }
  }
  return Math.min(distance, 1);
}

/**
 * scipy.stats.wasserstein_distance(baseline, bin) = ∫|F_baseline - F_bin| dx, cell by cell. A cell's integral of
 * each CDF is exact (from counts and positions within the cell), so a cell where the CDFs do not cross adds
 * exactly |difference of integrals|. Where they may cross (a raw value inside, or the bin's level between the
 * baseline's at the cell's ends), the baseline is taken as linear within the cell.
 */
export function wassersteinDistance(grid: BaselineGrid, stats: ColumnStats): number | null {
  const hour = stats.grid;
  if (stats.count <= 0 || hour === null || hour.counts.length !== grid.counts.length) return null;
  const n = stats.count;
  const edges = grid.edges;
  const baseline = baselineCellIntegrals(grid);
  const observed = hourCellIntegrals(hour, edges, n);
  const values = stats.values;
  let total = Math.abs((observed[0] as number) - (baseline[0] as number));
  total += Math.abs((observed[edges.length] as number) - (baseline[edges.length] as number));
  let baselineBelow = grid.counts[0] as number;
  let hourBelow = hour.counts[0] as number;
  let next = values === null ? 0 : firstAbove(values, edges[0] as number);
  for (let j = 1; j < edges.length; j++) {
    const lower = edges[j - 1] as number;
    const upper = edges[j] as number;
    const from = baselineBelow / grid.count;
    const to = (baselineBelow + (grid.counts[j] as number) - (grid.edge_counts?.[j] ?? 0)) / grid.count;
    const level = hourBelow / n;
    const inside = values !== null && next < values.length && (values[next] as number) < upper;
    if (!inside && !(level > from && level < to)) {
      total += Math.abs((observed[j] as number) - (baseline[j] as number));
    } else {
      // Sub-intervals between the raw values in the cell: the bin's CDF is constant on each.
      let start = lower;
      let below = hourBelow;
      while (values !== null && next < values.length && (values[next] as number) <= upper) {
        const point = values[next] as number;
        total += linearGap(start, point, from, to, lower, upper, below / n);
        below++;
        next++;
        start = point;
      }
      total += linearGap(start, upper, from, to, lower, upper, below / n);
    }
    baselineBelow += grid.counts[j] as number;
    hourBelow += hour.counts[j] as number;
  }
  return total;
}

/** ∫ from s to t of |B(x) - level|, B linear from `from` at `lower` to `to` at `upper`. */
function linearGap(
  s: number,
  t: number,
  from: number,
  to: number,
  lower: number,
  upper: number,
  level: number,
): number {
  if (t <= s) return 0;
  const at = (x: number) => from + ((to - from) * (x - lower)) / (upper - lower);
  const u = at(s) - level;
  const v = at(t) - level;
  if (u * v >= 0) return (Math.abs(u + v) / 2) * (t - s);
  return ((u * u + v * v) / (2 * Math.abs(v - u))) * (t - s);
}

/** Index of the first ascending value above `limit`. */
function firstAbove(values: readonly number[], limit: number): number {
  let i = 0;
  while (i < values.length && (values[i] as number) <= limit) i++;
  return i;
}
