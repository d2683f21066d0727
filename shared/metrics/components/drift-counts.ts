// Drift counts component: per column, the number of values in each of its drift bins (contract section 5).

import { NOT_BINNED, RANGE_FLAG } from '../column-values.js';
import type { ColumnComponent } from './types.js';

/** A batch's count per bin: scratch reused across calls (the fold is single-threaded). */
let binCounts = new Float64Array(64);

export const DRIFT_COUNTS_COMPONENT: ColumnComponent<'drift_counts'> = {
  key: 'drift_counts',
  zero: (column) => (column.drift ? column.drift.baseline_counts.map(() => 0) : null),
  absorb(tally, _column, code, _value, sign) {
    // Negative codes are missing, wrongly typed or unbinned values: left out of drift.
    const counts = tally.drift_counts;
    if (counts === null || code < 0 || code === NOT_BINNED) return;
    const bin = code & ~RANGE_FLAG;
    if (bin < counts.length) counts[bin] = (counts[bin] as number) + sign;
  },
  absorbColumn(tally, _column, batch, sign) {
    const counts = tally.drift_counts;
    if (counts === null) return;
    const bins = counts.length;
    if (binCounts.length < bins) binCounts = new Float64Array(2 * bins);
    binCounts.fill(0, 0, bins);
    const codes = batch.codes;
    for (let i = 0; i < batch.length; i++) {
      const code = codes[i] as number;
      if (code < 0) continue;
      const bin = code & ~RANGE_FLAG;
      if (bin < bins) binCounts[bin] = (binCounts[bin] as number) + 1;
    }
    for (let bin = 0; bin < bins; bin++) {
      const count = binCounts[bin] as number;
      if (count !== 0) counts[bin] = (counts[bin] as number) + sign * count;
    }
  },
  merge(a, b) {
    if (a === null || b === null) {
      if (a !== b) throw new RangeError('cannot merge drift counts of different specs');
      return null;
    }
    if (a.length !== b.length) throw new RangeError('cannot merge drift counts of different specs');
    return a.map((count, bin) => count + (b[bin] as number));
  },
  serialize: (state) => state,
  deserialize(raw) {
    if (raw === null) return null;
    if (!Array.isArray(raw) || !raw.every(Number.isFinite))
      throw new RangeError('drift counts are not numbers');
    return raw as number[];
  },
};
