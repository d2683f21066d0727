// Event time parsing: epoch milliseconds, epoch seconds or ISO-8601, as the contract allows.

export const TIMESTAMP_FORMATS = ['infer', 'epoch_ms', 'epoch_s', 'iso8601'] as const;
/** `request`: how single-event bodies and query parameters give times (numbers are ms, strings ISO-8601). */
export type TimestampFormat = (typeof TIMESTAMP_FORMATS)[number] | 'request';

// Years 1970..9999: a wider range is almost certainly a unit mistake and would make absurd time bins.
const MAX_EPOCH_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
// A date, then optionally a time with optional fraction and zone: what Date.parse reads reliably.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))?)?$/;
// Below 1e11 a number reads as seconds: 1e11 ms is 1973, 1e11 s is the year 5138.
const SECONDS_BELOW = 1e11;

/** Parses an event time to epoch ms, or returns an explanation of why it cannot. */
export function parseTimestamp(value: unknown, format: TimestampFormat = 'infer'): number | string {
  // CSV cells arrive as strings: a numeric cell is a number unless the format says ISO-8601.
  if (typeof value === 'string' && format !== 'iso8601' && format !== 'request') {
    const trimmed = value.trim();
    if (trimmed !== '' && Number.isFinite(Number(trimmed))) return parseTimestamp(Number(trimmed), format);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'is not a finite number';
    if (format === 'iso8601') return 'must be an ISO-8601 string';
    const ms =
      format === 'epoch_s' || (format === 'infer' && Math.abs(value) < SECONDS_BELOW) ? value * 1000 : value;
    return inRange(Math.round(ms));
  }
  if (typeof value === 'string') {
    if (format === 'epoch_ms' || format === 'epoch_s')
      return `must be a number of ${format === 'epoch_s' ? 'seconds' : 'milliseconds'}`;
    const trimmed = value.trim();
    const fields = ISO_8601.exec(trimmed);
    if (!fields) return 'is not an ISO-8601 time or epoch number';
    const impossible = impossibleField(fields);
    if (impossible) return `is not a date that exists (${impossible})`;
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) && trimmed.length > 10;
    // Times without a zone are UTC, like bins; Date.parse would read a zone-less date-time as local time.
    const ms = Date.parse(hasZone || trimmed.length === 10 ? trimmed : `${trimmed.replace(' ', 'T')}Z`);
    return Number.isNaN(ms) ? 'is not a valid date' : inRange(ms);
  }
  return 'must be epoch milliseconds (a number) or an ISO-8601 string';
}

// Date.parse rolls 2026-02-30 over to March 2 and reads hour 24 as the next day: a typo would land silently
// in another bin, so every field is checked against the calendar first.
function impossibleField(fields: RegExpExecArray): string | undefined {
  const [, year, month, day, hour, minute, second, zoneHours, zoneMinutes] = fields;
  const n = (digits: string | undefined) => Number(digits ?? 0);
  if (n(month) < 1 || n(month) > 12) return `month ${month}`;
  if (n(day) < 1 || n(day) > daysInMonth(n(year), n(month))) return `day ${day}`;
  if (n(hour) > 23) return `hour ${hour}`;
  if (n(minute) > 59) return `minute ${minute}`;
  if (n(second) > 59) return `second ${second}`;
  if (n(zoneHours) > 23 || n(zoneMinutes) > 59) return `zone offset ${zoneHours}:${zoneMinutes}`;
  return undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function inRange(ms: number): number | string {
  return ms >= 0 && ms <= MAX_EPOCH_MS ? ms : 'is outside the years 1970 to 9999';
}
