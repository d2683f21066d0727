// Rule evaluation for one bin, table-driven: the compared value, the severity it reaches, and when to notify.
import { describe, expect, it } from 'vitest';
import { compare, comparedValue, shouldNotify } from '../../shared/alerts/evaluate.js';

describe('the compared value', () => {
  it.each([
    ['raw_value takes the metric', 'raw_value', 0.3, null, 0.3],
    ['raw_value of a null metric is null', 'raw_value', null, 5, null],
    ['time_period is the relative change', 'time_period', 30, 10, 2],
    ['time_period against a negative earlier value uses its magnitude', 'time_period', -5, -10, 0.5],
    ['time_period is null when the earlier value is 0', 'time_period', 3, 0, null],
    ['time_period is null when the earlier value is null', 'time_period', 3, null, null],
    ['time_period is null when the value is null', 'time_period', null, 3, null],
  ] as const)('%s', (_case, compareTo, value, earlier, expected) => {
    expect(comparedValue({ compare_to: compareTo }, value, earlier)).toBe(expected);
  });
});

describe('the severity reached', () => {
  const greater = { condition: 'greater', warning_threshold: 0.1, critical_threshold: 0.2 } as const;
  const lesser = { condition: 'lesser', warning_threshold: 0.8, critical_threshold: 0.7 } as const;
  it.each([
    ['greater: above critical', greater, 0.25, 'critical', 0.2],
    ['greater: above warning only', greater, 0.15, 'warning', 0.1],
    ['greater: equal to critical is not above it', greater, 0.2, 'warning', 0.1],
    ['greater: below both', greater, 0.05, null, 0.2],
    ['lesser: below critical', lesser, 0.6, 'critical', 0.7],
    ['lesser: below warning only', lesser, 0.75, 'warning', 0.8],
    ['lesser: above both', lesser, 0.9, null, 0.7],
    ['no warning threshold: only critical fires', { ...greater, warning_threshold: null }, 0.15, null, 0.2],
  ] as const)('%s', (_case, rule, compared, severity, threshold) => {
    expect(compare(rule, compared)).toEqual({ compared, severity, threshold });
  });
});

describe('when to notify', () => {
  it.each([
    ['a first warning', 'warning', null, true],
    ['a first critical', 'critical', null, true],
    ['a rise from warning to critical', 'critical', 'warning', true],
    ['the same severity again', 'warning', 'warning', false],
    ['a fall from critical to warning', 'warning', 'critical', false],
    ['no severity', null, null, false],
  ] as const)('%s: %s', (_case, severity, notified, expected) => {
    expect(shouldNotify(severity, notified)).toBe(expected);
  });
});
