// A distribution as the distance measures read it (distribution-distance.ts), on the grid of the spec's baseline
// edges: its CDF at each edge, its exact integral over each cell, and its CDF at the points inside a cell where it
// is known (raw values, sketch bucket ends), read only for the cells that need them.

import { type BaselineGrid, baselineCellIntegrals, POSITION_STEPS } from './baseline-grid.js';
import type { ColumnStats } from './column-stats.js';
import { hourCellIntegrals } from './hour-grid.js';
import { type SketchReader, sketchPointsWithin, sketchReader } from './sketch-read.js';

/** Cells as baseline-grid.ts numbers them: 0 is (-inf, e0], j is (e(j-1), ej], the last (em, +inf). */
export interface CdfSide {
  /** F at each edge, and just below it: NaN where unknown (a grid counts the values up to an edge). */
  at: number[];
  below: number[];
  /** ∫F over each cell, ∫(F - 1) over the last; null when not known exactly. */
  integrals: number[] | null;
  /**
   * Where the side reads a cell as two linear pieces meeting at its middle (they keep its exact integral): the
   * height there; null where it reads the cell from its points.
   */
  middle(cell: number): number | null;
  /**
   * Appends points of a cheaper form of the CDF in a cell (two linear pieces of its exact integral) and answers
   * true, where the side holds too little there for more points to matter to Wasserstein; else false.
   */
  modelWithin(cell: number, lo: number, hi: number, xs: number[], ps: number[]): boolean;
  /**
   * Appends the CDF at the points strictly inside cell `cell` = (lo, hi) where it is known, ascending, and at hi
   * its left limit where known; a point given twice is a jump (its left limit, then its value), a point given once
   * has an unknown left limit.
   */
  pointsWithin(cell: number, lo: number, hi: number, xs: number[], ps: number[]): void;
}

/**
 * The baseline on its grid: exact at the edges (ties as jumps there); within each cell, two linear pieces of the
 * cell's exact integral (from the values' mean position in the cell).
 */
export function baselineSide(grid: BaselineGrid): CdfSide {
  const n = grid.count;
  const at: number[] = [];
  const below: number[] = [];
  let count = 0;
  grid.edges.forEach((_, j) => {
    count += grid.counts[j] as number;
    at.push(count / n);
    below.push((count - (grid.edge_counts?.[j] ?? 0)) / n);
  });
  const integrals = baselineCellIntegrals(grid);
  return {
    at,
    below,
    integrals,
    middle(cell) {
      if (cell < 1 || cell >= grid.edges.length) return null;
      const width = (grid.edges[cell] as number) - (grid.edges[cell - 1] as number);
      return middleOf(at[cell - 1] as number, below[cell] as number, (integrals[cell] as number) / width);
    },
    modelWithin(cell, lo, hi, xs, ps) {
      this.pointsWithin(cell, lo, hi, xs, ps);
      return true;
    },
    pointsWithin(cell, lo, hi, xs, ps) {
      const middle = this.middle(cell);
      if (middle === null) return;
      xs.push(lo + (hi - lo) / 2);
      ps.push(middle);
    },
  };
}

/**
 * A cell holding at most this share of a side's values, and at most NARROW of the grid's span wide, may be read as
 * two linear pieces (CdfSide.modelWithin): wide cells (the tails of a heavy-tailed or skewed column) are read from
 * the sketch, where a shape the pieces miss costs the most.
 */
const SMALL_SHARE = 0.02;
const NARROW = 0.02;

/**
 * The height at a cell's middle of two linear pieces from `from` to `to` whose mean is the cell's exact mean
 * height: the pieces' mean is (from + to)/4 + middle/2. Kept between the ends, so still monotone.
 */
function middleOf(from: number, to: number, mean: number): number {
  return Math.min(Math.max(2 * mean - (from + to) / 2, from), to);
}

/**
 * middleOf where two pieces can keep the integral: null where the values crowd an end of the cell (ties at an
 * edge, which a grid does not tell from values just inside it), for the side to be read from its points there.
 */
function faithfulMiddle(from: number, to: number, mean: number): number | null {
  const middle = 2 * mean - (from + to) / 2;
  const slack = 1e-9 * Math.max(to - from, 1e-300);
  return middle >= from - slack && middle <= to + slack ? middleOf(from, to, mean) : null;
}

/**
 * A bin's (or a production baseline's) values, folded on `edges` (the spec's; [] for none): exactly their step
 * function while the raw values are kept; else exact at every edge (the grid's counts) and at every end of a
 * sketch bucket (the sketch's counts), within the known extremes, and with the jump of a tie at an edge where a
 * cell's values all sit there; a cell of at most 2% of the values may also be read as two linear pieces of its
 * exact integral.
 */
export function statsSide(stats: ColumnStats, edges: readonly number[]): CdfSide {
  const n = stats.count;
  const grid = stats.grid !== null && edges.length > 0 && stats.grid.counts.length === edges.length + 1;
  const values = stats.values;
  if (values !== null) {
    const at = edges.map((edge) => firstAbove(values, edge) / n);
    const below = edges.map((edge) => firstAtLeast(values, edge) / n);
    const side: CdfSide = {
      at,
      below,
      integrals: null,
      middle: () => null,
      modelWithin: () => false,
      pointsWithin(_cell, lo, hi, xs, ps) {
        for (let i = firstAbove(values, lo); i < values.length && (values[i] as number) < hi; ) {
          let j = i;
          while (j < values.length && values[j] === values[i]) j++;
          xs.push(values[i] as number, values[i] as number);
          ps.push(i / n, j / n);
          i = j;
        }
      },
    };
    // Raw values give the cells' integrals exactly; the grid's positions are rounded to 1/65,536 of a cell.
    if (grid) side.integrals = integralsOf(side, edges);
    return side;
  }
  const at: number[] = [];
  let count = 0;
  for (let j = 0; grid && j < edges.length; j++) {
    count += stats.grid?.counts[j] as number;
    at.push(count / n);
  }
  const lowest = stats.min as number;
  const highest = stats.max as number;
  let reader: SketchReader | undefined;
  const span = edges.length > 1 ? (edges.at(-1) as number) - (edges[0] as number) : 0;
  const integrals = grid && stats.grid !== null ? hourCellIntegrals(stats.grid, edges, n) : null;
  return {
    at,
    below: at.map((_, j) => {
      // A cell whose values all sit at its upper edge (mean position 1: ties there) is flat up to it.
      const inCell = stats.grid?.counts[j] as number;
      const atEdge = j >= 1 && inCell > 0 && stats.grid?.positions[j - 1] === inCell * POSITION_STEPS;
      return atEdge ? (at[j - 1] as number) : Number.NaN;
    }),
    integrals,
    middle(cell) {
      // A cell holding at most 2% of the values (about twice a cell's share of the baseline): two linear pieces
      // of its exact integral fit it well, as they fit the baseline's.
      if (integrals === null || cell < 1 || cell >= edges.length) return null;
      const [from, to] = [at[cell - 1] as number, at[cell] as number];
      const width = (edges[cell] as number) - (edges[cell - 1] as number);
      if (to - from > SMALL_SHARE || width > span * NARROW) return null;
      return faithfulMiddle(from, to, (integrals[cell] as number) / width);
    },
    modelWithin(cell, lo, hi, xs, ps) {
      if (integrals === null) return false;
      const middle = this.middle(cell);
      if (middle !== null) {
        xs.push(lo + (hi - lo) / 2);
        ps.push(middle);
        return true;
      }
      // Beyond the grid, from the extreme to the grid's end: F rises from 0 (or to 1) with the exact integral.
      const last = edges.length;
      const share = cell === 0 ? (at[0] as number) : cell === last ? 1 - (at[last - 1] as number) : 1;
      if ((cell !== 0 && cell !== last) || share > SMALL_SHARE || !(highest > lowest)) return false;
      const [start, end] = cell === 0 ? [lowest, hi] : [lo, highest];
      if (!(end > start)) return true;
      const width = end - start;
      const [from, to] = cell === 0 ? [0, share] : [1 - share, 1];
      // ∫F over the first cell; ∫(F - 1) over the last, so its mean height is 1 + that over the width.
      const mean = (cell === 0 ? 0 : 1) + (integrals[cell] as number) / width;
      const height = faithfulMiddle(from, to, mean);
      if (height === null) return false;
      if (cell === 0) {
        xs.push(start, start + width / 2);
        ps.push(0, height);
      } else {
        xs.push(start + width / 2, end, end);
        ps.push(height, 1, 1);
      }
      return true;
    },
    pointsWithin(_cell, lo, hi, xs, ps) {
      // The extremes bound every value, each with the jump of its ties when known (else none is left there).
      if (lo < lowest && lowest < hi) {
        xs.push(lowest, lowest);
        ps.push(0, Math.max(stats.min_count, 0) / n);
      }
      const start = xs.length;
      reader ??= sketchReader(stats.sketch);
      // Within a grid cell, points 1/64 of its width apart: finer ones change the measures by far less than
      // their bounds. Beyond the grid, every bucket.
      const spacing = Number.isFinite(hi - lo) ? (hi - lo) / 16 : 0;
      sketchPointsWithin(reader, Math.max(lo, lowest), Math.min(hi, highest), spacing, (x, within) => {
        const p = within / n;
        if (xs.length > start && xs.at(-1) === x && ps.at(-1) === p) return;
        xs.push(x);
        ps.push(p);
      });
      if (lo < highest && highest <= hi) {
        // At hi, only its left limit: the count up to hi is the grid's.
        xs.push(highest);
        ps.push(1 - Math.max(stats.max_count, 0) / n);
        if (highest < hi) {
          xs.push(highest);
          ps.push(1);
        }
      }
    },
  };
}

/** ∫F over each cell of a side whose points give its CDF exactly, and ∫(F - 1) over the last. */
function integralsOf(side: CdfSide, edges: readonly number[]): number[] {
  const integrals: number[] = [];
  for (let cell = 0; cell <= edges.length; cell++) {
    const lo = cell === 0 ? Number.NEGATIVE_INFINITY : (edges[cell - 1] as number);
    const hi = cell === edges.length ? Number.POSITIVE_INFINITY : (edges[cell] as number);
    const xs: number[] = [];
    const ps: number[] = [];
    side.pointsWithin(cell, lo, hi, xs, ps);
    // Constant between points (a step function): from lo at F(lo), to hi at the last point's value.
    let [x, p] = [lo, cell === 0 ? 0 : (side.at[cell - 1] as number)];
    let area = 0;
    for (let i = 0; i < xs.length; i++) {
      if (Number.isFinite(x)) area += (cell === edges.length ? p - 1 : p) * ((xs[i] as number) - x);
      [x, p] = [xs[i] as number, ps[i] as number];
    }
    if (Number.isFinite(hi) && Number.isFinite(x)) area += p * (hi - x);
    integrals.push(area);
  }
  return integrals;
}

/** The side's CDF through its edges and the points beyond them (every point without edges): a noise's input. */
export function coarseCdf(side: CdfSide, edges: readonly number[]): { xs: number[]; ps: number[] } {
  const xs: number[] = [];
  const ps: number[] = [];
  const [low, high] = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  side.pointsWithin(0, low, edges[0] ?? high, xs, ps);
  edges.forEach((edge, j) => {
    const below = side.below[j] as number;
    if (!Number.isNaN(below)) {
      xs.push(edge);
      ps.push(below);
    }
    xs.push(edge);
    ps.push(side.at[j] as number);
  });
  if (edges.length > 0) side.pointsWithin(edges.length, edges.at(-1) as number, high, xs, ps);
  return { xs, ps };
}

/** Index of the first ascending value above `limit`. */
function firstAbove(values: readonly number[], limit: number): number {
  let [low, high] = [0, values.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] as number) <= limit) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Index of the first ascending value at least `limit`. */
function firstAtLeast(values: readonly number[], limit: number): number {
  let [low, high] = [0, values.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] as number) < limit) low = middle + 1;
    else high = middle;
  }
  return low;
}
