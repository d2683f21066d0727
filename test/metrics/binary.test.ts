// Binary-classification metrics against numpy (generate.py), including ROC AUC computed exactly pair by pair.

import { describe, expect, it } from 'vitest';
import { computeMetric } from '../../shared/metrics/registry.js';
import { expectClose, finalImages, loadFixture, profileOf, specOf } from './fixtures.js';

/** The contract's bound for AUC from score histograms; every other metric is exact up to rounding. */
const AUC_TOLERANCE = 0.005;

describe.each(loadFixture('binary'))('binary metrics: $name', (fixture) => {
  const spec = specOf(fixture);
  const profile = profileOf(spec, finalImages(fixture, 'label'));

  it.each(fixture.expected.metrics)('computes $metric as numpy does', (expected) => {
    const result = computeMetric(expected.metric, profile, spec);

    if (expected.metric === 'auc' && expected.value !== null) {
      expect(result.value).not.toBeNull();
      expect(Math.abs((result.value as number) - expected.value)).toBeLessThanOrEqual(AUC_TOLERANCE);
    } else {
      expectClose(result.value, expected.value);
    }
    expect(result.count).toBe(expected.count);
  });
});
