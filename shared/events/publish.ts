// Publishing events: inserts and partial updates by event id. The events store puts each landed write on the
// change feed (the table's stream in AWS, the write journal locally) before it is acknowledged.
import { randomUUID } from 'node:crypto';
import { InvalidInput, NotFound } from '../errors.js';
import { isEventId } from '../ids.js';
import type { StoredEvent } from '../schema/types.js';
import type { EventStore, NewEvent } from '../storage/events.js';
import type { ModelRecord } from '../storage/registry.js';
import { splitFields } from './columns.js';
import { checkEventLimits } from './limits.js';
import { parseTimestamp } from './timestamps.js';

export interface EventDeps {
  events: EventStore;
  clock: () => number;
}

export interface PublishRequest {
  event: Record<string, unknown>;
  event_id?: string;
  update_event?: boolean;
  event_timestamp?: number | string;
}

export interface PublishAnswer {
  event_id: string;
  warnings?: string[];
}

const DAY_MS = 86_400_000;

/** Warnings listed in one answer; the rest are counted, so 500,000 unknown keys cannot make a 32 MB answer. */
export const MAX_WARNINGS = 100;
// A field name is echoed back; a megabyte-long one is cut so the warning stays a sentence.
const MAX_ECHOED_NAME = 200;

export function warningsFor(ignored: Iterable<string>, modelId: string): string[] | undefined {
  const warnings: string[] = [];
  let more = 0;
  for (const field of ignored) {
    if (warnings.length === MAX_WARNINGS) {
      more++;
      continue;
    }
    const name = field.length > MAX_ECHOED_NAME ? `${field.slice(0, MAX_ECHOED_NAME)}...` : field;
    warnings.push(`field '${name}' is not a column of model '${modelId}' and was ignored`);
  }
  if (more > 0) warnings.push(`... and ${more} more fields were ignored`);
  return warnings.length > 0 ? warnings : undefined;
}

/** Builds the stored form of a new event; the timestamp defaults to now. */
export function newEvent(
  model: ModelRecord,
  eventId: string,
  timestamp: number | undefined,
  columns: Record<string, unknown>,
  now: number,
): NewEvent {
  return {
    project_id: model.info.project_id,
    model_id: model.info.model_id,
    event_id: eventId,
    event_timestamp: timestamp ?? now,
    received_at: now,
    // Retention counts from reception, so a backfill of old events is kept as long as fresh ones.
    expires_at: Math.floor((now + model.info.retention_days * DAY_MS) / 1000),
    event: columns,
  };
}

export async function publishEvent(
  deps: EventDeps,
  model: ModelRecord,
  request: PublishRequest,
): Promise<PublishAnswer> {
  if (request.update_event) return updateEvent(deps, model, request);
  const { columns, ignored } = splitFields(model, request.event, false);
  checkEventLimits(columns);
  const timestamp =
    request.event_timestamp === undefined ? undefined : requestTimestamp(request.event_timestamp);
  const eventId = request.event_id ?? randomUUID();
  await deps.events.insert(newEvent(model, eventId, timestamp, columns, deps.clock()));
  return { event_id: eventId, warnings: warningsFor(ignored, model.info.model_id) };
}

/** Sets target, decision and metadata columns; the event keeps its timestamp and so its time bin. */
async function updateEvent(
  deps: EventDeps,
  model: ModelRecord,
  request: PublishRequest,
): Promise<PublishAnswer> {
  if (request.event_id === undefined)
    throw new InvalidInput('event_id is required when update_event is true');
  const { columns, ignored } = splitFields(model, request.event, true);
  // The store checks the event as the update leaves it; this refuses an oversized update before any read.
  checkEventLimits(columns);
  const key = {
    project_id: model.info.project_id,
    model_id: model.info.model_id,
    event_id: request.event_id,
  };
  if (Object.keys(columns).length === 0) {
    if (!(await deps.events.get(key)))
      throw new NotFound(`event_id '${request.event_id}' does not exist in model '${model.info.model_id}'`);
  } else {
    await deps.events.update(key, columns);
  }
  return { event_id: request.event_id, warnings: warningsFor(ignored, model.info.model_id) };
}

function requestTimestamp(value: number | string): number {
  const parsed = parseTimestamp(value, 'request');
  if (typeof parsed === 'string') throw new InvalidInput(`event_timestamp ${parsed}`);
  return parsed;
}

export async function getEvent(deps: EventDeps, model: ModelRecord, eventId: string): Promise<StoredEvent> {
  if (!isEventId(eventId))
    throw new InvalidInput('event_id must be 1-128 printable characters of well-formed Unicode');
  const stored = await deps.events.get({
    project_id: model.info.project_id,
    model_id: model.info.model_id,
    event_id: eventId,
  });
  if (!stored) throw new NotFound(`event_id '${eventId}' does not exist in model '${model.info.model_id}'`);
  return stored;
}
