// The monitoring spec: drift bins per column type, cut points, what performance needs, and the errors it raises.

import { describe, expect, it } from 'vitest';
import { cleanEdges, countPerNumericBin, numericBinIndex } from '../../shared/metrics/drift-bins.js';
import { buildMonitorSpec, MonitorSpecError } from '../../shared/metrics/spec.js';
import type { ColumnProfile, DatasetProfile, ModelInfo } from '../../shared/schema/types.js';
import { loadFixture, specOf } from './fixtures.js';

function columnProfile(
  overrides: Partial<ColumnProfile> & Pick<ColumnProfile, 'name' | 'data_type'>,
): ColumnProfile {
  return {
    nullable: false,
    min: null,
    max: null,
    categories: null,
    value_count: 0,
    deciles: null,
    category_counts: null,
    bool_counts: null,
    ...overrides,
  };
}

const dataset: DatasetProfile = {
  dataset_id: 'baseline',
  row_count: 4,
  columns: [
    columnProfile({ name: 'age', data_type: 'int', min: 1, max: 4, deciles: [1, 1, 2, 2, 2, 3, 3, 4, 4] }),
    columnProfile({
      name: 'plan',
      data_type: 'category',
      categories: ['basic', 'gold'],
      category_counts: [3, 1],
    }),
    columnProfile({ name: 'member', data_type: 'bool', bool_counts: [1, 3] }),
    columnProfile({ name: 'comment', data_type: 'str' }),
    columnProfile({ name: 'score', data_type: 'float', min: 0.1, max: 0.9, deciles: [0.1, 0.2, 0.3] }),
    columnProfile({ name: 'label', data_type: 'bool', bool_counts: [2, 2] }),
  ],
};

const model: ModelInfo = {
  project_id: 'p1',
  model_id: 'm1',
  dataset_id: 'baseline',
  task: 'binary_classification',
  inputs: ['age', 'plan', 'member', 'comment'],
  outputs: ['score'],
  targets: ['label'],
  decisions: [],
  metadata: [],
  binary_classification_threshold: 0.4,
  target_class_order: [],
  retention_days: 180,
  created_at: 0,
};

const baselineValues = { age: Float64Array.of(1, 2, 3, 4), score: Float64Array.of(0.1, 0.5, 0.9) };

describe('buildMonitorSpec', () => {
  const spec = buildMonitorSpec(model, dataset, null, baselineValues);
  const driftOf = (name: string) => spec.columns.find((column) => column.name === name)?.drift;

  it('watches inputs then outputs', () => {
    expect(spec.columns.map((column) => column.name)).toEqual(['age', 'plan', 'member', 'comment', 'score']);
  });

  it('cuts a numeric column at its deciles with repeats removed', () => {
    expect(driftOf('age')).toEqual({
      layout: 'numeric',
      edges: [1, 2, 3, 4],
      baseline_counts: [1, 1, 1, 1, 0],
    });
  });

  it('gives a category column one bin per category plus one for unseen values', () => {
    expect(driftOf('plan')).toEqual({ layout: 'category', baseline_counts: [3, 1, 0] });
  });

  it('gives a bool column a false bin and a true bin', () => {
    expect(driftOf('member')).toEqual({ layout: 'bool', baseline_counts: [1, 3] });
  });

  it('gives a str column no drift bins', () => {
    expect(driftOf('comment')).toBeNull();
  });

  it('keeps the target, threshold and the default class order of a bool target', () => {
    expect(spec).toMatchObject({ target: 'label', threshold: 0.4, target_class_order: [false, true] });
  });

  it('uses explicit edges for a column that has them, cleaned of repeats and disorder', () => {
    const config = { bins: { score: { edges: [0.5, 0.2, 0.5] } }, version: 7, updated_at: 0 };

    const withEdges = buildMonitorSpec(model, dataset, config, baselineValues);

    expect(withEdges.columns.at(-1)?.drift).toEqual({
      layout: 'numeric',
      edges: [0.2, 0.5],
      baseline_counts: [1, 1, 1],
    });
    expect(withEdges.config_version).toBe(7);
  });

  it('survives a JSON round trip unchanged, so it can be stored', () => {
    for (const fixture of [...loadFixture('binary'), ...loadFixture('drift'), ...loadFixture('integrity')]) {
      const fixtureSpec = specOf(fixture);

      expect(JSON.parse(JSON.stringify(fixtureSpec))).toEqual(fixtureSpec);
    }
  });

  it.each([
    {
      case: 'a column missing from the dataset',
      change: { inputs: ['age', 'height'] },
      values: baselineValues,
    },
    { case: 'no baseline values for a numeric column', change: {}, values: { score: baselineValues.score } },
    {
      case: 'a binary model with three classes',
      change: { target_class_order: [0, 1, 2] },
      values: baselineValues,
    },
    {
      case: 'a multiclass model with fewer classes than outputs',
      change: {
        task: 'multiclass_classification' as const,
        target_class_order: ['a'],
        outputs: ['score', 'age'],
      },
      values: baselineValues,
    },
  ])('refuses $case', ({ change, values }) => {
    expect(() => buildMonitorSpec({ ...model, ...change }, dataset, null, values)).toThrow(MonitorSpecError);
  });
});

describe('numeric drift bins', () => {
  it.each([
    { value: -100, bin: 0 },
    { value: 1, bin: 0 },
    { value: 1.5, bin: 1 },
    { value: 2, bin: 1 },
    { value: 3, bin: 2 },
    { value: 3.01, bin: 3 },
  ])('puts $value in bin $bin of (-inf,1], (1,2], (2,3], (3,+inf)', ({ value, bin }) => {
    expect(numericBinIndex([1, 2, 3], value)).toBe(bin);
  });

  it('counts sorted values per right-closed bin', () => {
    expect(countPerNumericBin([1, 2, 3], Float64Array.of(0, 1, 1, 2, 2.5, 3, 7))).toEqual([3, 1, 2, 1]);
  });

  it('counts everything in one bin when there are no edges', () => {
    expect(countPerNumericBin([], Float64Array.of(1, 2))).toEqual([2]);
  });

  it('drops non-finite edges', () => {
    expect(cleanEdges([3, Number.NaN, 1, Number.POSITIVE_INFINITY])).toEqual([1, 3]);
  });
});
