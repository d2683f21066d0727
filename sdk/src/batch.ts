// publishBatch: any batch source, split into requests sent a few at a time, each retried safely (rows carry
// event ids, and an id our own lost attempt stored counts as accepted), with per-chunk progress.
import { ModelwatchError } from './errors.js';
import { type Chunk, chunksOf } from './rows.js';
import type { BatchSource, TableFormat } from './sources.js';
import type { Transport } from './transport.js';
import type { BatchAnswer, BatchRowError, TimestampFormat } from './types.js';

export interface PublishBatchOptions {
  /** Update existing events (targets, decisions, metadata) instead of inserting. @default false */
  updateEvent?: boolean;
  /** The column holding the event id. @default 'event_id' */
  idField?: string;
  /** The column holding the event time. @default 'event_timestamp' */
  timestampField?: string;
  /** @default 'infer' */
  timestampFormat?: TimestampFormat;
  /** The format of a text source; default: sniffed from its first character. */
  format?: TableFormat;
  /**
   * The id given to an inserted row without one, from its 0-based source row index.
   * @default a random UUID (crypto.randomUUID)
   */
  idFor?: (row: number) => string;
  /** Rows per request, at most 1000 (an answer lists at most 1,000 row errors). @default 1000 */
  chunkRows?: number;
  /**
   * Approximate characters per request. The service takes 4 MiB as sent and 5.5 MiB once framed for its
   * Lambda (escaping can take 6 bytes per character), so the default keeps any text within both.
   * @default 768 KiB
   */
  chunkBytes?: number;
  /** Requests in flight at once. @default 2 */
  concurrency?: number;
  /** Row errors kept in the result (counts stay exact). @default unlimited */
  maxErrors?: number;
  /** Called after each request with that request's outcome, row indices already made global. */
  onChunk?: (progress: ChunkResult) => void;
}

export interface ChunkResult {
  rows: number;
  accepted: number;
  rejected: number;
  errors: BatchRowError[];
  warnings: string[];
}

/** The service's batch answer summed over every request, with row indices of the whole source. */
export interface BatchResult extends BatchAnswer {
  /** Rows read from the source. */
  rows: number;
}

const MiB = 1024 * 1024;
/** The service lists at most this many row errors per answer: a chunk no larger has every error listed. */
const MAX_LISTED_ERRORS = 1000;

export async function publishBatch(
  transport: Transport,
  path: string,
  source: BatchSource,
  options: PublishBatchOptions = {},
): Promise<BatchResult> {
  const update = options.updateEvent ?? false;
  const idField = options.idField ?? 'event_id';
  const query = {
    update_event: update,
    id_field: idField,
    timestamp_field: options.timestampField ?? 'event_timestamp',
    timestamp_format: options.timestampFormat ?? 'infer',
  };
  const result: BatchResult = { rows: 0, accepted: 0, rejected: 0, errors: [], error_counts: {} };
  const warnings = new Set<string>();
  const maxErrors = options.maxErrors ?? Number.POSITIVE_INFINITY;

  const send = async (chunk: Chunk): Promise<void> => {
    const outcome: ChunkResult = {
      rows: chunk.rows.length + chunk.refused.length,
      accepted: 0,
      rejected: 0,
      errors: [...chunk.refused],
      warnings: [],
    };
    if (chunk.rows.length > 0) {
      const answer = await transport.request<BatchAnswer>({
        method: 'POST',
        path,
        query,
        body: chunk.body,
        contentType: chunk.contentType,
      });
      outcome.accepted = answer.body.accepted;
      outcome.warnings = answer.body.warnings ?? [];
      for (const error of answer.body.errors) {
        const global = { ...error, row: chunk.rows[error.row] ?? error.row };
        // After a lost attempt, an insert's "already exists" is most likely that attempt's own write.
        if (answer.replayed && !update && error.code === 'already_exists') outcome.accepted++;
        else outcome.errors.push(global);
      }
    }
    outcome.rejected = outcome.errors.length;
    result.rows += outcome.rows;
    result.accepted += outcome.accepted;
    result.rejected += outcome.rejected;
    for (const error of outcome.errors) {
      result.error_counts[error.code] = (result.error_counts[error.code] ?? 0) + 1;
      if (result.errors.length < maxErrors) result.errors.push(error);
    }
    for (const warning of outcome.warnings) warnings.add(warning);
    options.onChunk?.(outcome);
  };

  const chunks = chunksOf(source, {
    format: options.format,
    idField,
    idFor: update ? undefined : (options.idFor ?? (() => globalThis.crypto.randomUUID())),
    chunkRows: Math.min(MAX_LISTED_ERRORS, Math.max(1, options.chunkRows ?? MAX_LISTED_ERRORS)),
    chunkBytes: Math.max(1, options.chunkBytes ?? 0.75 * MiB),
  });
  await runPool(chunks, Math.max(1, options.concurrency ?? 2), send);
  result.errors.sort((a, b) => a.row - b.row);
  if (warnings.size > 0) result.warnings = [...warnings];
  return result;
}

/** Runs `work` over the items with at most `limit` in flight; the first failure stops reading and is thrown. */
async function runPool<T>(
  items: AsyncIterable<T>,
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for await (const item of items) {
    if (failure) break;
    const task: Promise<void> = work(item)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (inFlight.size >= limit) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure)
    throw failure.error instanceof Error
      ? failure.error
      : new ModelwatchError(0, 'batch_failed', String(failure.error));
}
