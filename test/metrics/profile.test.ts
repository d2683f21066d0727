// The hour profile's algebra: merging hours, taking events back out, late labels, serialisation and stored size.

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  absorbEvent,
  deserializeProfile,
  emptyProfile,
  type HourProfile,
  mergeProfiles,
  serializeProfile,
} from '../../shared/metrics/profile.js';
import { computeMetric, METRIC_IDS, metricDefinition } from '../../shared/metrics/registry.js';
import { buildMonitorSpec, type MonitorSpec } from '../../shared/metrics/spec.js';
import type { ColumnProfile, ModelInfo } from '../../shared/schema/types.js';
import {
  expectClose,
  type FixtureCase,
  finalImages,
  loadFixture,
  profileOf,
  seededRandom,
  specOf,
} from './fixtures.js';

function firstCase(
  name: 'drift' | 'integrity' | 'binary' | 'multiclass' | 'regression',
  index = 0,
): FixtureCase {
  const fixture = loadFixture(name)[index];
  if (!fixture) throw new Error(`no case ${index} in the ${name} fixture`);
  return fixture;
}

const families = [
  { family: 'binary', fixture: firstCase('binary') },
  { family: 'multiclass', fixture: firstCase('multiclass') },
  { family: 'regression', fixture: firstCase('regression') },
  { family: 'integrity', fixture: firstCase('integrity') },
  { family: 'category drift', fixture: firstCase('drift', 4) },
];

/** Every metric the spec's model has, on every column it is allowed for. */
function allMetrics(profile: HourProfile, spec: MonitorSpec) {
  return METRIC_IDS.filter((id) => metricDefinition(id).tasks.includes(spec.task)).flatMap((id) => {
    const definition = metricDefinition(id);
    const columns = definition.perColumn ? definition.columnsAllowed(spec) : [undefined];
    return columns.map((column) => ({ id, column, ...computeMetric(id, profile, spec, column) }));
  });
}

describe.each(families)('the $family hour profile', ({ fixture }) => {
  const spec = specOf(fixture);
  const everything = profileOf(spec, fixture.events);
  const hours = [0, 1, 2].map((hour) => fixture.events.filter((_, index) => index % 3 === hour));

  it('merges hours into exactly what absorbing every event into one profile gives', () => {
    const merged = hours.map((events) => profileOf(spec, events)).reduce(mergeProfiles);

    expect(merged).toEqual(everything);
  });

  it('merges in any order', () => {
    const [a, b, c] = hours.map((events) => profileOf(spec, events)) as [
      HourProfile,
      HourProfile,
      HourProfile,
    ];

    expect(mergeProfiles(a, mergeProfiles(b, c))).toEqual(mergeProfiles(mergeProfiles(c, a), b));
  });

  it('does not change the profiles it merges', () => {
    const a = profileOf(spec, hours[0] ?? []);
    const before = structuredClone(a);

    mergeProfiles(a, profileOf(spec, hours[1] ?? []));

    expect(a).toEqual(before);
  });

  it.each([0, 7, fixture.events.length - 1])(
    'is left as if never absorbed when event %i is absorbed then taken back out',
    (index) => {
      const profile = profileOf(spec, fixture.events);

      absorbEvent(profile, spec, fixture.events[index] ?? {}, -1);

      expect(profile).toEqual(profileOf(spec, fixture.events.toSpliced(index, 1)));
    },
  );

  it('is exactly empty again once every event is taken back out', () => {
    const profile = profileOf(spec, fixture.events);

    for (const event of [...fixture.events].reverse()) absorbEvent(profile, spec, event, -1);

    expect(profile).toEqual(emptyProfile(spec));
  });

  it('survives serialisation unchanged, metrics included', () => {
    const restored = deserializeProfile(serializeProfile(everything));

    expect(restored).toEqual(everything);
    expect(allMetrics(restored, spec)).toEqual(allMetrics(everything, spec));
  });
});

describe('late labels', () => {
  const fixture = firstCase('binary', 5);
  const spec = specOf(fixture);

  function relabelled(): HourProfile {
    const profile = profileOf(spec, fixture.events);
    for (const update of fixture.updates ?? []) {
      const oldImage = fixture.events[update.index] ?? {};
      absorbEvent(profile, spec, oldImage, -1);
      absorbEvent(profile, spec, { ...oldImage, label: update.label }, 1);
    }
    return profile;
  }

  it('taking out the old image and adding the new one gives the profile of the final labels', () => {
    expect(relabelled()).toEqual(profileOf(spec, finalImages(fixture, 'label')));
  });

  it.each(fixture.expected.metrics.filter((expected) => expected.metric !== 'auc'))(
    'gives $metric as numpy computes it from the final labels',
    (expected) => {
      const result = computeMetric(expected.metric, relabelled(), spec);

      expectClose(result.value, expected.value);
      expect(result.count).toBe(expected.count);
    },
  );
});

describe('deserializeProfile', () => {
  it('refuses text that is not a profile of the current format', () => {
    expect(() => deserializeProfile('{"format":99,"traffic":1}')).toThrow(RangeError);
  });
});

describe('the stored size of a profile', () => {
  it('stays under the 400 KB item limit, and well under it as stored (gzip), for 50 columns and a busy binary model', () => {
    const random = seededRandom(42);
    const inputNames = Array.from({ length: 48 }, (_, index) => `feature_${index}`);
    const baseline = Float64Array.from({ length: 1000 }, () => random() * 100).sort();
    const numeric = (name: string): ColumnProfile => ({
      name,
      data_type: 'float',
      nullable: false,
      min: baseline[0] as number,
      max: baseline.at(-1) as number,
      categories: null,
      value_count: baseline.length,
      deciles: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((decile) => baseline[decile * 100] as number),
      category_counts: null,
      bool_counts: null,
    });
    const model: ModelInfo = {
      project_id: 'p1',
      model_id: 'busy',
      dataset_id: 'baseline',
      task: 'binary_classification',
      inputs: [...inputNames, 'plan'],
      outputs: ['score'],
      targets: ['label'],
      decisions: [],
      metadata: [],
      binary_classification_threshold: 0.5,
      target_class_order: [0, 1],
      retention_days: 180,
      created_at: 0,
    };
    const categories = Array.from({ length: 100 }, (_, index) => `category ${index}`);
    const columns: ColumnProfile[] = [
      ...[...inputNames, 'score', 'label'].map(numeric),
      { ...numeric('plan'), data_type: 'category', categories, category_counts: categories.map(() => 10) },
    ];
    const sortedValues = Object.fromEntries([...inputNames, 'score'].map((name) => [name, baseline]));
    const spec = buildMonitorSpec(
      model,
      { dataset_id: 'baseline', row_count: 1000, columns },
      null,
      sortedValues,
    );
    const profile = emptyProfile(spec);

    // Scores spread over every histogram cell, tails included: the largest the histograms get.
    for (let index = 0; index < 100_000; index++) {
      const draw = random();
      const tail = 10 ** (-15 * random());
      const score = draw < 0.2 ? tail : draw < 0.4 ? 1 - tail : random();
      const event: Record<string, unknown> = {
        label: random() < 0.5 ? 1 : 0,
        score,
        plan: `category ${index % 120}`,
      };
      for (const name of inputNames) event[name] = random() * 120 - 10;
      absorbEvent(profile, spec, event, 1);
    }

    // Quantile sketches of 49 numeric columns spread over 7 decades either side of 0 are the bulk of it.
    const text = serializeProfile(profile);
    expect(text.length).toBeLessThan(400_000);
    expect(gzipSync(text).length).toBeLessThan(200_000);
  });
});
