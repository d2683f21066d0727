// UTC time bins: hour, day, week from Monday and month from the 1st, across month, year and leap-year boundaries.

import { describe, expect, it } from 'vitest';
import {
  BIN_SIZES,
  binStartOf,
  binStartsInRange,
  HOUR_MS,
  hourStartOf,
  hoursInBin,
  isBinSize,
  nextBinStart,
} from '../../shared/time/bins.js';

const at = (iso: string) => Date.parse(iso);

describe('binStartOf', () => {
  it.each([
    { size: 'hour', time: '2024-03-10T14:59:59.999Z', start: '2024-03-10T14:00:00.000Z' },
    { size: 'hour', time: '2024-03-10T14:00:00.000Z', start: '2024-03-10T14:00:00.000Z' },
    { size: 'day', time: '2024-03-10T23:59:59.999Z', start: '2024-03-10T00:00:00.000Z' },
    { size: 'week', time: '2024-03-10T23:00:00.000Z', start: '2024-03-04T00:00:00.000Z' }, // a Sunday
    { size: 'week', time: '2024-03-11T00:00:00.000Z', start: '2024-03-11T00:00:00.000Z' }, // a Monday
    { size: 'week', time: '2025-01-01T12:00:00.000Z', start: '2024-12-30T00:00:00.000Z' }, // across the new year
    { size: 'week', time: '1970-01-01T00:00:00.000Z', start: '1969-12-29T00:00:00.000Z' }, // the epoch, a Thursday
    { size: 'month', time: '2024-02-29T23:59:59.999Z', start: '2024-02-01T00:00:00.000Z' }, // leap day
    { size: 'month', time: '2024-03-01T00:00:00.000Z', start: '2024-03-01T00:00:00.000Z' },
    { size: 'month', time: '2023-12-31T23:59:59.999Z', start: '2023-12-01T00:00:00.000Z' },
    { size: 'month', time: '1969-07-20T20:17:00.000Z', start: '1969-07-01T00:00:00.000Z' }, // before the epoch
  ] as const)('puts $time in the $size starting $start', ({ size, time, start }) => {
    expect(binStartOf(size, at(time))).toBe(at(start));
  });

  it('refuses a time that is not a finite number', () => {
    expect(() => binStartOf('day', Number.NaN)).toThrow(RangeError);
  });
});

describe('nextBinStart', () => {
  it.each([
    { size: 'hour', start: '2024-03-10T23:00:00.000Z', next: '2024-03-11T00:00:00.000Z' },
    { size: 'day', start: '2024-02-28T00:00:00.000Z', next: '2024-02-29T00:00:00.000Z' },
    { size: 'day', start: '2023-02-28T00:00:00.000Z', next: '2023-03-01T00:00:00.000Z' },
    { size: 'week', start: '2024-12-30T00:00:00.000Z', next: '2025-01-06T00:00:00.000Z' },
    { size: 'month', start: '2024-01-01T00:00:00.000Z', next: '2024-02-01T00:00:00.000Z' },
    { size: 'month', start: '2024-12-01T00:00:00.000Z', next: '2025-01-01T00:00:00.000Z' },
    { size: 'month', start: '2024-01-31T12:00:00.000Z', next: '2024-02-01T00:00:00.000Z' }, // from inside the bin
  ] as const)('follows the $size at $start with $next', ({ size, start, next }) => {
    expect(nextBinStart(size, at(start))).toBe(at(next));
  });
});

describe('binStartsInRange', () => {
  it('lists every bin from the one holding the start while the bin starts before the end', () => {
    const starts = binStartsInRange('month', at('2023-11-15T00:00:00Z'), at('2024-03-01T00:00:00Z'));

    expect(starts).toEqual(
      ['2023-11-01', '2023-12-01', '2024-01-01', '2024-02-01'].map((day) => at(`${day}T00:00:00Z`)),
    );
  });

  it('lists Mondays for weeks', () => {
    const starts = binStartsInRange('week', at('2024-02-28T00:00:00Z'), at('2024-03-12T00:00:00Z'));

    expect(starts).toEqual(['2024-02-26', '2024-03-04', '2024-03-11'].map((day) => at(`${day}T00:00:00Z`)));
  });

  it('is empty when the end is not after the start', () => {
    expect(binStartsInRange('hour', at('2024-03-10T14:00:00Z'), at('2024-03-10T14:00:00Z'))).toEqual([]);
  });
});

describe('hoursInBin', () => {
  it.each([
    { size: 'hour', start: '2024-03-10T14:00:00Z', hours: 1 },
    { size: 'day', start: '2024-03-10T00:00:00Z', hours: 24 },
    { size: 'week', start: '2024-03-04T00:00:00Z', hours: 168 },
    { size: 'month', start: '2024-02-01T00:00:00Z', hours: 29 * 24 }, // leap year
    { size: 'month', start: '2023-02-01T00:00:00Z', hours: 28 * 24 },
    { size: 'month', start: '2024-01-01T00:00:00Z', hours: 31 * 24 },
    { size: 'month', start: '2024-04-01T00:00:00Z', hours: 30 * 24 },
  ] as const)('makes the $size starting $start of $hours hours', ({ size, start, hours }) => {
    expect(hoursInBin(size, at(start))).toHaveLength(hours);
  });

  it('lists consecutive hour starts from the start of the bin', () => {
    const hours = hoursInBin('day', at('2024-03-10T15:30:00Z'));

    expect(hours[0]).toBe(at('2024-03-10T00:00:00Z'));
    expect(hours.every((hour, index) => hour === (hours[0] as number) + index * HOUR_MS)).toBe(true);
  });
});

describe('bin sizes', () => {
  it('are hour, day, week and month', () => {
    expect(BIN_SIZES).toEqual(['hour', 'day', 'week', 'month']);
  });

  it.each([
    { value: 'week', expected: true },
    { value: 'year', expected: false },
    { value: 3, expected: false },
  ])('recognise $value as a bin size: $expected', ({ value, expected }) => {
    expect(isBinSize(value)).toBe(expected);
  });

  it('start an hour at the top of the hour', () => {
    expect(hourStartOf(at('2024-03-10T14:42:17.123Z'))).toBe(at('2024-03-10T14:00:00Z'));
  });
});
