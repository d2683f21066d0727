// Multiclass metrics (contract section 5): per-class precision, recall and F1 with 0 for a zero denominator,
// averaged unweighted over target_class_order as scikit-learn's average="macro" with labels=target_class_order.

import { ratioOrNull } from '../definition.js';
import { exactValue } from '../exact-sum.js';
import { emptyMulticlassTally, type MulticlassTally } from './multiclass-tally.js';
import { performanceMetric } from './performance-metric.js';

interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
}

export function perClassScores(t: MulticlassTally): ClassScores[] {
  return t.confusion.map((row, label) => {
    const truePositives = row[label] ?? 0;
    const actual = row.reduce((sum, count) => sum + count, 0);
    const predicted = t.confusion.reduce((sum, otherRow) => sum + (otherRow[label] ?? 0), 0);
    const precision = ratioOrNull(truePositives, predicted) ?? 0;
    const recall = ratioOrNull(truePositives, actual) ?? 0;
    const f1 = ratioOrNull(2 * precision * recall, precision + recall) ?? 0;
    return { precision, recall, f1 };
  });
}

function macroAverage(t: MulticlassTally, score: keyof ClassScores): number | null {
  if (t.data_count === 0) return null;
  const scores = perClassScores(t).map((scores) => scores[score]);
  return ratioOrNull(
    scores.reduce((sum, value) => sum + value, 0),
    scores.length,
  );
}

function correctPredictions(t: MulticlassTally): number {
  return t.confusion.reduce((sum, row, label) => sum + (row[label] ?? 0), 0);
}

function multiclassMetric(id: string, calculate: (tally: MulticlassTally) => number | null) {
  // The class count only matters for an empty tally, whose metrics are null (or 0 for data_count) whatever it is.
  return performanceMetric('multiclass_classification', id, () => emptyMulticlassTally(0), calculate);
}

export const MULTICLASS_METRICS = [
  multiclassMetric('data_count', (t) => t.data_count),
  multiclassMetric('accuracy', (t) => ratioOrNull(correctPredictions(t), t.data_count)),
  multiclassMetric('log_loss', (t) => ratioOrNull(exactValue(t.log_loss_sum), t.data_count)),
  multiclassMetric('macro_precision', (t) => macroAverage(t, 'precision')),
  multiclassMetric('macro_recall', (t) => macroAverage(t, 'recall')),
  multiclassMetric('macro_f1', (t) => macroAverage(t, 'f1')),
];
