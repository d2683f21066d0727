// Loads the numpy/scipy fixtures (test/fixtures/metrics, written by generate.py) and turns a fixture case into a
// spec and profile, so each test states only the behaviour it checks.

import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { absorbBatch, absorbEvent, emptyProfile, type HourProfile } from '../../shared/metrics/profile.js';
import { buildMonitorSpec, type MonitorSpec } from '../../shared/metrics/spec.js';
import type { DatasetProfile, DataType, ModelInfo, MonitoringConfig } from '../../shared/schema/types.js';

export interface ExpectedMetric {
  metric: string;
  column: string | null;
  value: number | null;
  count: number;
}

export interface FixtureCase<Extra = object> {
  name: string;
  model: ModelInfo;
  dataset_profile: DatasetProfile;
  baseline_values: Record<string, number[]>;
  config: MonitoringConfig | null;
  events: Array<Record<string, unknown>>;
  expected: { metrics: ExpectedMetric[] } & Extra;
  /** Late labels (binary fixture): the event at `index` gets target `label` (null clears it). */
  updates?: Array<{ index: number; label: unknown }>;
}

export interface DriftExpectations {
  edges: number[] | null;
  baseline_counts: number[];
  production_counts: number[];
}

export function loadFixture<Extra = object>(
  name: 'drift' | 'integrity' | 'binary' | 'multiclass' | 'regression',
): FixtureCase<Extra>[] {
  const url = new URL(`../fixtures/metrics/${name}.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: FixtureCase<Extra>[] }).cases;
}

export function specOf(fixture: FixtureCase): MonitorSpec {
  const sortedValues = Object.fromEntries(
    Object.entries(fixture.baseline_values).map(([column, values]) => [
      column,
      Float64Array.from(values).sort(),
    ]),
  );
  return buildMonitorSpec(fixture.model, fixture.dataset_profile, fixture.config, sortedValues);
}

export function profileOf(spec: MonitorSpec, events: Array<Record<string, unknown>>): HourProfile {
  const profile = emptyProfile(spec);
  for (const event of events) absorbEvent(profile, spec, event, 1);
  return profile;
}

/** Null must be null; otherwise within `relative` of the expected value (with a floor for values near 0). */
export function expectClose(actual: number | null, expected: number | null, relative = 1e-9): void {
  if (expected === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(relative * Math.abs(expected) + 1e-15);
}

/** The events with the fixture's late labels applied, as the final images a direct computation sees. */
export function finalImages(fixture: FixtureCase, target: string): Array<Record<string, unknown>> {
  const images = fixture.events.map((event) => ({ ...event }));
  for (const update of fixture.updates ?? [])
    (images[update.index] as Record<string, unknown>)[target] = update.label;
  return images;
}

/** A model of one float input `x`, no task: what the column-level metric tests need. */
export const ONE_INPUT: ModelInfo = {
  project_id: 'p1',
  model_id: 'drift',
  dataset_id: 'baseline',
  task: 'not_set',
  inputs: ['x'],
  outputs: [],
  targets: [],
  decisions: [],
  metadata: [],
  binary_classification_threshold: 0.5,
  target_class_order: [],
  retention_days: 180,
  created_at: 0,
};

/**
 * The spec of a model whose one input has the given baseline: its grid and its sketches' centre. Its drift bins
 * are the baseline's deciles, or `deciles` when given (a fixture's own, as the generator computed them).
 */
export function specOfBaseline(
  values: readonly number[],
  dataType: DataType = 'float',
  deciles?: number[],
): MonitorSpec {
  const sorted = Float64Array.from(values).sort();
  const edges =
    deciles ?? [1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => sorted[Math.floor((d * sorted.length) / 10)] as number);
  const column = {
    name: 'x',
    data_type: dataType,
    nullable: false,
    min: sorted[0] as number,
    max: sorted.at(-1) as number,
    categories: null,
    value_count: sorted.length,
    deciles: edges,
    category_counts: null,
    bool_counts: null,
  };
  return buildMonitorSpec(
    ONE_INPUT,
    { dataset_id: 'baseline', row_count: sorted.length, columns: [column] },
    null,
    {
      x: sorted,
    },
  );
}

/** The profile of an hour of values of the one input (specOfBaseline's `x`), folded as one batch. */
export function profileOfValues(spec: MonitorSpec, values: readonly number[]): HourProfile {
  const profile = emptyProfile(spec);
  absorbBatch(
    profile,
    spec,
    values.map((x) => ({ x })),
    1,
  );
  return profile;
}

/** A seeded PRNG for tests that need many values but no expected numbers from them. */
export { seededRandom } from '../../shared/metrics/seeded-random.js';
