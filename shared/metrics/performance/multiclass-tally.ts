// What multiclass metrics need of an hour: the confusion matrix in target_class_order and the log-loss sum.
// Mergeable, and exactly subtractable for late labels.

import { isFiniteNumber } from '../column-values.js';
import { addExact, combineExact, type ExactSum } from '../exact-sum.js';
import type { MonitorSpec } from '../spec.js';
import { PROBABILITY_CLIP } from './binary-tally.js';

export interface MulticlassTally {
  task: 'multiclass_classification';
  data_count: number;
  /** confusion[actual][predicted], both indices into target_class_order. */
  confusion: number[][];
  log_loss_sum: ExactSum;
}

export function emptyMulticlassTally(classCount: number): MulticlassTally {
  return {
    task: 'multiclass_classification',
    data_count: 0,
    confusion: Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0)),
    log_loss_sum: [],
  };
}

/**
 * Adds (sign 1) or takes out (sign -1) one event, in place. Counted only when the target is one of the classes
 * (String() equality) and every output is a finite number; the prediction is the arg-max output, the first class
 * on ties.
 */
export function absorbMulticlass(
  tally: MulticlassTally,
  spec: MonitorSpec,
  event: Record<string, unknown>,
  sign: 1 | -1,
): void {
  if (spec.target === null) return;
  const target = event[spec.target];
  if (target === undefined || target === null) return;
  const actual = spec.target_class_order.findIndex((label) => String(label) === String(target));
  const probabilities = spec.outputs.map((output) => event[output]);
  if (actual < 0 || !probabilities.every(isFiniteNumber)) return;

  let predicted = 0;
  probabilities.forEach((probability, index) => {
    if (probability > (probabilities[predicted] as number)) predicted = index;
  });
  const row = tally.confusion[actual] as number[];
  row[predicted] = (row[predicted] as number) + sign;
  tally.data_count += sign;

  // The true class's probability as given (not renormalised), clipped like binary log loss.
  const trueProbability = probabilities[actual] as number;
  const clipped = Math.min(Math.max(trueProbability, PROBABILITY_CLIP), 1 - PROBABILITY_CLIP);
  tally.log_loss_sum = addExact(tally.log_loss_sum, -sign * Math.log(clipped));

  if (tally.data_count === 0) Object.assign(tally, emptyMulticlassTally(tally.confusion.length));
}

export function mergeMulticlass(a: MulticlassTally, b: MulticlassTally): MulticlassTally {
  return {
    task: 'multiclass_classification',
    data_count: a.data_count + b.data_count,
    confusion: a.confusion.map((row, actual) =>
      row.map((count, predicted) => count + (b.confusion[actual]?.[predicted] ?? 0)),
    ),
    log_loss_sum: combineExact(a.log_loss_sum, b.log_loss_sum),
  };
}
