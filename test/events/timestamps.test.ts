// Event time parsing: calendar dates and clock times that do not exist are refused, never rolled over.
import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../shared/events/timestamps.js';

describe('parseTimestamp', () => {
  it.each([
    { text: '2026-02-30', at: 'day 30' },
    { text: '2026-02-29T10:00:00Z', at: 'day 29' },
    { text: '2026-04-31', at: 'day 31' },
    { text: '2026-01-00', at: 'day 00' },
    { text: '2026-13-01', at: 'month 13' },
    { text: '2026-00-10', at: 'month 00' },
    { text: '2026-01-01T24:00:00Z', at: 'hour 24' },
    { text: '2026-01-01T25:00', at: 'hour 25' },
    { text: '2026-01-01T10:60:00Z', at: 'minute 60' },
    { text: '2026-01-01T10:00:60Z', at: 'second 60' },
    { text: '2026-01-01T10:00:00+24:00', at: 'zone offset 24:00' },
  ])('refuses $text, naming the $at', ({ text, at }) => {
    expect(parseTimestamp(text, 'request')).toBe(`is not a date that exists (${at})`);
  });

  it.each([
    { text: '2024-02-29T10:00:00Z', ms: Date.UTC(2024, 1, 29, 10) },
    { text: '2000-02-29', ms: Date.UTC(2000, 1, 29) },
    { text: '2026-12-31T23:59:59.999Z', ms: Date.UTC(2026, 11, 31, 23, 59, 59, 999) },
    { text: '2026-01-31 08:30', ms: Date.UTC(2026, 0, 31, 8, 30) },
    { text: '2026-06-30T23:00:00+02:00', ms: Date.UTC(2026, 5, 30, 21) },
  ])('reads $text, a time that exists', ({ text, ms }) => {
    expect(parseTimestamp(text, 'iso8601')).toBe(ms);
  });

  it('refuses February 29th in a century year that is not a leap year', () => {
    expect(parseTimestamp('2100-02-29', 'infer')).toBe('is not a date that exists (day 29)');
  });
});
