// Data integrity: how a value is judged, and the violation counts and percentages against generate.py's counts.

import { describe, expect, it } from 'vitest';
import { judgeValue } from '../../shared/metrics/column-values.js';
import { computeMetric } from '../../shared/metrics/registry.js';
import type { ColumnSpec } from '../../shared/metrics/spec.js';
import { expectClose, loadFixture, profileOf, specOf } from './fixtures.js';

const [fixture] = loadFixture('integrity');
if (!fixture) throw new Error('integrity fixture is empty');

describe('integrity metrics over mixed nulls, wrong types and out-of-range values', () => {
  const spec = specOf(fixture);
  const profile = profileOf(spec, fixture.events);

  it.each(fixture.expected.metrics)('computes $metric of $column as generate.py counts it', (expected) => {
    const result = computeMetric(expected.metric, profile, spec, expected.column ?? undefined);

    expectClose(result.value, expected.value, 1e-12);
    expect(result.count).toBe(expected.count);
  });
});

const ageColumn: ColumnSpec = {
  name: 'age',
  data_type: 'int',
  min: 18,
  max: 90,
  categories: null,
  drift: { layout: 'numeric', edges: [30, 60], baseline_counts: [1, 1, 1] },
};
const scoreColumn: ColumnSpec = {
  ...ageColumn,
  name: 'score',
  data_type: 'float',
  min: 0,
  max: 1,
  drift: null,
};
const memberColumn: ColumnSpec = {
  name: 'member',
  data_type: 'bool',
  min: null,
  max: null,
  categories: null,
  drift: { layout: 'bool', baseline_counts: [1, 1] },
};
const planColumn: ColumnSpec = {
  name: 'plan',
  data_type: 'category',
  min: null,
  max: null,
  categories: ['1', 'basic', 'gold'],
  drift: { layout: 'category', baseline_counts: [1, 1, 1, 0] },
};
const commentColumn: ColumnSpec = {
  ...planColumn,
  name: 'comment',
  data_type: 'str',
  categories: null,
  drift: null,
};

describe('judgeValue', () => {
  it.each([
    { case: 'a missing int', column: ageColumn, value: undefined, violation: 'null', driftBin: null },
    { case: 'a null category', column: planColumn, value: null, violation: 'null', driftBin: null },
    {
      case: 'an integral float in an int column',
      column: ageColumn,
      value: 30.0,
      violation: null,
      driftBin: 0,
    },
    {
      case: 'a fraction in an int column',
      column: ageColumn,
      value: 30.5,
      violation: 'type',
      driftBin: null,
    },
    {
      case: 'a numeric string in an int column',
      column: ageColumn,
      value: '30',
      violation: 'type',
      driftBin: null,
    },
    {
      case: 'an int below the baseline minimum',
      column: ageColumn,
      value: 5,
      violation: 'range',
      driftBin: 0,
    },
    {
      case: 'an int above the baseline maximum',
      column: ageColumn,
      value: 95,
      violation: 'range',
      driftBin: 2,
    },
    { case: 'an int on the top edge of a bin', column: ageColumn, value: 60, violation: null, driftBin: 1 },
    {
      case: 'a boolean in a float column',
      column: scoreColumn,
      value: true,
      violation: 'type',
      driftBin: null,
    },
    {
      case: 'NaN in a float column',
      column: scoreColumn,
      value: Number.NaN,
      violation: 'type',
      driftBin: null,
    },
    {
      case: 'a float above the maximum',
      column: scoreColumn,
      value: 1.5,
      violation: 'range',
      driftBin: null,
    },
    { case: '1 in a bool column', column: memberColumn, value: 1, violation: null, driftBin: 1 },
    { case: 'false in a bool column', column: memberColumn, value: false, violation: null, driftBin: 0 },
    {
      case: '"true" in a bool column',
      column: memberColumn,
      value: 'true',
      violation: 'type',
      driftBin: null,
    },
    { case: '2 in a bool column', column: memberColumn, value: 2, violation: 'type', driftBin: null },
    { case: 'a number naming a category', column: planColumn, value: 1, violation: null, driftBin: 0 },
    { case: 'an unseen category', column: planColumn, value: 'platinum', violation: 'range', driftBin: 3 },
    {
      case: 'a category in another case',
      column: planColumn,
      value: 'Basic',
      violation: 'range',
      driftBin: 3,
    },
    {
      case: 'a boolean in a category column',
      column: planColumn,
      value: true,
      violation: 'type',
      driftBin: null,
    },
    { case: 'a number in a str column', column: commentColumn, value: 42, violation: null, driftBin: null },
    {
      case: 'an object in a str column',
      column: commentColumn,
      value: {},
      violation: 'type',
      driftBin: null,
    },
  ])('judges $case', ({ column, value, violation, driftBin }) => {
    expect(judgeValue(column, value)).toEqual({ violation, driftBin });
  });
});
