// Turns change records (DynamoDB Stream records, or the local feed's copies) into deltas: the old and new
// values of one event revision, keyed so that folding the same record twice writes the same delta.
import { type ChangeRecord, imageOf } from '../feed/change-record.js';
import { decodeValues } from '../storage/dynamo/event-items.js';
import type { Delta } from '../storage/profiles.js';
import { hourStartOf } from '../time/bins.js';

/**
 * Inserts and updates become deltas. Removals (TTL expiry after the retention period) do not: metrics are
 * history, and an event leaving storage does not change what happened in its hour.
 */
export function deltasFromChanges(records: ChangeRecord[]): Delta[] {
  const deltas: Delta[] = [];
  for (const record of records) {
    if (record.eventName === 'REMOVE') continue;
    const next = imageOf(record.dynamodb.NewImage);
    if (!next || typeof next.ts !== 'number' || typeof next.ev !== 'object') continue;
    const previous = record.eventName === 'MODIFY' ? imageOf(record.dynamodb.OldImage) : undefined;
    deltas.push({
      model: { project_id: String(next.project_id), model_id: String(next.model_id) },
      event_id: String(next.event_id),
      hour: hourStartOf(next.ts),
      old_values: previous ? decodeValues(previous.ev as Record<string, string>) : null,
      new_values: decodeValues(next.ev as Record<string, string>),
      new_rev: Number(next.rev ?? 1),
      new_written_at: Number(next.written_at ?? next.received_at ?? 0),
    });
  }
  return deltas;
}
