// What binary-classification metrics need of an hour: confusion counts at the threshold, score histograms per class
// (AUC), the log-loss sum and 10 calibration buckets. Mergeable, and exactly subtractable for late labels.

import { isFiniteNumber } from '../column-values.js';
import { addExactInPlace, combineExact, type ExactSum } from '../exact-sum.js';
import type { ClassLabel, MonitorSpec } from '../spec.js';
import {
  addToScoreCells,
  emptyScoreCells,
  mergeScoreCells,
  type ScoreCells,
  scoreCell,
} from './score-cells.js';

/** Probabilities are clipped to [1e-15, 1 - 1e-15] for log loss, as the contract (and scikit-learn once) does. */
export const PROBABILITY_CLIP = 1e-15;
export const CALIBRATION_BUCKETS = 10;

export interface CalibrationBucket {
  count: number;
  /** Sum of y: the number of actual positives in the bucket. */
  positives: number;
  /** Sum of p. */
  probability_sum: ExactSum;
}

export interface BinaryTally {
  task: 'binary_classification';
  data_count: number;
  true_positives: number;
  false_positives: number;
  true_negatives: number;
  false_negatives: number;
  log_loss_sum: ExactSum;
  positive_scores: ScoreCells;
  negative_scores: ScoreCells;
  /** Bucket b = min(floor(10 p), 9) (0 for a score below 0). */
  calibration: CalibrationBucket[];
}

export function emptyBinaryTally(): BinaryTally {
  return {
    task: 'binary_classification',
    data_count: 0,
    true_positives: 0,
    false_positives: 0,
    true_negatives: 0,
    false_negatives: 0,
    log_loss_sum: [],
    positive_scores: emptyScoreCells(),
    negative_scores: emptyScoreCells(),
    calibration: Array.from({ length: CALIBRATION_BUCKETS }, () => ({
      count: 0,
      positives: 0,
      probability_sum: [],
    })),
  };
}

/**
 * 1 for the positive class, 0 for the negative one, null when the target is missing or neither class: the target
 * is compared with target_class_order [negative, positive] by String() equality.
 */
export function binaryActual(classOrder: readonly ClassLabel[], target: unknown): 0 | 1 | null {
  if (target === undefined || target === null) return null;
  const label = String(target);
  if (label === String(classOrder[1])) return 1;
  if (label === String(classOrder[0])) return 0;
  return null;
}

/** Adds (sign 1) or takes out (sign -1) one event, in place; events without a usable target and score are skipped. */
export function absorbBinary(
  tally: BinaryTally,
  spec: MonitorSpec,
  event: Record<string, unknown>,
  sign: 1 | -1,
): void {
  const actual = spec.target === null ? null : binaryActual(spec.target_class_order, event[spec.target]);
  const score = spec.outputs[0] === undefined ? undefined : event[spec.outputs[0]];
  if (actual === null || !isFiniteNumber(score)) return;

  tally.data_count += sign;
  const predictedPositive = score >= spec.threshold;
  if (actual === 1 && predictedPositive) tally.true_positives += sign;
  else if (actual === 1) tally.false_negatives += sign;
  else if (predictedPositive) tally.false_positives += sign;
  else tally.true_negatives += sign;

  const clipped = Math.min(Math.max(score, PROBABILITY_CLIP), 1 - PROBABILITY_CLIP);
  const logLoss = actual === 1 ? -Math.log(clipped) : -Math.log(1 - clipped);
  addExactInPlace(tally.log_loss_sum, sign * logLoss);

  addToScoreCells(actual === 1 ? tally.positive_scores : tally.negative_scores, scoreCell(score), sign);

  const bucket = tally.calibration[calibrationBucketOf(score)] as CalibrationBucket;
  bucket.count += sign;
  bucket.positives += sign * actual;
  if (bucket.count === 0) bucket.probability_sum.length = 0;
  else addExactInPlace(bucket.probability_sum, sign * score);

  if (tally.data_count === 0) Object.assign(tally, emptyBinaryTally());
}

export function calibrationBucketOf(score: number): number {
  return Math.min(Math.max(Math.floor(CALIBRATION_BUCKETS * score), 0), CALIBRATION_BUCKETS - 1);
}

export function mergeBinary(a: BinaryTally, b: BinaryTally): BinaryTally {
  return {
    task: 'binary_classification',
    data_count: a.data_count + b.data_count,
    true_positives: a.true_positives + b.true_positives,
    false_positives: a.false_positives + b.false_positives,
    true_negatives: a.true_negatives + b.true_negatives,
    false_negatives: a.false_negatives + b.false_negatives,
    log_loss_sum: combineExact(a.log_loss_sum, b.log_loss_sum),
    positive_scores: mergeScoreCells(a.positive_scores, b.positive_scores),
    negative_scores: mergeScoreCells(a.negative_scores, b.negative_scores),
    calibration: a.calibration.map((bucket, index) => {
      const other = b.calibration[index] as CalibrationBucket;
      return {
        count: bucket.count + other.count,
        positives: bucket.positives + other.positives,
        probability_sum: combineExact(bucket.probability_sum, other.probability_sum),
      };
    }),
  };
}
