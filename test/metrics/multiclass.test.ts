// Multiclass metrics against numpy (generate.py): arg-max predictions, clipped log loss, macro averages.

import { describe, expect, it } from 'vitest';
import type { MulticlassTally } from '../../shared/metrics/performance/multiclass-tally.js';
import { computeMetric } from '../../shared/metrics/registry.js';
import { expectClose, loadFixture, profileOf, specOf } from './fixtures.js';

describe.each(loadFixture<{ confusion: number[][] }>('multiclass'))(
  'multiclass metrics: $name',
  (fixture) => {
    const spec = specOf(fixture);
    const profile = profileOf(spec, fixture.events);

    it('builds the confusion matrix in target_class_order, the first class winning ties', () => {
      expect((profile.performance as MulticlassTally).confusion).toEqual(fixture.expected.confusion);
    });

    it.each(fixture.expected.metrics)('computes $metric as numpy does', (expected) => {
      const result = computeMetric(expected.metric, profile, spec);

      expectClose(result.value, expected.value);
      expect(result.count).toBe(expected.count);
    });
  },
);
