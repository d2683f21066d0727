// What regression metrics need of an hour: exact sums behind MAE, MSE, R2, MAPE and WMAPE.
// Squares are summed without rounding, so SST (from the sums of y and y^2) is exactly 0 for a constant target.

import { isFiniteNumber } from '../column-values.js';
import { addExact, addExactProduct, combineExact, type ExactSum } from '../exact-sum.js';
import type { MonitorSpec } from '../spec.js';

/** Larger magnitudes could overflow sums of squares (or the exact product's splitting): such rows are not counted. */
export const LARGEST_REGRESSION_MAGNITUDE = 1e100;

export interface RegressionTally {
  task: 'regression';
  data_count: number;
  sum_y: ExactSum;
  sum_y_squared: ExactSum;
  sum_squared_error: ExactSum;
  sum_absolute_error: ExactSum;
  sum_absolute_y: ExactSum;
  /** Sum of abs(y - yhat) / abs(y) over rows with y != 0, and the number of those rows. */
  sum_absolute_percentage_error: ExactSum;
  percentage_count: number;
}

export function emptyRegressionTally(): RegressionTally {
  return {
    task: 'regression',
    data_count: 0,
    sum_y: [],
    sum_y_squared: [],
    sum_squared_error: [],
    sum_absolute_error: [],
    sum_absolute_y: [],
    sum_absolute_percentage_error: [],
    percentage_count: 0,
  };
}

/** Adds (sign 1) or takes out (sign -1) one event, in place; counted when target and prediction are finite numbers. */
export function absorbRegression(
  tally: RegressionTally,
  spec: MonitorSpec,
  event: Record<string, unknown>,
  sign: 1 | -1,
): void {
  const actual = spec.target === null ? undefined : event[spec.target];
  const predicted = spec.outputs[0] === undefined ? undefined : event[spec.outputs[0]];
  if (!isUsable(actual) || !isUsable(predicted)) return;

  const error = actual - predicted;
  const absoluteError = Math.abs(error);
  const percentageError = actual === 0 ? 0 : absoluteError / Math.abs(actual);
  // A tiny target with a large error can overflow the percentage: such a row is not counted at all.
  if (!Number.isFinite(percentageError)) return;
  tally.data_count += sign;
  tally.sum_y = addExact(tally.sum_y, sign * actual);
  tally.sum_y_squared = addExactProduct(tally.sum_y_squared, sign * actual, actual);
  tally.sum_squared_error = addExactProduct(tally.sum_squared_error, sign * error, error);
  tally.sum_absolute_error = addExact(tally.sum_absolute_error, sign * absoluteError);
  tally.sum_absolute_y = addExact(tally.sum_absolute_y, sign * Math.abs(actual));
  if (actual !== 0) {
    tally.percentage_count += sign;
    tally.sum_absolute_percentage_error = addExact(
      tally.sum_absolute_percentage_error,
      sign * percentageError,
    );
  }

  if (tally.data_count === 0) Object.assign(tally, emptyRegressionTally());
}

function isUsable(value: unknown): value is number {
  return isFiniteNumber(value) && Math.abs(value) <= LARGEST_REGRESSION_MAGNITUDE;
}

export function mergeRegression(a: RegressionTally, b: RegressionTally): RegressionTally {
  return {
    task: 'regression',
    data_count: a.data_count + b.data_count,
    sum_y: combineExact(a.sum_y, b.sum_y),
    sum_y_squared: combineExact(a.sum_y_squared, b.sum_y_squared),
    sum_squared_error: combineExact(a.sum_squared_error, b.sum_squared_error),
    sum_absolute_error: combineExact(a.sum_absolute_error, b.sum_absolute_error),
    sum_absolute_y: combineExact(a.sum_absolute_y, b.sum_absolute_y),
    sum_absolute_percentage_error: combineExact(
      a.sum_absolute_percentage_error,
      b.sum_absolute_percentage_error,
    ),
    percentage_count: a.percentage_count + b.percentage_count,
  };
}
