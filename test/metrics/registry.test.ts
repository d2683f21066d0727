// The metric registry: every contract metric by id, where each applies, and the answers for an empty bin.

import { describe, expect, it } from 'vitest';
import { ANY_COLUMN } from '../../shared/metrics/integrity.js';
import { absorbEvent, emptyProfile } from '../../shared/metrics/profile.js';
import {
  computeMetric,
  METRIC_IDS,
  MetricRequestError,
  metricDefinition,
} from '../../shared/metrics/registry.js';
import type { MonitorSpec } from '../../shared/metrics/spec.js';
import { loadFixture, specOf } from './fixtures.js';

const INTEGRITY_IDS = ['null', 'type', 'range', 'any'].flatMap((kind) => [
  `${kind}_violation_count`,
  `${kind}_violation_percentage`,
]);
const BINARY_IDS = [
  'accuracy',
  'precision',
  'recall',
  'fpr',
  'f1_score',
  'geometric_mean',
  'auc',
  'log_loss',
  'expected_calibration_error',
];
const MULTICLASS_IDS = ['accuracy', 'log_loss', 'macro_precision', 'macro_recall', 'macro_f1'];
const REGRESSION_IDS = ['mae', 'mse', 'r2', 'mape', 'wmape'];
const COUNT_IDS = new Set(['traffic', 'data_count', ...INTEGRITY_IDS.filter((id) => id.endsWith('_count'))]);

function specFor(name: 'binary' | 'multiclass' | 'regression' | 'integrity'): MonitorSpec {
  const fixture = loadFixture(name)[0];
  if (!fixture) throw new Error(`the ${name} fixture is empty`);
  return specOf(fixture);
}

const specs = {
  binary: specFor('binary'),
  multiclass: specFor('multiclass'),
  regression: specFor('regression'),
  integrity: specFor('integrity'),
};

describe('the metric registry', () => {
  it.each([
    'jsd',
    'psi',
    'traffic',
    'data_count',
    ...INTEGRITY_IDS,
    ...BINARY_IDS,
    ...MULTICLASS_IDS,
    ...REGRESSION_IDS,
  ])('knows the contract metric %s', (id) => {
    expect(METRIC_IDS).toContain(id);
  });

  it.each([
    { id: 'jsd', perColumn: true },
    { id: 'psi', perColumn: true },
    { id: 'null_violation_percentage', perColumn: true },
    { id: 'traffic', perColumn: false },
    { id: 'auc', perColumn: false },
    { id: 'data_count', perColumn: false },
  ])('says whether $id is per column', ({ id, perColumn }) => {
    expect(metricDefinition(id).perColumn).toBe(perColumn);
  });

  it.each([
    { id: 'accuracy', tasks: ['binary_classification', 'multiclass_classification'] },
    { id: 'data_count', tasks: ['binary_classification', 'multiclass_classification', 'regression'] },
    { id: 'auc', tasks: ['binary_classification'] },
    { id: 'r2', tasks: ['regression'] },
  ])('applies $id to $tasks models', ({ id, tasks }) => {
    expect([...metricDefinition(id).tasks].sort()).toEqual([...tasks].sort());
  });

  it('allows drift on inputs and outputs that have drift bins, not on str columns', () => {
    expect(metricDefinition('jsd').columnsAllowed(specs.integrity)).toEqual([
      'age',
      'income',
      'member',
      'plan',
      'score',
    ]);
  });

  it('allows integrity on every input and output and on __ANY__', () => {
    expect(metricDefinition('null_violation_count').columnsAllowed(specs.integrity)).toEqual([
      'age',
      'income',
      'member',
      'plan',
      'comment',
      'score',
      ANY_COLUMN,
    ]);
  });

  it('resolves an id shared by tasks to the variant for the model', () => {
    const event = { label: 'dog', p_cat: 0.1, p_dog: 0.8, p_bird: 0.1 };
    const profile = emptyProfile(specs.multiclass);
    absorbEvent(profile, specs.multiclass, event, 1);

    expect(computeMetric('accuracy', profile, specs.multiclass)).toEqual({ value: 1, count: 1 });
  });

  it('counts every event as traffic, whatever it holds', () => {
    const profile = emptyProfile(specs.regression);
    for (const event of [{}, { y: 'not a number' }, { y: 1, prediction: 2 }]) {
      absorbEvent(profile, specs.regression, event, 1);
    }

    expect(computeMetric('traffic', profile, specs.regression)).toEqual({ value: 3, count: 3 });
  });

  it.each([
    { case: 'an unknown metric', id: 'nope', spec: specs.binary, column: undefined, code: 'unknown_metric' },
    {
      case: 'a metric of another task',
      id: 'auc',
      spec: specs.regression,
      column: undefined,
      code: 'metric_not_applicable',
    },
    {
      case: 'a per-column metric without a column',
      id: 'jsd',
      spec: specs.binary,
      column: undefined,
      code: 'column_required',
    },
    {
      case: 'a column the model does not watch',
      id: 'jsd',
      spec: specs.binary,
      column: 'label',
      code: 'unknown_column',
    },
  ])('refuses $case with code $code', ({ id, spec, column, code }) => {
    const asked = () => computeMetric(id, emptyProfile(spec), spec, column);

    expect(asked).toThrow(MetricRequestError);
    expect(asked).toThrow(expect.objectContaining({ code }));
  });
});

describe.each(Object.entries(specs))('an empty bin of the %s model', (_, spec) => {
  // A per-column metric with no column to ask for on this model (chi_squared_p_value without categories) is left out.
  const applicable = METRIC_IDS.filter((id) => {
    const definition = metricDefinition(id);
    return (
      definition.tasks.includes(spec.task) &&
      (!definition.perColumn || definition.columnsAllowed(spec).length > 0)
    );
  });

  it.each(applicable)('answers %s with 0 for counts and null for anything else', (id) => {
    const definition = metricDefinition(id);
    const column = definition.perColumn ? definition.columnsAllowed(spec)[0] : undefined;

    const result = computeMetric(id, emptyProfile(spec), spec, column);

    expect(result).toEqual({ value: COUNT_IDS.has(id) ? 0 : null, count: 0 });
  });
});
