// Reading data files for upload and publish: the format from the extension (or --format), rows streamed
// from CSV / NDJSON / JSON text or read from Parquet a slice at a time, and a row count for progress.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { CsvRecordReader, type Row } from '../sdk/src/index.js';
import { UsageError } from './errors.js';

export const FILE_FORMATS = ['csv', 'ndjson', 'json', 'parquet'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

const EXTENSIONS: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.json': 'json',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

export function fileFormatOf(
  path: string,
  given: string | undefined,
  allowed: readonly FileFormat[],
): FileFormat {
  const format = (given ?? EXTENSIONS[extname(path).toLowerCase()]) as FileFormat | undefined;
  if (!format) {
    throw new UsageError(
      `cannot tell the format of ${path} from its extension: give --format (${allowed.join(', ')})`,
    );
  }
  if (!allowed.includes(format))
    throw new UsageError(`--format must be one of ${allowed.join(', ')} (got '${format}')`);
  return format;
}

/** The file's size, or a usage error naming it when it cannot be read. */
export async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`${path} is not a file`);
    return info.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

/** Data rows in the file (the CSV header is not one), read the same way publishing reads them. */
export async function countRows(path: string, format: FileFormat): Promise<number> {
  if (format === 'parquet') {
    const { asyncBufferFromFile, parquetMetadataAsync } = await import('hyparquet');
    return Number((await parquetMetadataAsync(await asyncBufferFromFile(path))).num_rows);
  }
  if (format === 'json') {
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    return Array.isArray(value) ? value.length : 0;
  }
  let rows = 0;
  if (format === 'csv') {
    const reader = new CsvRecordReader();
    for await (const piece of createReadStream(path, { encoding: 'utf8' }))
      rows += reader.push(piece as string).length;
    return Math.max(rows + reader.end().length - 1, 0);
  }
  let partial = '';
  for await (const piece of createReadStream(path, { encoding: 'utf8' })) {
    const lines = (partial + (piece as string)).split('\n');
    partial = lines.pop() ?? '';
    rows += lines.filter((line) => line.trim() !== '').length;
  }
  return rows + (partial.trim() === '' ? 0 : 1);
}

/** The file as something publishBatch reads: a byte stream for text formats, rows for Parquet. */
export function batchSourceOf(path: string, format: FileFormat): AsyncIterable<Buffer> | AsyncIterable<Row> {
  if (format === 'parquet') return parquetRows(path);
  return createReadStream(path) as AsyncIterable<Buffer>;
}

const PARQUET_SLICE_ROWS = 10_000;

/** Parquet rows a slice at a time, with values JSON can carry (dates as ISO-8601, binary as text). */
export async function* parquetRows(path: string): AsyncGenerator<Row> {
  // Loaded only when a Parquet file is read, so other commands start faster.
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import('hyparquet');
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const total = Number(metadata.num_rows);
  for (let start = 0; start < total; start += PARQUET_SLICE_ROWS) {
    const rows = await parquetReadObjects({
      file,
      metadata,
      rowStart: start,
      rowEnd: Math.min(start + PARQUET_SLICE_ROWS, total),
    });
    for (const row of rows) {
      const values: Row = {};
      for (const [key, value] of Object.entries(row)) values[key] = jsonable(value);
      yield values;
    }
  }
}

function jsonable(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : String(value);
  }
  return value;
}

/**
 * Event ids for rows that have none, derived from the file's absolute path and the row's index: re-running
 * a publish of the same file gives every row the id it had, so the service answers 409 instead of counting it twice.
 */
export function deterministicIds(path: string): (row: number) => string {
  const absolute = resolve(path);
  return (row) => createHash('sha256').update(`${absolute}\n${row}`).digest('hex').slice(0, 32);
}

/** A JSON object from a file (model info, an alert rule), or a usage error saying what is wrong with it. */
export async function readJsonObject(path: string): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`${path} must hold a JSON object`);
  return value as Record<string, unknown>;
}
