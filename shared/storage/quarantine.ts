// Changes the fold can never turn into written deltas, kept aside with their reason so they block nothing, and
// the line between such poison and a failure worth retrying.
import { createHash } from 'node:crypto';
import type { AttributeMap, ChangeRecord } from '../feed/change-record.js';

export interface QuarantinedChange {
  /** The record's stream eventID (or sequence number): a redelivered record maps to the same entry. */
  record_id: string;
  sequence_number: string;
  /** When the change was written, epoch ms (the record's creation time): orders entries. */
  changed_at: number;
  project_id: string | null;
  model_id: string | null;
  event_id: string | null;
  reason: string;
  quarantined_at: number;
  /** The record as JSON, cut to RECORD_EXCERPT_BYTES, or a summary when it cannot be serialised. */
  record_excerpt: string;
}

export interface QuarantineStore {
  /** Idempotent per record: writing an entry again keeps the first one. */
  put(entry: QuarantinedChange): Promise<void>;
  /** Newest change first. */
  list(limit: number, nextToken?: string): Promise<{ items: QuarantinedChange[]; nextToken?: string }>;
}

/** Enough to recognise the change and its values; the event itself stays in the events table. */
export const RECORD_EXCERPT_BYTES = 16 * 1024;
const REASON_CHARS = 1_000;

export function quarantineEntryOf(record: ChangeRecord, error: unknown, now: number): QuarantinedChange {
  const image = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
  // The event's own key holds all three ids, should its image lack them.
  const [keyProject, keyModel, ...keyEvent] = (stringAttribute(record.dynamodb?.Keys, 'pk') ?? '').split('/');
  const excerpt = excerptOf(record);
  const sequence = String(record.dynamodb?.SequenceNumber ?? '');
  return {
    record_id: String(record.eventID || sequence || createHash('sha256').update(excerpt).digest('hex')),
    sequence_number: sequence,
    changed_at: Math.max(0, Math.floor(Number(record.dynamodb?.ApproximateCreationDateTime) * 1000) || 0),
    project_id: stringAttribute(image, 'project_id') ?? (keyProject || null),
    model_id: stringAttribute(image, 'model_id') ?? (keyModel || null),
    event_id: stringAttribute(image, 'event_id') ?? (keyEvent.join('/') || null),
    reason: failureReason(error),
    quarantined_at: now,
    record_excerpt: excerpt,
  };
}

export function failureReason(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > REASON_CHARS ? `${text.slice(0, REASON_CHARS)}…` : text;
}

function stringAttribute(image: AttributeMap | undefined, name: string): string | undefined {
  const value = image?.[name]?.S;
  return typeof value === 'string' ? value : undefined;
}

function excerptOf(record: ChangeRecord): string {
  let json: string;
  try {
    json = JSON.stringify(record);
  } catch (error) {
    // Too deep to serialise: what identifies the record, and which attributes it carried.
    json = JSON.stringify({
      eventID: record.eventID,
      eventName: record.eventName,
      SequenceNumber: record.dynamodb?.SequenceNumber,
      ApproximateCreationDateTime: record.dynamodb?.ApproximateCreationDateTime,
      Keys: Object.fromEntries(
        Object.entries(record.dynamodb?.Keys ?? {}).map(([name, value]) => [name, value?.S ?? value?.N]),
      ),
      NewImage_attributes: Object.keys(record.dynamodb?.NewImage ?? {}),
      OldImage_attributes: Object.keys(record.dynamodb?.OldImage ?? {}),
      unserialisable: failureReason(error),
    });
  }
  const bytes = Buffer.from(json, 'utf8');
  return bytes.length <= RECORD_EXCERPT_BYTES
    ? json
    : bytes.subarray(0, RECORD_EXCERPT_BYTES).toString('utf8');
}
