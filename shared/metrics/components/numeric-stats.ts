// Numeric statistics component: per numeric input and output column, the statistics of numeric/column-stats.ts.

import {
  absorbManyIntoStats,
  absorbValueIntoStats,
  type ColumnStats,
  emptyColumnStats,
  LARGEST_STATISTIC_MAGNITUDE,
  mergeColumnStats,
} from '../numeric/column-stats.js';
import { deserializeHourGrid, serializeHourGrid } from '../numeric/hour-grid.js';
import { absorbIntoSketch, deserializeSketch, emptySketch, serializeSketch } from '../numeric/log-sketch.js';
import type { ColumnSpec } from '../spec.js';
import type { ColumnComponent } from './types.js';

export function isNumericColumn(column: ColumnSpec): boolean {
  return column.data_type === 'int' || column.data_type === 'float';
}

export function gridEdgesOf(column: ColumnSpec): number[] | null {
  return column.baseline?.edges ?? null;
}

/** A batch's values fit for statistics: scratch reused across calls (the fold is single-threaded). */
let kept = new Float64Array(1024);

export const NUMERIC_STATS_COMPONENT: ColumnComponent<'numeric'> = {
  key: 'numeric',
  zero: (column) =>
    isNumericColumn(column) ? emptyColumnStats(gridEdgesOf(column), column.baseline?.mean ?? 0) : null,
  absorb(tally, column, code, value, sign) {
    // Only well-typed numbers get a bin code >= 0 in a numeric column.
    if (tally.numeric === null || code < 0) return;
    absorbValueIntoStats(tally.numeric, column.grid, value as number, sign);
  },
  absorbColumn(tally, column, batch, sign) {
    if (tally.numeric === null || batch.numberCount === 0) return;
    if (kept.length < batch.numberCount) kept = new Float64Array(2 * batch.numberCount);
    let count = 0;
    const numbers = batch.numbers;
    for (let i = 0; i < batch.numberCount; i++) {
      const value = numbers[i] as number;
      // As absorbValueIntoStats: larger magnitudes are left out, and -0 is 0.
      if (Math.abs(value) <= LARGEST_STATISTIC_MAGNITUDE) kept[count++] = value + 0;
    }
    absorbManyIntoStats(tally.numeric, column.grid, kept, count, sign);
  },
  merge(a, b) {
    // An hour stored before statistics existed makes the statistics of any bin holding it unknown.
    if (a === null || b === null) return null;
    return mergeColumnStats(a, b);
  },
  serialize(state) {
    if (state === null) return null;
    const { sketch, grid, ...rest } = state;
    // While the raw values are kept, the sketch is rebuilt from them on reading: small hours stay small.
    return {
      ...rest,
      ...(state.values === null ? { sketch: serializeSketch(sketch) } : {}),
      grid: grid === null ? null : serializeHourGrid(grid),
    };
  },
  deserialize(raw) {
    if (raw === null || raw === undefined) return null;
    const body = raw as Omit<ColumnStats, 'sketch' | 'grid'> & { sketch?: unknown; grid?: unknown };
    if (
      typeof body.count !== 'number' ||
      !Array.isArray(body.sum) ||
      !Array.isArray(body.sum_squares) ||
      typeof body.shift !== 'number'
    ) {
      throw new RangeError('not numeric statistics');
    }
    // A sketch stored before sketches had a centre reads with centre 0, and stays so: its values are removable.
    let sketch = emptySketch(body.shift);
    if (body.values !== null) for (const value of body.values) absorbIntoSketch(sketch, value, 1);
    else sketch = deserializeSketch(body.sketch);
    return {
      count: body.count,
      sum: body.sum,
      sum_squares: body.sum_squares,
      shift: body.shift,
      min: body.min,
      max: body.max,
      min_count: body.min_count,
      max_count: body.max_count,
      values: body.values,
      sketch,
      grid: body.grid === null || body.grid === undefined ? null : deserializeHourGrid(body.grid),
    };
  },
};
