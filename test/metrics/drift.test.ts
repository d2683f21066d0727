// Drift bins and the jsd and psi metrics, against values computed with numpy and scipy (generate.py).

import { describe, expect, it } from 'vitest';
import { jensenShannonDistance, populationStabilityIndex } from '../../shared/metrics/drift.js';
import { computeMetric } from '../../shared/metrics/registry.js';
import { type DriftExpectations, expectClose, loadFixture, profileOf, specOf } from './fixtures.js';

const cases = loadFixture<DriftExpectations>('drift');

describe.each(cases)('drift of a column: $name', (fixture) => {
  const spec = specOf(fixture);
  const profile = profileOf(spec, fixture.events);
  const column = spec.columns[0];

  it('uses the expected cut points', () => {
    const edges = column?.drift?.layout === 'numeric' ? column.drift.edges : null;

    expect(edges).toEqual(fixture.expected.edges);
  });

  it('counts the baseline into the expected bins', () => {
    expect(column?.drift?.baseline_counts).toEqual(fixture.expected.baseline_counts);
  });

  it('counts the bin values into the expected bins, leaving out missing and wrongly typed ones', () => {
    expect(profile.columns[0]?.drift_counts).toEqual(fixture.expected.production_counts);
  });

  it.each(fixture.expected.metrics)('computes $metric as scipy and numpy do', (expected) => {
    const result = computeMetric(expected.metric, profile, spec, expected.column ?? undefined);

    expectClose(result.value, expected.value);
    expect(result.count).toBe(expected.count);
  });
});

describe('jensenShannonDistance', () => {
  it.each([
    { case: 'identical proportions', baseline: [1, 2, 3], observed: [2, 4, 6], expected: 0 },
    { case: 'disjoint supports', baseline: [5, 0], observed: [0, 7], expected: 1 },
    // (1/2)KL([1,0] || [3/4,1/4]) + (1/2)KL([1/2,1/2] || [3/4,1/4]) in bits, worked by hand: sqrt(1.5 - 0.75 log2 3).
    {
      case: 'half overlapping',
      baseline: [1, 0],
      observed: [1, 1],
      expected: Math.sqrt(1.5 - 0.75 * Math.log2(3)),
    },
  ])('is $expected for $case', ({ baseline, observed, expected }) => {
    expectClose(jensenShannonDistance(baseline, observed), expected, 1e-12);
  });

  it('is null when the bin has no values', () => {
    expect(jensenShannonDistance([3, 4], [0, 0])).toBeNull();
  });
});

describe('populationStabilityIndex', () => {
  it('adds one to every bin so an empty bin still contributes a finite term', () => {
    // p = [11, 1] / 12, q = [1, 11] / 12 after smoothing: 2 * (10 / 12) * ln 11.
    const psi = populationStabilityIndex([10, 0], [0, 10]);

    expectClose(psi, 2 * (10 / 12) * Math.log(11), 1e-12);
  });

  it('is null when the bin has no values', () => {
    expect(populationStabilityIndex([3, 4], [0, 0])).toBeNull();
  });
});
