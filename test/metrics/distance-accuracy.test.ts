// The accuracy of `wasserstein` and `ks_statistic` by drift size (0 to 2 std) and by how far the column sits from
// 0 (means 0, 100 and 1e4, std 1), against the dataset baseline, a production window, and a window and bins 5 std
// past the dataset baseline (beyond its grid, where only the centred sketches tell values apart). Expected values:
// scipy on the same float64 numbers (test/fixtures/metrics/generate_baselines.py, `accuracy`). The table these
// errors make is in docs/metrics.md (bench/distance-accuracy.ts prints it).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeMetric } from '../../shared/metrics/registry.js';
import { profileOfValues, specOfBaseline } from './fixtures.js';

interface Expected {
  ks: number;
  wasserstein: number;
}
interface Row {
  offset: number;
  drift: number;
  bin: 'bin_1000' | 'bin_50';
  dataset: Expected;
  window: Expected;
  far_window: Expected;
}

const accuracy = (
  JSON.parse(readFileSync(new URL('../fixtures/metrics/baselines.json', import.meta.url), 'utf8')) as {
    accuracy: {
      z: Record<'baseline' | 'window' | 'bin_1000' | 'bin_50', number[]>;
      offsets: number[];
      far: number;
      expected: Row[];
    };
  }
).accuracy;

const measures = ['dataset', 'window', 'far_window'] as const;
const cases = accuracy.offsets.flatMap((offset) => measures.map((measure) => [measure, offset] as const));

describe.each(cases)('against the %s baseline, for a column of mean %d and std 1', (measure, offset) => {
  const spec = specOfBaseline(accuracy.z.baseline.map((z) => offset + z));
  const far = measure === 'far_window' ? accuracy.far : 0;
  const window = profileOfValues(
    spec,
    accuracy.z.window.map((z) => (far > 0 ? offset + (z + far) : offset + z)),
  ).columns[0]?.numeric;
  const rows = accuracy.expected.filter((row) => row.offset === offset);

  it.each(rows)(
    'is within 2% (0.001 std below 0.05) and 0.01 of scipy for $bin shifted by $drift std',
    (row) => {
      const values = accuracy.z[row.bin].map((z) => offset + (z + (far + row.drift)));
      const profile = profileOfValues(spec, values);
      const against = measure === 'dataset' ? undefined : window;
      const expected = row[measure];

      const wasserstein = computeMetric('wasserstein', profile, spec, 'x', against).value as number;
      const ks = computeMetric('ks_statistic', profile, spec, 'x', against).value as number;

      expect(Math.abs(wasserstein - expected.wasserstein)).toBeLessThanOrEqual(
        Math.max(0.02 * expected.wasserstein, 0.001),
      );
      expect(Math.abs(ks - expected.ks)).toBeLessThanOrEqual(0.01);
    },
  );
});
