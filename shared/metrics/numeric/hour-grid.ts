// An hour's values counted on the baseline's grid (baseline-grid.ts): counts per cell, position sums per interior
// cell (integers, so exact) and exact sums of the values outside the baseline's range, for KS and Wasserstein.

import {
  addExactInPlace,
  addTermsExactInPlace,
  combineExact,
  type ExactSum,
  exactValue,
} from '../exact-sum.js';
import { gridCell, POSITION_STEPS, positionIn } from './baseline-grid.js';
import { decodeVarints, encodeVarints, unzigzag, zigzag } from './varints.js';

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
 * baseline's range, and the edges as a typed array, built once per edges array. With 20 slots per cell of a grid
 * of ~107 edges, few slots hold an edge, so the walk from the guess rarely takes a step (a step is a branch
 * random values mispredict).
 */
const SLOTS = 2048;

export interface GridLookup {
  /** The spec's edges, for the functions that take them as an array. */
  readonly edgeList: readonly number[];
  readonly edges: Float64Array;
  readonly first: number;
  readonly last: number;
  /** The cell of the start of each slot; slot SLOTS + 1 is the end of the range. */
  readonly slots: Uint16Array | Int32Array;
}

/** Per edges array (specs are read many times, never mutated); JSON and equality never see it. */
const lookups = new WeakMap<readonly number[], GridLookup>();

export function gridLookupOf(edgeList: readonly number[]): GridLookup {
  let lookup = lookups.get(edgeList);
  if (!lookup) {
    const first = edgeList[0] as number;
    const last = edgeList[edgeList.length - 1] as number;
    const slots = edgeList.length < 65_535 ? new Uint16Array(SLOTS + 2) : new Int32Array(SLOTS + 2);
    for (let s = 0; s <= SLOTS + 1; s++) slots[s] = gridCell(edgeList, first + ((last - first) * s) / SLOTS);
    lookup = { edgeList, edges: Float64Array.from(edgeList), first, last, slots };
    lookups.set(edgeList, lookup);
  }
  return lookup;
}

/**
 * gridCell, narrowed by the slot table: the value's slot gives a first guess, then a short walk finds the cell
 * (right whatever the guess, so rounding in the slot arithmetic cannot misplace a value).
 */
export function gridCellOf(lookup: GridLookup, value: number): number {
  const edges = lookup.edges;
  if (!(value > lookup.first)) return 0;
  if (value > lookup.last) return edges.length;
  const slot = Math.min(Math.floor(((value - lookup.first) / (lookup.last - lookup.first)) * SLOTS), SLOTS);
  let cell = lookup.slots[slot] as number;
  while (cell > 0 && (edges[cell - 1] as number) >= value) cell--;
  while (cell < edges.length && (edges[cell] as number) < value) cell++;
  return cell;
}

export function absorbIntoGrid(grid: HourGrid, edges: readonly number[], value: number, sign: 1 | -1): void {
  absorbIntoGridAt(grid, gridLookupOf(edges), value, sign);
}

export function absorbIntoGridAt(grid: HourGrid, lookup: GridLookup, value: number, sign: 1 | -1): void {
  const cell = gridCellOf(lookup, value);
  grid.counts[cell] = (grid.counts[cell] as number) + sign;
  if (cell === 0) addExactInPlace(grid.below_sum, sign * value);
  else if (cell === lookup.edges.length) addExactInPlace(grid.above_sum, sign * value);
  else
    grid.positions[cell - 1] =
      (grid.positions[cell - 1] as number) + sign * positionIn(lookup.edgeList, cell, value);
}

/** Counts and position sums per cell of a batch, values beyond the edges: scratch reused across calls. */
let cellCounts = new Float64Array(256);
let cellPositions = new Float64Array(256);
let belowTerms = new Float64Array(1024);
let aboveTerms = new Float64Array(1024);

/**
 * absorbIntoGrid for `length` values at once, with one sign. Counts and positions are integers and the outer
 * sums exact, so adding a batch's totals gives the grid absorbing the values one by one gives.
 */
export function absorbManyIntoGrid(
  grid: HourGrid,
  lookup: GridLookup,
  values: Float64Array,
  length: number,
  sign: 1 | -1,
): void {
  const edges = lookup.edges;
  const edgeList = lookup.edgeList;
  const cells = edges.length + 1;
  if (cellCounts.length < cells) {
    cellCounts = new Float64Array(2 * cells);
    cellPositions = new Float64Array(2 * cells);
  }
  if (belowTerms.length < length) {
    belowTerms = new Float64Array(Math.max(length, 2 * belowTerms.length));
    aboveTerms = new Float64Array(belowTerms.length);
  }
  const counts = cellCounts;
  const positions = cellPositions;
  counts.fill(0, 0, cells);
  positions.fill(0, 0, cells);
  let below = 0;
  let above = 0;
  for (let i = 0; i < length; i++) {
    const value = values[i] as number;
    const cell = gridCellOf(lookup, value);
    counts[cell] = (counts[cell] as number) + 1;
    if (cell === 0) belowTerms[below++] = sign * value;
    else if (cell === edges.length) aboveTerms[above++] = sign * value;
    else positions[cell] = (positions[cell] as number) + positionIn(edgeList, cell, value);
  }
  if (below > 0) addTermsExactInPlace(grid.below_sum, belowTerms, below);
  if (above > 0) addTermsExactInPlace(grid.above_sum, aboveTerms, above);
  for (let cell = 0; cell < cells; cell++) {
    const count = counts[cell] as number;
    if (count === 0) continue;
    grid.counts[cell] = (grid.counts[cell] as number) + sign * count;
    const sum = positions[cell] as number;
    if (sum !== 0) grid.positions[cell - 1] = (grid.positions[cell - 1] as number) + sign * sum;
  }
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

/**
 * Stores only the cells holding values: per cell, the gap since the previous one, its count and its position sum
 * (zigzag varints in base64), so an hour of few values stays small and a busy one a few bytes a cell. Grids
 * stored before as [cell, count, positions] triples in a JSON array still read.
 */
export function serializeHourGrid(grid: HourGrid): unknown {
  const cells: number[] = [];
  let previous = -1;
  grid.counts.forEach((count, cell) => {
    const positions = cell >= 1 && cell <= grid.positions.length ? (grid.positions[cell - 1] as number) : 0;
    if (count === 0 && positions === 0) return;
    cells.push(cell - previous - 1, zigzag(count), zigzag(positions));
    previous = cell;
  });
  return {
    size: grid.counts.length,
    cells: encodeVarints(cells),
    below_sum: grid.below_sum,
    above_sum: grid.above_sum,
  };
}

export function deserializeHourGrid(raw: unknown): HourGrid {
  const body = raw as { size?: unknown; cells?: unknown; below_sum?: unknown; above_sum?: unknown };
  const encoded = typeof body?.cells === 'string';
  if (typeof body?.size !== 'number' || !(encoded || Array.isArray(body.cells)))
    throw new RangeError('not an hour grid');
  const grid: HourGrid = {
    counts: new Array<number>(body.size).fill(0),
    positions: new Array<number>(Math.max(body.size - 2, 0)).fill(0),
    below_sum: [...((body.below_sum as number[]) ?? [])],
    above_sum: [...((body.above_sum as number[]) ?? [])],
  };
  const triples = encoded ? decodeVarints(body.cells as string) : (body.cells as number[]);
  let cell = -1;
  for (let i = 0; i + 2 < triples.length; i += 3) {
    cell = encoded ? cell + 1 + (triples[i] as number) : (triples[i] as number);
    const count = triples[i + 1] as number;
    const positions = triples[i + 2] as number;
    grid.counts[cell] = encoded ? unzigzag(count) : count;
    if (cell >= 1 && cell <= grid.positions.length)
      grid.positions[cell - 1] = encoded ? unzigzag(positions) : positions;
  }
  return grid;
}
