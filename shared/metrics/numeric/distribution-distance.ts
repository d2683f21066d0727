// Two-sample Kolmogorov-Smirnov statistic and Wasserstein-1 distance between two distributions read on the grid of
// the spec's baseline edges (piecewise-cdf.ts): the baseline on its grid and a bin, or two production states (a
// window or the previous bins, and a bin). Cells are compared from what is exact about them, and only the cells
// where that is not enough are read point by point.

import type { BaselineGrid } from './baseline-grid.js';
import type { ColumnStats } from './column-stats.js';
import { baselineSide, type CdfSide, statsSide } from './piecewise-cdf.js';

export interface Distances {
  /** sup |F_a - F_b|, as scipy.stats.ks_2samp's statistic. */
  ks: number;
  /** ∫ |F_a - F_b| dx, as scipy.stats.wasserstein_distance. */
  wasserstein: number;
}

/** The dataset baseline (on its grid) against a bin; null for an empty bin or one counted on another grid. */
export function distancesFromBaseline(grid: BaselineGrid, stats: ColumnStats): Distances | null {
  if (stats.count <= 0 || stats.grid === null || stats.grid.counts.length !== grid.counts.length) return null;
  // Within a cell the baseline is known only as two linear pieces: reading a cell's points for KS would not make KS
  // exact, so it is read only when the bin keeps its raw values (the edges bound KS within a cell's share, 1%).
  return compareSides(baselineSide(grid), statsSide(stats, grid.edges), grid.edges, stats.values !== null);
}

/**
 * A production baseline against a bin, both folded with the same spec (`edges`: its grid, null without one):
 * exact when both keep their raw values, else from their grids and sketches. Null when either is empty.
 */
export function distancesBetween(
  baseline: ColumnStats,
  stats: ColumnStats,
  edges: readonly number[] | null,
): Distances | null {
  if (baseline.count <= 0 || stats.count <= 0) return null;
  const usable = edges !== null && [baseline, stats].every((s) => s.grid?.counts.length === edges.length + 1);
  const grid = usable ? edges : [];
  return compareSides(statsSide(baseline, grid), statsSide(stats, grid), grid);
}

/**
 * A cell is read for KS only if its ends leave room for a gap this much above the largest yet: most cells of two
 * similar samples leave room for a little more (their ends differ by about a cell's share), and KS moves by at
 * most this much for not reading them.
 */
const KS_SLACK = 0.005;

/**
 * KS: the largest gap at an edge (and just below it where both sides know their left limit), then, with
 * `cellsForKs`, inside the cells whose ends leave room for one larger by KS_SLACK, read from their known points.
 * Wasserstein: a cell in which neither CDF can cross the other (one's value at the cell's lower end is at least
 * the other's at its upper end) adds the difference of their exact integrals over it; any other cell is read with
 * each side's cheapest faithful form (CdfSide.modelWithin: two linear pieces of its exact integral where the cell
 * holds little of it; else its known points), both CDFs linear between points.
 */
export function compareSides(a: CdfSide, b: CdfSide, edges: readonly number[], cellsForKs = true): Distances {
  const m = edges.length;
  let ks = 0;
  for (let j = 0; j < m; j++) {
    ks = Math.max(ks, Math.abs((a.at[j] as number) - (b.at[j] as number)));
    const gap = (a.below[j] as number) - (b.below[j] as number);
    if (!Number.isNaN(gap)) ks = Math.max(ks, Math.abs(gap));
  }
  const low = (side: CdfSide, j: number) => (j === 0 ? 0 : (side.at[j - 1] as number));
  const high = (side: CdfSide, j: number) => {
    if (j === m) return 1;
    const below = side.below[j] as number;
    return Number.isNaN(below) ? (side.at[j] as number) : below;
  };
  let wasserstein = 0;
  for (let j = 0; j <= m; j++) {
    const [aLow, aHigh, bLow, bHigh] = [low(a, j), high(a, j), low(b, j), high(b, j)];
    const lo = j === 0 ? Number.NEGATIVE_INFINITY : (edges[j - 1] as number);
    const hi = j === m ? Number.POSITIVE_INFINITY : (edges[j] as number);
    if (a.integrals !== null && b.integrals !== null && (aLow >= bHigh || bLow >= aHigh)) {
      wasserstein += Math.abs((a.integrals[j] as number) - (b.integrals[j] as number));
    } else {
      const [aMiddle, bMiddle] = [a.middle(j), b.middle(j)];
      if (aMiddle !== null && bMiddle !== null) {
        // Both as two linear pieces meeting at the middle: the gap is linear on each half.
        const [half, middle] = [(hi - lo) / 2, aMiddle - bMiddle];
        wasserstein += linearGap(aLow - bLow, middle, half) + linearGap(middle, aHigh - bHigh, half);
      } else {
        first.load(a, j, lo, hi, aLow, aHigh, true);
        second.load(b, j, lo, hi, bLow, bHigh, true);
        wasserstein += compareWithin(lo, hi).wasserstein;
      }
    }
    if (cellsForKs && Math.max(aHigh - bLow, bHigh - aLow) > ks + KS_SLACK) {
      first.load(a, j, lo, hi, aLow, aHigh, false);
      second.load(b, j, lo, hi, bLow, bHigh, false);
      ks = Math.max(ks, compareWithin(lo, hi).ks);
    }
  }
  return { ks: Math.min(ks, 1), wasserstein };
}

/** A side's CDF in one cell, just below and at each x of an ascending sweep; linear between its points. */
class Cursor {
  readonly xs: number[] = [];
  readonly ps: number[] = [];
  private i = 0;
  private first = 0;
  private last = 0;
  left = 0;
  right = 0;
  leftKnown = true;

  /**
   * The side's points in the cell (its cheapest faithful form of it with `model`), with its ends (F at lo, at most
   * F at hi), kept between those.
   */
  load(side: CdfSide, j: number, lo: number, hi: number, from: number, to: number, model: boolean): void {
    const { xs, ps } = this;
    xs.length = 0;
    ps.length = 0;
    if (Number.isFinite(lo)) {
      xs.push(lo);
      ps.push(from);
    }
    if (!model || !side.modelWithin(j, lo, hi, xs, ps)) side.pointsWithin(j, lo, hi, xs, ps);
    if (Number.isFinite(hi)) {
      xs.push(hi);
      ps.push(to);
    }
    let previous = from;
    for (let i = 0; i < ps.length; i++) {
      previous = Math.min(Math.max(ps[i] as number, previous), to);
      ps[i] = previous;
    }
    [this.i, this.first, this.last] = [0, from, to];
  }

  /** The next x of the sweep at or after this side's position. */
  get next(): number {
    return this.xs[this.i] ?? Number.POSITIVE_INFINITY;
  }

  moveTo(x: number): void {
    const { xs, ps } = this;
    while (this.i < xs.length && (xs[this.i] as number) < x) this.i++;
    const i = this.i;
    this.leftKnown = true;
    if (i < xs.length && xs[i] === x) {
      let j = i;
      while (j + 1 < xs.length && xs[j + 1] === x) j++;
      this.left = ps[i] as number;
      this.right = ps[j] as number;
      // A point given once (a grid edge, a bucket's end) may hide a tie: its left limit is unknown.
      this.leftKnown = j > i;
      this.i = j + 1;
    } else if (i === 0) this.left = this.right = this.first;
    else if (i === xs.length) this.left = this.right = this.last;
    else {
      const x0 = xs[i - 1] as number;
      const p0 = ps[i - 1] as number;
      this.left = this.right = p0 + (((ps[i] as number) - p0) * (x - x0)) / ((xs[i] as number) - x0);
    }
  }
}

/** The two sides of a comparison, reused from cell to cell and call to call (their arrays keep their room). */
const first = new Cursor();
const second = new Cursor();

/**
 * Sweeps the points both sides loaded for one cell: KS is the largest gap at a point inside it (and just below
 * it, where both sides know their left limit; the ends are the edges'); Wasserstein adds, between consecutive
 * points, the integral of the gap of the two linear pieces.
 */
function compareWithin(lo: number, hi: number): Distances {
  let [ks, wasserstein] = [0, 0];
  let previous = Number.NaN;
  let gapBefore = 0;
  for (let x = Math.min(first.next, second.next); x !== Number.POSITIVE_INFINITY; ) {
    first.moveTo(x);
    second.moveTo(x);
    const gapAt = first.left - second.left;
    if (!Number.isNaN(previous)) wasserstein += linearGap(gapBefore, gapAt, x - previous);
    gapBefore = first.right - second.right;
    if (x !== lo && x !== hi) {
      ks = Math.max(ks, Math.abs(gapBefore), first.leftKnown && second.leftKnown ? Math.abs(gapAt) : 0);
    }
    previous = x;
    x = Math.min(first.next, second.next);
  }
  return { ks, wasserstein };
}

/** ∫ over a width w of |g|, g linear from u to v. */
function linearGap(u: number, v: number, width: number): number {
  if (!(width > 0)) return 0;
  if (u * v >= 0) return (Math.abs(u + v) / 2) * width;
  return ((u * u + v * v) / (2 * Math.abs(v - u))) * width;
}
