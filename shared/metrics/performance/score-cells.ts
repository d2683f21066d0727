// Score histograms per actual class behind ROC AUC: within 0.005 of the exact value, bounded in size, mergeable and
// exactly subtractable (late labels take a score back out of one class and put it in the other).

/**
 * Counts of a class's scores per cell: counts[i] is the count in cell first_cell + i; no zeros at either end. Dense
 * from the first to the last occupied cell: at high traffic nearly every cell is occupied, and a list of counts is
 * about half the size of a map keyed by cell.
 */
export interface ScoreCells {
  first_cell: number;
  counts: number[];
}

const TAIL_START = 0.01;
const MIDDLE_CELLS_PER_UNIT = 10_000;
const LOG_TAIL_RATIO = Math.log(1.01);
const SMALLEST_DISTANCE = 1e-15;
const FIRST_MIDDLE_CELL = 100;
const LAST_MIDDLE_CELL = 9_899;

export function emptyScoreCells(): ScoreCells {
  return { first_cell: 0, counts: [] };
}

/**
 * The cell of a finite score. Cells are 1e-4 wide on [0.01, 0.99) and geometric with ratio 1.01 below 0.01 (on p)
 * and from 0.99 up (on 1 - p), down to 1e-15 (the log-loss clip; scores closer to 0 or 1, or outside [0, 1], share
 * the outermost cell). So a cell never spans more than 1e-4, nor more than 1% of a score's distance to 0 or to 1,
 * where saturated models crowd their scores: 9,800 + 2 x 3,009 = 15,818 cells in all.
 *
 * Why AUC stays within 0.005: the cell never decreases as the score grows, so a (positive, negative) pair is
 * mis-scored only when both fall in the same cell with different scores, and then by exactly 1/2 (a tie instead of
 * a win or a loss); equal scores are ties either way. Hence |AUC_cells - AUC| <= 1/2 * sum over cells of (share of
 * positives in the cell) * (share of negatives in it) <= 1/2 * the largest share of one class in one cell: within
 * 0.005 unless more than 1% of a class sits, with distinct scores, inside one cell. No histogram of bounded size can
 * promise more on every input (scores all within 1e-9 of each other defeat any fixed grid).
 */
export function scoreCell(score: number): number {
  if (score < TAIL_START) {
    return FIRST_MIDDLE_CELL - 1 - tailSteps(score);
  }
  if (score >= 1 - TAIL_START) {
    return LAST_MIDDLE_CELL + 1 + tailSteps(1 - score);
  }
  const cell = Math.floor(score * MIDDLE_CELLS_PER_UNIT);
  return Math.min(Math.max(cell, FIRST_MIDDLE_CELL), LAST_MIDDLE_CELL);
}

/** Whole 1% steps from the tail start down to a distance from 0 or 1 (at least 0, clipped at 1e-15). */
function tailSteps(distance: number): number {
  const steps = Math.floor(Math.log(TAIL_START / Math.max(distance, SMALLEST_DISTANCE)) / LOG_TAIL_RATIO);
  return Math.max(steps, 0);
}

/** Adds `delta` (negative to take scores back out) to one cell, in place. */
export function addToScoreCells(cells: ScoreCells, cell: number, delta: number): void {
  if (cells.counts.length === 0) cells.first_cell = cell;
  if (cell < cells.first_cell) {
    cells.counts = [...new Array<number>(cells.first_cell - cell).fill(0), ...cells.counts];
    cells.first_cell = cell;
  }
  const index = cell - cells.first_cell;
  while (cells.counts.length <= index) cells.counts.push(0);
  cells.counts[index] = (cells.counts[index] as number) + delta;
  trimZeros(cells);
}

export function mergeScoreCells(a: ScoreCells, b: ScoreCells): ScoreCells {
  const merged: ScoreCells = { first_cell: a.first_cell, counts: [...a.counts] };
  b.counts.forEach((count, index) => {
    if (count !== 0) addToScoreCells(merged, b.first_cell + index, count);
  });
  return merged;
}

export function countAt(cells: ScoreCells, cell: number): number {
  return cells.counts[cell - cells.first_cell] ?? 0;
}

/**
 * ROC AUC as the share of (positive, negative) pairs where the positive scores higher, ties counting half
 * (the Mann-Whitney form); null without both classes.
 */
export function rocAucFromCells(positives: ScoreCells, negatives: ScoreCells): number | null {
  const positiveTotal = total(positives);
  const negativeTotal = total(negatives);
  if (positiveTotal <= 0 || negativeTotal <= 0) return null;
  const low = Math.min(positives.first_cell, negatives.first_cell);
  const high = Math.max(lastCell(positives), lastCell(negatives));
  let negativesBelow = 0;
  let pairsWon = 0;
  for (let cell = low; cell <= high; cell++) {
    const positiveCount = countAt(positives, cell);
    const negativeCount = countAt(negatives, cell);
    pairsWon += positiveCount * (negativesBelow + negativeCount / 2);
    negativesBelow += negativeCount;
  }
  return pairsWon / (positiveTotal * negativeTotal);
}

function total(cells: ScoreCells): number {
  return cells.counts.reduce((sum, count) => sum + count, 0);
}

function lastCell(cells: ScoreCells): number {
  return cells.first_cell + cells.counts.length - 1;
}

/** Keeps the form canonical (equal histograms are structurally equal) and the stored list short. */
function trimZeros(cells: ScoreCells): void {
  let end = cells.counts.length;
  while (end > 0 && cells.counts[end - 1] === 0) end--;
  let start = 0;
  while (start < end && cells.counts[start] === 0) start++;
  if (start === 0 && end === cells.counts.length) return;
  cells.counts = cells.counts.slice(start, end);
  cells.first_cell = cells.counts.length === 0 ? 0 : cells.first_cell + start;
}
