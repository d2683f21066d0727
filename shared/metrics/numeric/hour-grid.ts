// An hour's values counted on the baseline's grid (baseline-grid.ts): counts per cell, position sums per interior
// cell (integers, so exact) and exact sums of the values outside the baseline's range, for KS and Wasserstein.

import { addExactInPlace, combineExact, type ExactSum, exactValue } from '../exact-sum.js';
import { gridCell, POSITION_STEPS, positionIn } from './baseline-grid.js';

export interface HourGrid {
  /** Values per cell, one more than the edges. */
  counts: number[];
  /** Sum of positions (in POSITION_STEPS) per interior cell. */
  positions: number[];
  /** Exact sums of the values in the outer cells: at or below the baseline minimum, above its maximum. */
  below_sum: ExactSum;
  above_sum: ExactSum;
}

export function emptyHourGrid(edges: readonly number[]): HourGrid {
  return {
    counts: new Array<number>(edges.length + 1).fill(0),
    positions: new Array<number>(Math.max(edges.length - 1, 0)).fill(0),
    below_sum: [],
    above_sum: [],
  };
}

/**
 * Where to start looking for a value's cell: the cell of the start of each of SLOTS equal slices of the
 * baseline's range, built once per edges array. A value's cell then lies between its slice's and the next one's.
 */
const SLOTS = 256;
/** Kept on the edges array itself, under a symbol and not enumerable: JSON and equality never see it. */
const SLOT_TABLE = Symbol('slot table');

function slotTable(edges: readonly number[]): Int32Array {
  const holder = edges as { [SLOT_TABLE]?: Int32Array };
  let table = holder[SLOT_TABLE];
  if (!table) {
    table = new Int32Array(SLOTS + 2);
    const first = edges[0] as number;
    const span = (edges[edges.length - 1] as number) - first;
    for (let s = 0; s <= SLOTS + 1; s++) table[s] = gridCell(edges, first + (span * s) / SLOTS);
    Object.defineProperty(edges, SLOT_TABLE, { value: table, enumerable: false });
  }
  return table;
}

/** gridCell, narrowed by the slot table to a few edges. */
function cellOf(edges: readonly number[], value: number): number {
  const first = edges[0] as number;
  const last = edges[edges.length - 1] as number;
  if (!(value > first)) return 0;
  if (value > last) return edges.length;
  const table = slotTable(edges);
  const slot = Math.min(Math.floor(((value - first) / (last - first)) * SLOTS), SLOTS);
  let low = table[slot] as number;
  let high = Math.min((table[slot + 1] as number) + 1, edges.length);
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((edges[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function absorbIntoGrid(grid: HourGrid, edges: readonly number[], value: number, sign: 1 | -1): void {
  const cell = cellOf(edges, value);
  grid.counts[cell] = (grid.counts[cell] as number) + sign;
  if (cell === 0) addExactInPlace(grid.below_sum, sign * value);
  else if (cell === edges.length) addExactInPlace(grid.above_sum, sign * value);
  else
    grid.positions[cell - 1] = (grid.positions[cell - 1] as number) + sign * positionIn(edges, cell, value);
}

export function mergeHourGrids(a: HourGrid, b: HourGrid): HourGrid {
  if (a.counts.length !== b.counts.length) throw new RangeError('cannot merge grids of different baselines');
  return {
    counts: a.counts.map((count, cell) => count + (b.counts[cell] as number)),
    positions: a.positions.map((sum, cell) => sum + (b.positions[cell] as number)),
    below_sum: combineExact(a.below_sum, b.below_sum),
    above_sum: combineExact(a.above_sum, b.above_sum),
  };
}

/**
 * ∫ over each cell of the hour's CDF (as baselineCellIntegrals). The outer cells hold what lies beyond the
 * baseline: for cell 0, ∫ from -inf to e0 of F = sum of (e0 - x) / n; for the last, ∫ from em of (F - 1) =
 * -sum of (x - em) / n, so comparing with the baseline's 0 there adds exactly the mass outside its range.
 */
export function hourCellIntegrals(grid: HourGrid, edges: readonly number[], n: number): number[] {
  const integrals = new Array<number>(grid.counts.length).fill(0);
  const m = edges.length - 1;
  const first = edges[0] as number;
  const last = edges[m] as number;
  integrals[0] = ((grid.counts[0] as number) * first - exactValue(grid.below_sum)) / n;
  let below = grid.counts[0] as number;
  for (let j = 1; j <= m; j++) {
    const width = (edges[j] as number) - (edges[j - 1] as number);
    const inCell = grid.counts[j] as number;
    const positions = (grid.positions[j - 1] as number) / POSITION_STEPS;
    integrals[j] = (width * (below + inCell - positions)) / n;
    below += inCell;
  }
  integrals[m + 1] = -(exactValue(grid.above_sum) - (grid.counts[m + 1] as number) * last) / n;
  return integrals;
}

/** Stores only the cells holding values, as [cell, count, positions] triples: an hour of few values stays small. */
export function serializeHourGrid(grid: HourGrid): unknown {
  const cells: number[] = [];
  grid.counts.forEach((count, cell) => {
    const positions = cell >= 1 && cell <= grid.positions.length ? (grid.positions[cell - 1] as number) : 0;
    if (count !== 0 || positions !== 0) cells.push(cell, count, positions);
  });
  return { size: grid.counts.length, cells, below_sum: grid.below_sum, above_sum: grid.above_sum };
}

export function deserializeHourGrid(raw: unknown): HourGrid {
  const body = raw as { size?: unknown; cells?: unknown; below_sum?: unknown; above_sum?: unknown };
  if (typeof body?.size !== 'number' || !Array.isArray(body.cells)) throw new RangeError('not an hour grid');
  const grid: HourGrid = {
    counts: new Array<number>(body.size).fill(0),
    positions: new Array<number>(Math.max(body.size - 2, 0)).fill(0),
    below_sum: [...((body.below_sum as number[]) ?? [])],
    above_sum: [...((body.above_sum as number[]) ?? [])],
  };
  for (let i = 0; i + 2 < body.cells.length; i += 3) {
    const cell = body.cells[i] as number;
    grid.counts[cell] = body.cells[i + 1] as number;
    if (cell >= 1 && cell <= grid.positions.length) grid.positions[cell - 1] = body.cells[i + 2] as number;
  }
  return grid;
}
