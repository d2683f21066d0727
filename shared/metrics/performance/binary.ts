// Binary-classification metrics (contract section 5): positive when the output is >= the threshold; a ratio with a
// zero denominator is null.

import { ratioOrNull } from '../definition.js';
import { combineExact, exactValue } from '../exact-sum.js';
import { type BinaryTally, emptyBinaryTally } from './binary-tally.js';
import { performanceMetric } from './performance-metric.js';
import { rocAucFromCells } from './score-cells.js';

export function binaryPrecision(t: BinaryTally): number | null {
  return ratioOrNull(t.true_positives, t.true_positives + t.false_positives);
}

export function binaryRecall(t: BinaryTally): number | null {
  return ratioOrNull(t.true_positives, t.true_positives + t.false_negatives);
}

/** Harmonic mean of precision and recall; null when either is undefined or both are 0. */
export function binaryF1(t: BinaryTally): number | null {
  const precision = binaryPrecision(t);
  const recall = binaryRecall(t);
  if (precision === null || recall === null) return null;
  return ratioOrNull(2 * precision * recall, precision + recall);
}

export function binaryGeometricMean(t: BinaryTally): number | null {
  const precision = binaryPrecision(t);
  const recall = binaryRecall(t);
  return precision === null || recall === null ? null : Math.sqrt(precision * recall);
}

/** sum over buckets of (n_b / n) * |mean y_b - mean p_b| = sum of |sum y_b - sum p_b| / n. */
export function expectedCalibrationError(t: BinaryTally): number | null {
  const gaps = t.calibration.map((bucket) =>
    Math.abs(exactValue(combineExact([bucket.positives], bucket.probability_sum, -1))),
  );
  return ratioOrNull(
    gaps.reduce((sum, gap) => sum + gap, 0),
    t.data_count,
  );
}

function binaryMetric(id: string, calculate: (tally: BinaryTally) => number | null) {
  return performanceMetric('binary_classification', id, emptyBinaryTally, calculate);
}

export const BINARY_METRICS = [
  binaryMetric('data_count', (t) => t.data_count),
  binaryMetric('accuracy', (t) => ratioOrNull(t.true_positives + t.true_negatives, t.data_count)),
  binaryMetric('precision', binaryPrecision),
  binaryMetric('recall', binaryRecall),
  binaryMetric('fpr', (t) => ratioOrNull(t.false_positives, t.false_positives + t.true_negatives)),
  binaryMetric('f1_score', binaryF1),
  binaryMetric('geometric_mean', binaryGeometricMean),
  binaryMetric('auc', (t) => rocAucFromCells(t.positive_scores, t.negative_scores)),
  binaryMetric('log_loss', (t) => ratioOrNull(exactValue(t.log_loss_sum), t.data_count)),
  binaryMetric('expected_calibration_error', expectedCalibrationError),
];
