// Regression metrics (contract section 5): MAE, MSE, R2 against the bin's own target mean, MAPE as a fraction over
// y != 0, and WMAPE.

import { ratioOrNull } from '../definition.js';
import { combineExact, exactSign, exactValue, multiplyExact } from '../exact-sum.js';
import { performanceMetric } from './performance-metric.js';
import { emptyRegressionTally, type RegressionTally } from './regression-tally.js';

/**
 * 1 - SSE / SST with SST = sum (y - mean y)^2 = (n * sum y^2 - (sum y)^2) / n. The numerator is computed exactly
 * (Lagrange's identity makes it sum over pairs of (y_i - y_j)^2), so it is 0 exactly when every target is equal,
 * and R2 is then null rather than the ratio of two rounding errors.
 */
export function rSquared(t: RegressionTally): number | null {
  if (t.data_count === 0) return null;
  const sstTimesCount = combineExact(
    multiplyExact(t.sum_y_squared, [t.data_count]),
    multiplyExact(t.sum_y, t.sum_y),
    -1,
  );
  if (exactSign(sstTimesCount) <= 0) return null;
  const sst = exactValue(sstTimesCount) / t.data_count;
  const ratio = ratioOrNull(exactValue(t.sum_squared_error), sst);
  return ratio === null ? null : 1 - ratio;
}

function regressionMetric(id: string, calculate: (tally: RegressionTally) => number | null) {
  return performanceMetric('regression', id, emptyRegressionTally, calculate);
}

export const REGRESSION_METRICS = [
  regressionMetric('data_count', (t) => t.data_count),
  regressionMetric('mae', (t) => ratioOrNull(exactValue(t.sum_absolute_error), t.data_count)),
  regressionMetric('mse', (t) => ratioOrNull(exactValue(t.sum_squared_error), t.data_count)),
  regressionMetric('r2', rSquared),
  regressionMetric('mape', (t) =>
    ratioOrNull(exactValue(t.sum_absolute_percentage_error), t.percentage_count),
  ),
  regressionMetric('wmape', (t) =>
    ratioOrNull(exactValue(t.sum_absolute_error), exactValue(t.sum_absolute_y)),
  ),
];
