// Loads the numpy/scipy fixtures (test/fixtures/metrics, written by generate.py) and turns a fixture case into a
// spec and profile, so each test states only the behaviour it checks.

import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { absorbEvent, emptyProfile, type HourProfile } from '../../shared/metrics/profile.js';
import { buildMonitorSpec, type MonitorSpec } from '../../shared/metrics/spec.js';
import type { DatasetProfile, ModelInfo, MonitoringConfig } from '../../shared/schema/types.js';

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

/** A seeded PRNG for tests that need many values but no expected numbers from them. */
export { seededRandom } from '../../shared/metrics/seeded-random.js';
