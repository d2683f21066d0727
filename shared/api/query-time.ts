// Times in query strings: epoch milliseconds or ISO-8601, as the contract allows for requests.
import { InvalidInput } from '../errors.js';
import { parseTimestamp } from '../events/timestamps.js';

export function queryTime(value: string | undefined, field: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = parseTimestamp(value, /^\d+$/.test(value.trim()) ? 'epoch_ms' : 'iso8601');
  if (typeof parsed === 'string') throw new InvalidInput(`${field} ${parsed}`);
  return parsed;
}
