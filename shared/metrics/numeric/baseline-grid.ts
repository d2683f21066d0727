// The baseline's distribution on a grid of its own percentiles, stored in the spec, and each hour's counts on the
// same grid: with them KS and Wasserstein compare a bin with the baseline whatever the column's scale or offset.

/**
 * Quantile levels of the grid's edges: every percentile, and finer in the tails (0.1%, 0.2%, 0.5% from each end),
 * where cells are widest. No interior cell holds more than 1% of the baseline.
 */
const TAIL_LEVELS = [0.001, 0.002, 0.005];
export const GRID_LEVELS: readonly number[] = [
  ...new Set([
    ...TAIL_LEVELS,
    ...TAIL_LEVELS.map((level) => 1 - level),
    ...Array.from({ length: 101 }, (_, j) => j / 100),
  ]),
].sort((a, b) => a - b);
/** Positions within a cell are counted in 1/65,536ths of its width: integers, so sums are exact and removable. */
export const POSITION_STEPS = 65_536;

/**
 * The baseline of a numeric column on its grid. Cells: 0 is (-inf, e0], j in 1..m is (e(j-1), ej], m+1 is
 * (em, +inf), for edges e0 (the baseline minimum) < ... < em (the maximum).
 */
export interface BaselineGrid {
  count: number;
  mean: number;
  /** Population standard deviation (ddof 0), the unit the normalised Wasserstein distance is measured in. */
  std: number;
  edges: number[];
  /** Baseline values per cell, m + 2 of them (the first holds the values equal to the minimum, the last none). */
  counts: number[];
  /** Mean position of the baseline values within each interior cell, 0 at its lower edge and 1 at its upper. */
  positions: number[];
  /** Baseline values equal to each edge: the CDF jumps by this much there (ties). */
  edge_counts: number[];
}

/** inverted_cdf as numpy computes it: the 0-based order statistic for quantile q of n values. */
export function invertedCdfRank(n: number, q: number): number {
  const index = n * q - 1;
  const previous = Math.floor(index);
  const rank = index - previous === 0 ? previous : previous + 1;
  return Math.min(Math.max(rank, 0), n - 1);
}

/** The grid of ascending baseline values; null for an empty baseline. */
export function buildBaselineGrid(sorted: ArrayLike<number>): BaselineGrid | null {
  const n = sorted.length;
  if (n === 0) return null;
  const edges: number[] = [];
  for (const level of GRID_LEVELS) {
    const edge = sorted[invertedCdfRank(n, level)] as number;
    if (edges.length === 0 || edge > (edges[edges.length - 1] as number)) edges.push(edge);
  }
  return baselineOnGrid(sorted, edges);
}

/**
 * Ascending values counted on given edges: a part of the baseline (a segment's rows) on the whole baseline's grid,
 * the grid its production profiles are folded on. Null without values.
 */
export function baselineOnGrid(sorted: ArrayLike<number>, edges: number[]): BaselineGrid | null {
  const n = sorted.length;
  if (n === 0) return null;
  const counts = new Array<number>(edges.length + 1).fill(0);
  const positionSums = new Array<number>(edges.length - 1).fill(0);
  const edgeCounts = new Array<number>(edges.length).fill(0);
  let total = 0;
  for (let i = 0; i < n; i++) total += sorted[i] as number;
  const mean = total / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const value = sorted[i] as number;
    squares += (value - mean) ** 2;
    const cell = gridCell(edges, value);
    counts[cell] = (counts[cell] as number) + 1;
    if (cell < edges.length && edges[cell] === value) edgeCounts[cell] = (edgeCounts[cell] as number) + 1;
    if (cell >= 1 && cell < edges.length) {
      positionSums[cell - 1] =
        (positionSums[cell - 1] as number) + positionIn(edges, cell, value) / POSITION_STEPS;
    }
  }
  const positions = positionSums.map((sum, j) => {
    const inCell = counts[j + 1] as number;
    // Four decimals move an integral by 1e-4 of a cell width: far below the metrics' error bounds, and short.
    return inCell === 0 ? 0.5 : Math.round((sum / inCell) * 1e4) / 1e4;
  });
  return { count: n, mean, std: Math.sqrt(squares / n), edges, counts, positions, edge_counts: edgeCounts };
}

/** The cell of a value: the number of edges strictly below it (cells are closed on the right). */
export function gridCell(edges: readonly number[], value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((edges[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A value's position in interior cell `cell`, in steps from the lower edge (0 to POSITION_STEPS). */
export function positionIn(edges: readonly number[], cell: number, value: number): number {
  const lower = edges[cell - 1] as number;
  const upper = edges[cell] as number;
  return Math.round(((value - lower) / (upper - lower)) * POSITION_STEPS);
}

/**
 * ∫ over each cell of the baseline's CDF, by cell: for interior cell j, width * (C(j-1) + c_j - T_j) / n, where
 * C is the cumulative count, c the cell's count and T its sum of positions; 0 for the outer cells.
 */
export function baselineCellIntegrals(grid: BaselineGrid): number[] {
  const integrals = new Array<number>(grid.counts.length).fill(0);
  let below = grid.counts[0] as number;
  for (let j = 1; j < grid.edges.length; j++) {
    const width = (grid.edges[j] as number) - (grid.edges[j - 1] as number);
    const inCell = grid.counts[j] as number;
    const positions = (grid.positions[j - 1] as number) * inCell;
    integrals[j] = (width * (below + inCell - positions)) / grid.count;
    below += inCell;
  }
  return integrals;
}

/**
 * The baseline's CDF at `value` (or just below it, `left`): exact at the edges, with the jump of a tie at an edge;
 * linear within a cell, between the CDF above its lower edge and just below its upper one.
 */
export function baselineCdfAt(grid: BaselineGrid, value: number, left = false): number {
  const edges = grid.edges;
  if (value < (edges[0] as number)) return 0;
  const cell = gridCell(edges, value);
  if (cell >= edges.length) return 1;
  let below = 0;
  for (let j = 0; j < cell; j++) below += grid.counts[j] as number;
  const jump = grid.edge_counts?.[cell] ?? 0;
  const atEdge = edges[cell] === value;
  if (atEdge) return (below + (grid.counts[cell] as number) - (left ? jump : 0)) / grid.count;
  const lower = edges[cell - 1] as number;
  const fraction = (value - lower) / ((edges[cell] as number) - lower);
  return (below + fraction * ((grid.counts[cell] as number) - jump)) / grid.count;
}
