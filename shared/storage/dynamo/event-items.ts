// How an event is laid out as a DynamoDB item. Column values are stored JSON-encoded: any JSON value then
// round-trips exactly (DynamoDB numbers stop at 38 digits and 1E-130..9.9E125; published data may not).

import type { StoredEvent } from '../../schema/types.js';
import type { EventKey, NewEvent } from '../events.js';
import { EVENT_HOUR_SHARDS } from './table-designs.js';

export interface EventItem {
  pk: string;
  project_id: string;
  model_id: string;
  event_id: string;
  ts: number;
  received_at: number;
  expires_at: number;
  hour_shard: string;
  /** A Map when written: lib-dynamodb would take a plain object with a `constructor` key for a class instance. */
  ev: Map<string, string> | Record<string, string>;
  /** Revision: 1 at insert, +1 per update; orders an event's changes for the fold. */
  rev: number;
  /** When this revision was written, epoch ms: lets a metrics rebuild tell what it has already read. */
  written_at: number;
}

const HOUR_MS = 3_600_000;

export function eventPartitionKey(key: EventKey): string {
  // Project and model ids cannot hold '/', so the first two separators are unambiguous.
  return `${key.project_id}/${key.model_id}/${key.event_id}`;
}

/** The time index key: one model's hour of event time spread over EVENT_HOUR_SHARDS keys by event id. */
export function hourShardKey(projectId: string, modelId: string, timestamp: number, eventId: string): string {
  const hourStart = Math.floor(timestamp / HOUR_MS) * HOUR_MS;
  return `${projectId}/${modelId}/${hourStart}/${shardOf(eventId, EVENT_HOUR_SHARDS)}`;
}

/** Which of `shards` keys an event id spreads to. */
export function shardOf(eventId: string, shards: number): number {
  return fnv1a(eventId) % shards;
}

/** FNV-1a over UTF-16 code units: cheap, stable across runtimes, well spread for short ids. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function encodeValues(values: Record<string, unknown>): Record<string, string> {
  const encoded: Record<string, string> = {};
  for (const [column, value] of Object.entries(values)) encoded[column] = JSON.stringify(value ?? null);
  return encoded;
}

export function decodeValues(
  encoded: Map<string, string> | Record<string, string> | undefined,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const entries = encoded instanceof Map ? encoded.entries() : Object.entries(encoded ?? {});
  for (const [column, text] of entries) values[column] = JSON.parse(text);
  return values;
}

export function toItem(event: NewEvent): EventItem {
  return {
    pk: eventPartitionKey(event),
    project_id: event.project_id,
    model_id: event.model_id,
    event_id: event.event_id,
    ts: event.event_timestamp,
    received_at: event.received_at,
    expires_at: event.expires_at,
    hour_shard: hourShardKey(event.project_id, event.model_id, event.event_timestamp, event.event_id),
    ev: new Map(Object.entries(encodeValues(event.event))),
    rev: 1,
    written_at: event.received_at,
  };
}

export function fromItem(item: Record<string, unknown>): StoredEvent {
  const typed = item as unknown as EventItem;
  return {
    project_id: typed.project_id,
    model_id: typed.model_id,
    event_id: typed.event_id,
    event_timestamp: typed.ts,
    received_at: typed.received_at,
    event: decodeValues(typed.ev),
  };
}
