// The performance part of an hour profile, by model task: empty, absorb and merge dispatch to the task's tally.

import type { MonitorSpec } from '../spec.js';
import { absorbBinary, type BinaryTally, emptyBinaryTally, mergeBinary } from './binary-tally.js';
import {
  absorbMulticlass,
  emptyMulticlassTally,
  type MulticlassTally,
  mergeMulticlass,
} from './multiclass-tally.js';
import {
  absorbRegression,
  emptyRegressionTally,
  mergeRegression,
  type RegressionTally,
} from './regression-tally.js';

export type PerformanceTally = BinaryTally | MulticlassTally | RegressionTally;

/** Null when the model has no performance to measure: task not_set, no target or no output. */
export function emptyPerformanceTally(spec: MonitorSpec): PerformanceTally | null {
  if (spec.target === null || spec.outputs.length === 0) return null;
  switch (spec.task) {
    case 'binary_classification':
      return emptyBinaryTally();
    case 'multiclass_classification':
      return emptyMulticlassTally(spec.target_class_order.length);
    case 'regression':
      return emptyRegressionTally();
    case 'not_set':
      return null;
  }
}

export function absorbPerformance(
  tally: PerformanceTally,
  spec: MonitorSpec,
  event: Record<string, unknown>,
  sign: 1 | -1,
): void {
  switch (tally.task) {
    case 'binary_classification':
      absorbBinary(tally, spec, event, sign);
      return;
    case 'multiclass_classification':
      absorbMulticlass(tally, spec, event, sign);
      return;
    case 'regression':
      absorbRegression(tally, spec, event, sign);
      return;
  }
}

export function mergePerformance(
  a: PerformanceTally | null,
  b: PerformanceTally | null,
): PerformanceTally | null {
  if (a === null || b === null) {
    if (a !== b) throw new RangeError('cannot merge a profile with performance and one without');
    return null;
  }
  if (a.task === 'binary_classification' && b.task === 'binary_classification') return mergeBinary(a, b);
  if (a.task === 'multiclass_classification' && b.task === 'multiclass_classification') {
    if (a.confusion.length !== b.confusion.length)
      throw new RangeError('cannot merge different class counts');
    return mergeMulticlass(a, b);
  }
  if (a.task === 'regression' && b.task === 'regression') return mergeRegression(a, b);
  throw new RangeError(`cannot merge ${a.task} performance with ${b.task} performance`);
}
