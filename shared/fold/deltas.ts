// Turns change records (DynamoDB Stream records, or the local feed's copies) into deltas: the old and new
// values of one event revision, keyed so that folding the same record twice writes the same delta.
import { type ChangeRecord, imageOf } from '../feed/change-record.js';
import { decodeValues } from '../storage/dynamo/event-items.js';
import type { Delta } from '../storage/profiles.js';
import { hourStartOf } from '../time/bins.js';

/** A record and its delta; `index` is the record's position in its batch. */
export interface ConvertedChange {
  index: number;
  record: ChangeRecord;
  delta: Delta;
}

/** A record no delta can be made of, with why. */
export interface UnfoldableChange {
  index: number;
  record: ChangeRecord;
  error: unknown;
}

/**
 * Every record on its own: one that cannot be turned into a delta is set aside with its error, and the others
 * still are. Removals are neither (see deltaFromChange).
 */
export function deltasFromChanges(records: ChangeRecord[]): {
  converted: ConvertedChange[];
  unfoldable: UnfoldableChange[];
} {
  const converted: ConvertedChange[] = [];
  const unfoldable: UnfoldableChange[] = [];
  records.forEach((record, index) => {
    try {
      const delta = deltaFromChange(record);
      if (delta) converted.push({ index, record, delta });
    } catch (error) {
      unfoldable.push({ index, record, error });
    }
  });
  return { converted, unfoldable };
}

/**
 * Inserts and updates become deltas. Removals (TTL expiry after the retention period) do not: metrics are
 * history, and an event leaving storage does not change what happened in its hour. Throws when the record
 * is not an event change this code wrote (missing ids or time, values that do not decode).
 */
export function deltaFromChange(record: ChangeRecord): Delta | undefined {
  if (record.eventName === 'REMOVE') return undefined;
  const next = imageOf(record.dynamodb?.NewImage);
  if (!next) throw new TypeError(`a ${record.eventName} record has no new image`);
  for (const field of ['project_id', 'model_id', 'event_id'] as const) {
    if (typeof next[field] !== 'string') throw new TypeError(`the new image has no string ${field}`);
  }
  if (typeof next.ts !== 'number' || !Number.isFinite(next.ts))
    throw new TypeError('the new image has no numeric ts');
  const previous = record.eventName === 'MODIFY' ? imageOf(record.dynamodb.OldImage) : undefined;
  return {
    model: { project_id: next.project_id as string, model_id: next.model_id as string },
    event_id: next.event_id as string,
    hour: hourStartOf(next.ts),
    old_values: previous ? decodeValues(encodedValuesOf(previous.ev ?? {}, 'old')) : null,
    new_values: decodeValues(encodedValuesOf(next.ev, 'new')),
    new_rev: Number(next.rev ?? 1),
    new_written_at: Number(next.written_at ?? next.received_at ?? 0),
  };
}

/** Column values as the events table keeps them: a map of JSON texts. */
function encodedValuesOf(ev: unknown, which: string): Map<string, string> | Record<string, string> {
  const entries =
    ev instanceof Map ? [...ev.entries()] : ev && typeof ev === 'object' ? Object.entries(ev) : undefined;
  if (!entries || Array.isArray(ev)) throw new TypeError(`the ${which} image's ev is not a map of values`);
  const bad = entries.find(([, text]) => typeof text !== 'string');
  if (bad) throw new TypeError(`the ${which} image's value of ${bad[0]} is not JSON text`);
  return ev as Map<string, string> | Record<string, string>;
}
