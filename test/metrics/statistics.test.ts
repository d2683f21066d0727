// Column statistics, the quantile sketch and the newer drift measures against numpy and scipy
// (test/fixtures/metrics/generate_stats.py), and the noise floor of each drift measure against a simulation.

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NUMERIC_STATS_COMPONENT } from '../../shared/metrics/components/numeric-stats.js';
import { invertedCdfRank } from '../../shared/metrics/numeric/baseline-grid.js';
import {
  absorbIntoStats,
  type ColumnStats,
  emptyColumnStats,
  mergeColumnStats,
} from '../../shared/metrics/numeric/column-stats.js';
import { emptySketch } from '../../shared/metrics/numeric/log-sketch.js';
import { statsQuantile } from '../../shared/metrics/numeric/read-stats.js';
import { absorbEvent, emptyProfile, type HourProfile, mergeProfiles } from '../../shared/metrics/profile.js';
import { computeMetric } from '../../shared/metrics/registry.js';
import { buildMonitorSpec, type MonitorSpec } from '../../shared/metrics/spec.js';
import type { ColumnProfile, DataType } from '../../shared/schema/types.js';
import { ONE_INPUT, seededRandom, specOfBaseline } from './fixtures.js';

interface NumericCase {
  name: string;
  kind: 'numeric';
  data_type: DataType;
  deciles: number[];
  baseline: number[];
  values: number[];
  expected: Record<string, number | null>;
}
interface CategoryCase {
  name: string;
  kind: 'category';
  categories: string[];
  baseline_counts: number[];
  observed: number[];
  expected: Record<string, number | null>;
}
type Case = NumericCase | CategoryCase;

const cases = (
  JSON.parse(readFileSync(new URL('../fixtures/metrics/statistics.json', import.meta.url), 'utf8')) as {
    cases: Case[];
  }
).cases;
const numericCases = cases.filter((c): c is NumericCase => c.kind === 'numeric');
const categoryCases = cases.filter((c): c is CategoryCase => c.kind === 'category');

function numericSpec(fixture: NumericCase): MonitorSpec {
  return specOfBaseline(fixture.baseline, fixture.data_type, fixture.deciles);
}

function categorySpec(fixture: CategoryCase): MonitorSpec {
  const column: ColumnProfile = {
    name: 'x',
    data_type: 'category',
    nullable: false,
    min: null,
    max: null,
    categories: fixture.categories,
    value_count: fixture.baseline_counts.reduce((a, b) => a + b, 0),
    deciles: null,
    category_counts: fixture.baseline_counts,
    bool_counts: null,
  };
  return buildMonitorSpec(ONE_INPUT, { dataset_id: 'baseline', row_count: 1, columns: [column] }, null, {});
}

function profileOfValues(spec: MonitorSpec, values: readonly unknown[]): HourProfile {
  const profile = emptyProfile(spec);
  for (const x of values) absorbEvent(profile, spec, { x }, 1);
  return profile;
}

const metric = (id: string, profile: HourProfile, spec: MonitorSpec) => computeMetric(id, profile, spec, 'x');
const EXACT_STATISTICS = ['mean', 'std', 'sum', 'min', 'max'];
const QUANTILES = ['median', 'p05', 'p25', 'p75', 'p95'];

describe.each(numericCases)('the statistics of a numeric column: $name', (fixture) => {
  const spec = numericSpec(fixture);
  const profile = profileOfValues(spec, fixture.values);

  it.each(EXACT_STATISTICS)('computes %s as numpy does', (id) => {
    const expected = fixture.expected[id] as number;
    const { value, count } = metric(id, profile, spec);

    expect(count).toBe(fixture.values.length);
    expect(Math.abs((value as number) - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected) + 1e-12);
  });

  it.each(QUANTILES)(
    'computes %s as numpy (inverted_cdf), exactly up to 100 values, else within 1%',
    (id) => {
      const expected = fixture.expected[id] as number;
      const tolerance = fixture.values.length <= 100 ? 0 : 0.01 * Math.abs(expected);
      expect(Math.abs((metric(id, profile, spec).value as number) - expected)).toBeLessThanOrEqual(tolerance);
    },
  );

  it('computes ks_statistic within 0.01 of scipy ks_2samp', () => {
    const value = metric('ks_statistic', profile, spec).value as number;
    expect(Math.abs(value - (fixture.expected.ks_statistic as number))).toBeLessThanOrEqual(0.01);
  });

  // The documented bound (docs/metrics.md): 2%, or 0.003 baseline standard deviations when the distance is small,
  // from the baseline being known only on its percentile grid (at most 0.0018 here, on the heavy-tailed column).
  it('computes wasserstein within 2% (or 0.003 std) of scipy wasserstein_distance over the baseline std', () => {
    const expected = fixture.expected.wasserstein as number;
    const value = metric('wasserstein', profile, spec).value as number;
    expect(Math.abs(value - expected)).toBeLessThanOrEqual(Math.max(0.02 * expected, 0.003));
  });

  it('computes hellinger on the drift bins exactly', () => {
    const expected = fixture.expected.hellinger as number;
    expect(Math.abs((metric('hellinger', profile, spec).value as number) - expected)).toBeLessThanOrEqual(
      1e-12,
    );
  });

  it('merges hours into exactly the profile of the whole bin', () => {
    const hours = [0, 1, 2].map((h) =>
      profileOfValues(
        spec,
        fixture.values.filter((_, i) => i % 3 === h),
      ),
    );
    const merged = hours.reduce(mergeProfiles);

    expect(merged).toEqual(profile);
    for (const id of [...EXACT_STATISTICS, ...QUANTILES, 'ks_statistic', 'wasserstein'])
      expect(metric(id, merged, spec)).toEqual(metric(id, profile, spec));
  });
});

describe.each(categoryCases)('the drift of a category column: $name', (fixture) => {
  const spec = categorySpec(fixture);
  const labels = [...fixture.categories, 'never seen'];
  const profile = profileOfValues(
    spec,
    fixture.observed.flatMap((count, index) => Array.from({ length: count }, () => labels[index])),
  );

  it.each(['chi_squared_p_value', 'hellinger'])('computes %s as scipy does', (id) => {
    const expected = fixture.expected[id] as number;
    const value = metric(id, profile, spec).value as number;
    expect(Math.abs(value - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected) + 1e-13);
  });
});

describe('an empty bin', () => {
  it.each([...EXACT_STATISTICS, ...QUANTILES, 'ks_statistic', 'wasserstein'])('reads %s as null', (id) => {
    const spec = numericSpec(numericCases[0] as NumericCase);
    expect(metric(id, emptyProfile(spec), spec)).toEqual({ value: null, count: 0 });
  });
});

describe('the quantile sketch', () => {
  it('keeps every quantile within 0.5% of the exact one past 100 values', () => {
    const bounded101 = fc.array(
      fc.oneof(
        fc.constant(0),
        fc.double({ min: 1e-2, max: 1e6, noNaN: true }),
        fc.double({ min: -1e6, max: -1e-2, noNaN: true }),
      ),
      { minLength: 101, maxLength: 600 },
    );
    fc.assert(
      fc.property(bounded101, fc.double({ min: 0, max: 1, noNaN: true }), (sample, q) => {
        const stats = emptyColumnStats(null);
        for (const value of sample) absorbIntoStats(stats, null, value, 1);
        const sorted = [...sample].map((v) => v + 0).sort((a, b) => a - b);
        const exact = sorted[invertedCdfRank(sorted.length, q)] as number;
        const estimate = statsQuantile(stats, q) as number;
        expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(0.005 * Math.abs(exact) * (1 + 1e-9));
      }),
      { numRuns: 200 },
    );
  });

  // Magnitudes within the 2,048 buckets' 9 decades: beyond them the lowest buckets collapse, which no removal undoes.
  const bounded = fc.array(
    fc.oneof(
      fc.constant(0),
      fc.double({ min: 1e-2, max: 1e6, noNaN: true }),
      fc.double({ min: -1e6, max: -1e-2, noNaN: true }),
    ),
    { minLength: 1, maxLength: 300 },
  );

  it('is restored exactly when values are taken back out', () => {
    fc.assert(
      fc.property(bounded, bounded, (kept, removed) => {
        const once = emptyColumnStats(null);
        for (const value of kept) absorbIntoStats(once, null, value, 1);
        const twice = emptyColumnStats(null);
        for (const value of [...kept, ...removed]) absorbIntoStats(twice, null, value, 1);
        for (const value of removed) absorbIntoStats(twice, null, value, -1);

        expect(twice.sketch).toEqual(once.sketch);
        expect([twice.count, twice.sum, twice.sum_squares]).toEqual([once.count, once.sum, once.sum_squares]);
      }),
      // A value in (0.99, 1) has bucket index -0 by Math.ceil: the sketch must not keep that sign.
      {
        numRuns: 100,
        examples: [
          [
            [-0.9900497512437814, 0.01],
            [-0.01, 0],
          ],
        ],
      },
    );
  });
});

describe('a sketch with a centre', () => {
  /**
   * Values around a centre, around 0 and between them: every region of the sketch, both signs. Distances of at
   * least 1e-3 keep each store within its 2,048 buckets (beyond them the lowest collapse, which no removal undoes).
   */
  const away = (limit: number) =>
    fc.double({ min: -limit, max: limit, noNaN: true }).filter((d) => d === 0 || Math.abs(d) >= 1e-3);
  const centreAndValues = fc
    .oneof(
      fc.constant(0),
      away(1e4).filter((c) => Math.abs(c) >= 1e-2),
    )
    .chain((centre) =>
      fc.tuple(
        fc.constant(centre + 0),
        fc.array(
          fc
            .oneof(
              fc.constant(0),
              fc.constant(centre),
              away(3).map((d) => centre + d),
              away(1).map((d) => centre * d),
              away(1e5),
            )
            .filter(
              (x) => (x === 0 || Math.abs(x) >= 1e-3) && (x === centre || Math.abs(x - centre) >= 1e-3),
            ),
          { minLength: 101, maxLength: 500 },
        ),
      ),
    );

  it('keeps every quantile within 0.5% of the exact one past 100 values, near the centre and near 0 alike', () => {
    fc.assert(
      fc.property(centreAndValues, fc.double({ min: 0, max: 1, noNaN: true }), ([centre, sample], q) => {
        const stats = emptyColumnStats(null, centre);
        for (const value of sample) absorbIntoStats(stats, null, value, 1);
        const sorted = [...sample].map((v) => v + 0).sort((a, b) => a - b);
        const exact = sorted[invertedCdfRank(sorted.length, q)] as number;
        const estimate = statsQuantile(stats, q) as number;
        expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(0.005 * Math.abs(exact) * (1 + 1e-9));
      }),
      { numRuns: 300 },
    );
  });

  it('is restored exactly when values are taken back out, and merges as it absorbs', () => {
    fc.assert(
      fc.property(centreAndValues, fc.nat(), ([centre, sample], cut) => {
        const split = cut % sample.length;
        const whole = emptyColumnStats(null, centre);
        for (const value of sample) absorbIntoStats(whole, null, value, 1);
        const [first, second] = [emptyColumnStats(null, centre), emptyColumnStats(null, centre)];
        sample.forEach((value, i) => {
          absorbIntoStats(i < split ? first : second, null, value, 1);
        });
        expect(mergeColumnStats(first, second).sketch).toEqual(whole.sketch);
        for (const value of sample.slice(split)) absorbIntoStats(whole, null, value, -1);
        expect(whole.sketch).toEqual(first.sketch);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps quantiles within 0.5% when a sketch stored without a centre merges with a centred one', () => {
    fc.assert(
      fc.property(centreAndValues, ([centre, values]) => {
        const [older, newer] = [values.filter((_, i) => i % 2 === 0), values.filter((_, i) => i % 2 === 1)];
        // An hour stored before sketches had a centre reads with centre 0 whatever its baseline mean.
        const legacy = emptyColumnStats(null, centre);
        legacy.sketch = emptySketch(0);
        for (const value of older) absorbIntoStats(legacy, null, value, 1);
        const centred = emptyColumnStats(null, centre);
        for (const value of newer) absorbIntoStats(centred, null, value, 1);
        const merged = mergeColumnStats(legacy, centred);
        const sorted = [...older, ...newer].map((v) => v + 0).sort((a, b) => a - b);
        for (const q of [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1]) {
          const exact = sorted[invertedCdfRank(sorted.length, q)] as number;
          const estimate = statsQuantile(merged, q) as number;
          expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(0.005 * Math.abs(exact) * (1 + 1e-9));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('reads a sketch and a grid stored before centres and encoded runs existed', () => {
    // Format 2 as first written: no centre, each count a zigzag varint ([1, 2] is bytes 2, 4), grid cells as
    // [cell, count, positions] triples.
    const stored = {
      count: 103,
      sum: [1],
      sum_squares: [1],
      shift: 50,
      min: -2,
      max: 60,
      min_count: 1,
      max_count: 1,
      values: null,
      sketch: { zero: 100, positive: [5, Buffer.from([2, 4]).toString('base64')], negative: [] },
      grid: { size: 4, cells: [0, 1, 0, 1, 2, 30000], below_sum: [-2], above_sum: [] },
    };
    const stats = NUMERIC_STATS_COMPONENT.deserialize(stored) as ColumnStats;

    expect(stats.sketch).toEqual({ ...emptySketch(0), zero: 100, positive: { offset: 5, counts: [1, 2] } });
    expect(stats.grid?.counts).toEqual([1, 2, 0, 0]);
    expect(stats.grid?.positions).toEqual([30000, 0]);
    expect(NUMERIC_STATS_COMPONENT.deserialize(NUMERIC_STATS_COMPONENT.serialize(stats))).toEqual(stats);
  });
});

describe('the noise of each drift measure', () => {
  /** Mean of the metric over many bins of n values drawn from the baseline itself. */
  function simulated(spec: MonitorSpec, id: string, draw: () => unknown, n: number, runs = 300): number {
    let total = 0;
    for (let run = 0; run < runs; run++) {
      const bin = Array.from({ length: n }, draw);
      total += metric(id, profileOfValues(spec, bin), spec).value as number;
    }
    return total / runs;
  }

  const numeric = numericCases[0] as NumericCase;
  const numericSpecOf = numericSpec(numeric);
  const categories = categoryCases[0] as CategoryCase;
  const categorySpecOf = categorySpec(categories);
  const pool = categories.baseline_counts.flatMap((count, i) =>
    Array.from({ length: count }, () => categories.categories[i]),
  );

  it.each([
    { id: 'jsd', n: 30 },
    { id: 'jsd', n: 400 },
    { id: 'psi', n: 400 },
    { id: 'hellinger', n: 60 },
    { id: 'hellinger', n: 800 },
    { id: 'ks_statistic', n: 20 },
    { id: 'ks_statistic', n: 500 },
    { id: 'wasserstein', n: 10 },
    { id: 'wasserstein', n: 300 },
  ])('matches a simulation for $id of a numeric column at n = $n', ({ id, n }) => {
    const random = seededRandom(n + id.length);
    const draw = () => numeric.baseline[Math.floor(random() * numeric.baseline.length)];
    const noise = metric(
      id,
      profileOfValues(numericSpecOf, Array.from({ length: n }, draw)),
      numericSpecOf,
    ).noise;

    expect(Math.abs((noise as number) - simulated(numericSpecOf, id, draw, n))).toBeLessThanOrEqual(
      0.1 * (noise as number),
    );
  });

  it.each([
    { id: 'chi_squared_p_value', n: 15 },
    { id: 'chi_squared_p_value', n: 500 },
    { id: 'hellinger', n: 40 },
  ])('matches a simulation for $id of a category column at n = $n', ({ id, n }) => {
    const random = seededRandom(n + 7);
    const draw = () => pool[Math.floor(random() * pool.length)];
    const noise = metric(
      id,
      profileOfValues(categorySpecOf, Array.from({ length: n }, draw)),
      categorySpecOf,
    ).noise;

    expect(Math.abs((noise as number) - simulated(categorySpecOf, id, draw, n))).toBeLessThanOrEqual(
      0.1 * (noise as number),
    );
  });
});
