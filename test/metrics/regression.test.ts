// Regression metrics against exact rational arithmetic and numpy (generate.py).

import { describe, expect, it } from 'vitest';
import { computeMetric } from '../../shared/metrics/registry.js';
import { expectClose, loadFixture, profileOf, specOf } from './fixtures.js';

describe.each(loadFixture('regression'))('regression metrics: $name', (fixture) => {
  const spec = specOf(fixture);
  const profile = profileOf(spec, fixture.events);

  it.each(fixture.expected.metrics)('computes $metric as generate.py does', (expected) => {
    const result = computeMetric(expected.metric, profile, spec);

    expectClose(result.value, expected.value);
    expect(result.count).toBe(expected.count);
  });
});

describe('regression rows that cannot be counted', () => {
  const [fixture] = loadFixture('regression');
  if (!fixture) throw new Error('regression fixture is empty');
  const spec = specOf(fixture);

  it.each([
    { case: 'a boolean target', event: { y: true, prediction: 1 } },
    { case: 'a numeric string prediction', event: { y: 1, prediction: '1' } },
    { case: 'a target too large to square safely', event: { y: 1e200, prediction: 1 } },
    { case: 'a percentage error beyond the double range', event: { y: 1e-300, prediction: 1e10 } },
  ])('leaves out $case', ({ event }) => {
    const profile = profileOf(spec, [event]);

    expect(computeMetric('data_count', profile, spec)).toEqual({ value: 0, count: 0 });
  });
});
