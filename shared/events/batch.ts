// Batch publishing: every row handled as the single-event route would handle it, in chunks, with a
// rejected row reported by index and never stopping the others.
import { randomUUID } from 'node:crypto';
import type { RowResult } from '../bodies/records.js';
import { DomainError, NotFound } from '../errors.js';
import { isEventId } from '../ids.js';
import type { NewEvent } from '../storage/events.js';
import type { ModelRecord } from '../storage/registry.js';
import { splitFields, typeCsvCells } from './columns.js';
import { checkEventLimits } from './limits.js';
import { type EventDeps, newEvent, warningsFor } from './publish.js';
import { parseTimestamp, type TimestampFormat } from './timestamps.js';

export interface BatchOptions {
  update: boolean;
  idField: string;
  timestampField: string;
  timestampFormat: TimestampFormat;
  /** CSV cells are text: type them by column before storing. */
  typeCells: boolean;
}

export interface RowError {
  row: number;
  event_id: string | null;
  code: string;
  message: string;
}

export interface BatchAnswer {
  accepted: number;
  rejected: number;
  /** The first MAX_LISTED_ERRORS rejected rows, by row. */
  errors: RowError[];
  /** Rejected rows per code, over every rejected row. */
  error_counts: Record<string, number>;
  warnings?: string[];
}

/** Row errors listed in one answer: a body of a million bad rows must not answer (or hold) a million. */
export const MAX_LISTED_ERRORS = 1000;

const CHUNK_ROWS = 500;
const UPDATE_CONCURRENCY = 16;

type Prepared =
  | { kind: 'insert'; row: number; event: NewEvent }
  | { kind: 'update'; row: number; eventId: string; columns: Record<string, unknown> }
  | { kind: 'error'; error: RowError };

export async function publishBatch(
  deps: EventDeps,
  model: ModelRecord,
  rows: AsyncIterable<RowResult>,
  options: BatchOptions,
): Promise<BatchAnswer> {
  const answer: BatchAnswer = { accepted: 0, rejected: 0, errors: [], error_counts: {} };
  const ignored = new Set<string>();
  let chunk: Prepared[] = [];
  let read = 0;
  try {
    for await (const row of rows) {
      read++;
      chunk.push(prepareRow(model, row, options, ignored, deps.clock()));
      if (chunk.length >= CHUNK_ROWS) {
        await writeChunk(deps, model, chunk, answer);
        chunk = [];
      }
    }
  } catch (error) {
    // A body that breaks before its first row is a bad request; one that breaks later has had rows stored
    // already, so the answer must say which: the rows before the break are handled, the rest is one error.
    if (!(error instanceof DomainError) || read === 0) throw error;
    await writeChunk(deps, model, chunk, answer);
    chunk = [];
    const message = `the body could not be read from data row ${read} on (${error.message}); the rows before it were handled`;
    record(answer, { row: read, event_id: null, code: 'unreadable_body', message });
  }
  await writeChunk(deps, model, chunk, answer);
  answer.errors.sort((a, b) => a.row - b.row);
  const warnings = warningsFor(ignored, model.info.model_id);
  if (warnings) answer.warnings = warnings;
  return answer;
}

function prepareRow(
  model: ModelRecord,
  result: RowResult,
  options: BatchOptions,
  ignored: Set<string>,
  now: number,
): Prepared {
  const { row } = result;
  if ('error' in result) return rejected(row, null, 'invalid_row', result.error);
  const { [options.idField]: rawId, [options.timestampField]: rawTimestamp, ...fields } = result.values;
  const givenId = typeof rawId === 'number' && Number.isFinite(rawId) ? String(rawId) : rawId;
  if (givenId !== undefined && givenId !== null && !isEventId(givenId)) {
    const message = `${options.idField} must be 1-128 printable characters of well-formed Unicode`;
    return rejected(row, null, 'invalid_event_id', message);
  }
  const eventId = givenId ?? undefined;
  try {
    const values = options.typeCells ? typeCsvCells(model, fields) : fields;
    const { columns, ignored: unknown } = splitFields(model, values, options.update);
    for (const field of unknown) ignored.add(field);
    checkEventLimits(columns);
    if (options.update) {
      if (eventId === undefined)
        return rejected(row, null, 'missing_event_id', `${options.idField} is required to update an event`);
      return { kind: 'update', row, eventId, columns };
    }
    let timestamp: number | undefined;
    if (rawTimestamp !== undefined && rawTimestamp !== null) {
      const parsed = parseTimestamp(rawTimestamp, options.timestampFormat);
      if (typeof parsed === 'string')
        return rejected(row, eventId ?? null, 'invalid_timestamp', `${options.timestampField} ${parsed}`);
      timestamp = parsed;
    }
    return { kind: 'insert', row, event: newEvent(model, eventId ?? randomUUID(), timestamp, columns, now) };
  } catch (error) {
    if (error instanceof DomainError) return rejected(row, eventId ?? null, error.code, error.message);
    throw error;
  }
}

async function writeChunk(
  deps: EventDeps,
  model: ModelRecord,
  chunk: Prepared[],
  answer: BatchAnswer,
): Promise<void> {
  const inserts: Array<{ row: number; event: NewEvent }> = [];
  const updates: Array<{ row: number; eventId: string; columns: Record<string, unknown> }> = [];
  for (const item of chunk) {
    if (item.kind === 'error') record(answer, item.error);
    else if (item.kind === 'insert') inserts.push(item);
    else updates.push(item);
  }
  if (inserts.length > 0) {
    const { changes, duplicates } = await deps.events.insertMany(inserts.map(({ event }) => event));
    answer.accepted += changes.length;
    for (const index of duplicates) {
      const { row, event } = inserts[index] as (typeof inserts)[number];
      const message = `event_id '${event.event_id}' already exists; set update_event to change it`;
      record(answer, { row, event_id: event.event_id, code: 'already_exists', message });
    }
  }
  let next = 0;
  const worker = async () => {
    while (next < updates.length) {
      const { row, eventId, columns } = updates[next++] as (typeof updates)[number];
      try {
        const key = { project_id: model.info.project_id, model_id: model.info.model_id, event_id: eventId };
        if (Object.keys(columns).length > 0) await deps.events.update(key, columns);
        else if (!(await deps.events.get(key)))
          throw new NotFound(`event_id '${eventId}' does not exist in model '${model.info.model_id}'`);
        answer.accepted++;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        record(answer, { row, event_id: eventId, code: error.code, message: error.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(UPDATE_CONCURRENCY, updates.length) }, worker));
}

function rejected(row: number, eventId: string | null, code: string, message: string): Prepared {
  return { kind: 'error', error: { row, event_id: eventId, code, message } };
}

/** Counts a rejected row; keeps it listed only while it is among the first MAX_LISTED_ERRORS by row. */
function record(answer: BatchAnswer, error: RowError): void {
  answer.rejected++;
  answer.error_counts[error.code] = (answer.error_counts[error.code] ?? 0) + 1;
  const listed = answer.errors;
  if (listed.length < MAX_LISTED_ERRORS) {
    listed.push(error);
    // Once full, the list stays sorted, so each later error is compared with the last listed row only.
    if (listed.length === MAX_LISTED_ERRORS) listed.sort((a, b) => a.row - b.row);
    return;
  }
  // Chunks are written in row order: only errors of the chunk that filled the list can come before its end.
  const last = listed[listed.length - 1] as RowError;
  if (error.row >= last.row) return;
  listed.pop();
  const at = listed.findIndex((listedError) => listedError.row > error.row);
  listed.splice(at === -1 ? listed.length : at, 0, error);
}
