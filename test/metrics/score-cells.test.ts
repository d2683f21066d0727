// Score histograms behind AUC: cells keep the order of scores, stay bounded, and count ties as ties.

import { describe, expect, it } from 'vitest';
import {
  addToScoreCells,
  emptyScoreCells,
  mergeScoreCells,
  rocAucFromCells,
  type ScoreCells,
  scoreCell,
} from '../../shared/metrics/performance/score-cells.js';

function cellsOf(scores: number[]): ScoreCells {
  const cells = emptyScoreCells();
  for (const score of scores) addToScoreCells(cells, scoreCell(score), 1);
  return cells;
}

describe('score cells', () => {
  it('never give a higher score a lower cell, from below 0 to above 1', () => {
    const scores = [
      -1,
      0,
      1e-16,
      1e-15,
      1e-9,
      1e-4,
      0.0099,
      0.01,
      0.5,
      0.98999,
      0.99,
      1 - 1e-9,
      1 - 1e-15,
      1,
      2,
    ];
    for (let step = 0; step <= 100_000; step++) scores.push(step / 100_000);
    scores.sort((a, b) => a - b);

    const cells = scores.map(scoreCell);

    expect(cells.every((cell, index) => index === 0 || cell >= (cells[index - 1] as number))).toBe(true);
  });

  it('are no wider than 1e-4 in the middle', () => {
    expect(scoreCell(0.5)).not.toBe(scoreCell(0.5001));
  });

  it('are finer near 0 and 1, where saturated models put their scores', () => {
    expect(scoreCell(1e-6)).not.toBe(scoreCell(1.02e-6));
    expect(scoreCell(1 - 1e-6)).not.toBe(scoreCell(1 - 1.02e-6));
  });

  it('number fewer than 16,000 in all, bounding a stored histogram', () => {
    expect(scoreCell(1) - scoreCell(0) + 1).toBeLessThan(16_000);
  });

  it('return to an empty histogram when every score is taken back out', () => {
    const cells = cellsOf([0.2, 0.4, 0.4, 0.9]);
    for (const score of [0.9, 0.2, 0.4, 0.4]) addToScoreCells(cells, scoreCell(score), -1);

    expect(cells).toEqual(emptyScoreCells());
  });

  it('merge into what absorbing every score at once gives', () => {
    expect(mergeScoreCells(cellsOf([0.9, 0.95]), cellsOf([1e-9, 0.3]))).toEqual(
      cellsOf([0.3, 0.95, 1e-9, 0.9]),
    );
  });
});

describe('rocAucFromCells', () => {
  it.each([
    { case: 'perfect separation', positives: [0.8, 0.9], negatives: [0.1, 0.2], expected: 1 },
    { case: 'reversed separation', positives: [0.1], negatives: [0.8, 0.9], expected: 0 },
    { case: 'all scores tied', positives: [0.5, 0.5], negatives: [0.5], expected: 0.5 },
    // Pairs: (0.7 > 0.3) win, (0.7 = 0.7) half, (0.3 = 0.3) half, (0.3 < 0.7) loss: 2 of 4.
    { case: 'ties counting half', positives: [0.3, 0.7], negatives: [0.3, 0.7], expected: 0.5 },
    { case: 'scores in the tails', positives: [1 - 1e-9, 1 - 1e-12], negatives: [1e-12, 1e-9], expected: 1 },
  ])('is $expected for $case', ({ positives, negatives, expected }) => {
    expect(rocAucFromCells(cellsOf(positives), cellsOf(negatives))).toBe(expected);
  });

  it('is null without both classes', () => {
    expect(rocAucFromCells(cellsOf([0.4]), emptyScoreCells())).toBeNull();
  });
});
