// KS and Wasserstein against production baselines (contract section 10): a window's merged hours, or the n hours
// before each hour, compared with the hour's values, against scipy over the raw rows of both
// (test/fixtures/metrics/generate_baselines.py).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ColumnStats, RAW_LIMIT } from '../../shared/metrics/numeric/column-stats.js';
import { type HourProfile, mergeProfiles } from '../../shared/metrics/profile.js';
import { computeMetric } from '../../shared/metrics/registry.js';
import { slidingMerges } from '../../shared/queries/baselines.js';
import type { DataType } from '../../shared/schema/types.js';
import { profileOfValues, seededRandom, specOfBaseline } from './fixtures.js';

interface Expected {
  ks: number | null;
  wasserstein: number | null;
  baseline_count: number;
  count: number;
}

interface Case {
  name: string;
  data_type: DataType;
  baseline: number[];
  hours: number[][];
  window: [number, number];
  previous: number;
  expected: { window: Expected[]; previous: Expected[] };
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/metrics/baselines.json', import.meta.url), 'utf8'),
) as { cases: Case[] };

/**
 * The documented bounds (docs/metrics.md): exact when both sides keep their raw values; else KS within 0.01 and
 * Wasserstein within 2%, or 0.001 baseline standard deviations where the distance is below 0.05.
 */
function expectWithinBounds(
  id: 'ks_statistic' | 'wasserstein',
  value: number | null,
  expected: Expected,
  context: string,
): void {
  const want = id === 'ks_statistic' ? expected.ks : expected.wasserstein;
  if (want === null) {
    expect(value, context).toBeNull();
    return;
  }
  expect(value, context).not.toBeNull();
  const exact = expected.count <= RAW_LIMIT && expected.baseline_count <= RAW_LIMIT;
  const bound = exact
    ? 1e-9 * Math.max(1, want)
    : id === 'ks_statistic'
      ? 0.01
      : Math.max(0.02 * want, 0.001);
  expect(Math.abs((value as number) - want), `${context}: ${value} vs ${want}`).toBeLessThanOrEqual(bound);
}

describe.each(fixture.cases)('against a production baseline: $name', (fixture) => {
  const spec = specOfBaseline(fixture.baseline, fixture.data_type);
  const hours = fixture.hours.map((values) => profileOfValues(spec, values));
  const statsOf = (profiles: HourProfile[]): ColumnStats | null =>
    profiles.length === 0 ? null : (profiles.reduce(mergeProfiles).columns[0]?.numeric ?? null);
  const window = statsOf(hours.slice(...fixture.window));

  it.each(['ks_statistic', 'wasserstein'] as const)(
    'computes %s of each hour against the merged window as scipy does over the raw rows',
    (id) => {
      hours.forEach((hour, h) => {
        const { value } = computeMetric(id, hour, spec, 'x', window);
        expectWithinBounds(id, value, fixture.expected.window[h] as Expected, `hour ${h}`);
      });
    },
  );

  it.each(['ks_statistic', 'wasserstein'] as const)(
    'computes %s of each hour against the hours before it as scipy does, null for the first',
    (id) => {
      const before = slidingMerges(
        [...Array.from({ length: fixture.previous }, () => undefined), ...hours.slice(0, -1)],
        fixture.previous,
        (a: HourProfile | undefined, b: HourProfile | undefined) =>
          a === undefined ? b : b === undefined ? a : mergeProfiles(a, b),
      );
      hours.forEach((hour, h) => {
        const { value } = computeMetric(id, hour, spec, 'x', before[h]?.columns[0]?.numeric ?? null);
        expectWithinBounds(id, value, fixture.expected.previous[h] as Expected, `hour ${h}`);
      });
    },
  );

  it('carries the noise of as many values as the hour holds, drawn from the window itself', () => {
    hours.forEach((hour) => {
      const { noise } = computeMetric('ks_statistic', hour, spec, 'x', window);
      expect(noise).toBe(computeMetric('ks_statistic', hour, spec, 'x').noise);
    });
  });
});

describe('the noise of wasserstein against a window', () => {
  const busy = fixture.cases.find((c) => c.name.startsWith('busy hours')) as Case;
  const spec = specOfBaseline(busy.baseline);
  const rows = busy.hours.slice(...busy.window).flat();
  const window = profileOfValues(spec, rows).columns[0]?.numeric ?? null;

  it.each([30, 300])('matches a simulation of %i values drawn from the window itself', (n) => {
    const random = seededRandom(n);
    const draw = () => Array.from({ length: n }, () => rows[Math.floor(random() * rows.length)] as number);
    let total = 0;
    const runs = 200;
    for (let run = 0; run < runs; run++)
      total += computeMetric('wasserstein', profileOfValues(spec, draw()), spec, 'x', window).value as number;
    const { noise } = computeMetric('wasserstein', profileOfValues(spec, draw()), spec, 'x', window);

    expect(Math.abs((noise as number) - total / runs)).toBeLessThanOrEqual(0.1 * (noise as number));
  });
});

describe('a rolling merge', () => {
  it('merges each window of consecutive items once per window, oldest first', () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(slidingMerges(items, 3, (x, y) => x + y)).toEqual(['abc', 'bcd', 'cde', 'def']);
    expect(slidingMerges(items, 1, (x, y) => x + y)).toEqual(items);
    expect(slidingMerges(items, 6, (x, y) => x + y)).toEqual(['abcdef']);
  });
});
