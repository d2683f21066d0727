// Streams of records from tabular bodies (CSV, NDJSON, JSON array), parsed incrementally so a large
// baseline or batch never sits in memory as one string.

import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import { InvalidInput, UnsupportedMediaType } from '../errors.js';

export const TABLE_FORMATS = ['csv', 'ndjson', 'json'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

/** One data row: its 0-based index and either its values or why it could not be read. */
export type RowResult = { row: number; values: Record<string, unknown> } | { row: number; error: string };

/** The table format a Content-Type names, or a 415 naming what is accepted. */
export function tableFormatOf(contentType: string | undefined): TableFormat {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  switch (mediaType) {
    case 'text/csv':
      return 'csv';
    case 'application/x-ndjson':
    case 'application/ndjson':
    case 'application/jsonl':
      return 'ndjson';
    case 'application/json':
      return 'json';
    default:
      throw new UnsupportedMediaType(
        `Content-Type ${mediaType ? `'${mediaType}'` : '(none)'} is not accepted: use text/csv, application/x-ndjson or application/json`,
      );
  }
}

/** Reads rows from a byte stream. CSV cells stay strings (empty cells become null): callers type them. */
export function readRows(body: Readable, format: TableFormat): AsyncIterable<RowResult> {
  switch (format) {
    case 'csv':
      return csvRows(body);
    case 'ndjson':
      return ndjsonRows(body);
    case 'json':
      return jsonArrayRows(body);
  }
}

async function* csvRows(body: Readable): AsyncIterable<RowResult> {
  const parser = body.pipe(
    parseCsv({
      columns: headerOf,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      trim: false,
    }),
  );
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      const values: Record<string, unknown> = {};
      for (const [key, cell] of Object.entries(record)) values[key] = cell === '' ? null : cell;
      yield { row: row++, values };
    }
  } catch (error) {
    throw new InvalidInput(
      `CSV body could not be read ${row === 0 ? 'at its header or first row' : `after data row ${row - 1}`}: ${(error as Error).message}`,
    );
  }
}

function headerOf(header: string[]): string[] {
  const seen = new Set<string>();
  for (const [index, name] of header.entries()) {
    if (name.trim() === '') throw new InvalidInput(`CSV header column ${index + 1} has no name`);
    if (seen.has(name)) throw new InvalidInput(`CSV header names column '${name}' twice`);
    seen.add(name);
  }
  return header;
}

async function* ndjsonRows(body: Readable): AsyncIterable<RowResult> {
  const lines = createInterface({ input: body, crlfDelay: Number.POSITIVE_INFINITY });
  let row = 0;
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const index = row++;
    try {
      const value: unknown = JSON.parse(line);
      if (isRecord(value)) yield { row: index, values: value };
      else yield { row: index, error: 'line is not a JSON object' };
    } catch {
      yield { row: index, error: 'line is not valid JSON' };
    }
  }
}

async function* jsonArrayRows(body: Readable): AsyncIterable<RowResult> {
  const first = await firstSignificantByte(body);
  if (first.byte !== '[') throw new InvalidInput('JSON body must be an array of records');
  const stream = first.rest.pipe(StreamArray.withParser());
  try {
    for await (const { key, value } of stream as AsyncIterable<{ key: number; value: unknown }>) {
      if (isRecord(value)) yield { row: key, values: value };
      else yield { row: key, error: 'array element is not a JSON object' };
    }
  } catch (error) {
    throw new InvalidInput(`JSON body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Peeks at the first non-whitespace character and returns a stream that still yields every byte. */
export async function firstSignificantByte(body: Readable): Promise<{ byte: string | null; rest: Readable }> {
  const seen: Buffer[] = [];
  const iterator = body[Symbol.asyncIterator]();
  let byte: string | null = null;
  while (byte === null) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    seen.push(chunk);
    const match = /\S/.exec(chunk.toString('latin1'));
    if (match) byte = match[0];
  }
  async function* replay() {
    yield* seen;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  }
  return { byte, rest: Readable.from(replay(), { objectMode: false }) };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
