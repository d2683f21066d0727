// Turns what a caller hands to publishBatch (rows, or CSV / NDJSON / JSON text, whole or streamed) into
// request-sized chunks, giving each insert row an event id so that a retried chunk can never count twice.
import { CsvRecordReader, csvLine } from './csv.js';
import { type BatchSource, itemsOf, type Row, sniffed, type TableFormat, toAsync } from './sources.js';
import type { BatchRowError } from './types.js';

/** The rows of one request. */
export interface Chunk {
  body: string;
  contentType: 'text/csv' | 'application/x-ndjson';
  /** The source row index of each row in the body, in body order. */
  rows: number[];
  /** Rows refused before sending (a CSV record with the wrong number of cells, a non-object row). */
  refused: BatchRowError[];
}

export interface ChunkOptions {
  /** The format of text sources; default: sniffed (`[` JSON array, `{` NDJSON, else CSV). */
  format?: TableFormat;
  idField: string;
  /** Gives an event id to a row without one; absent: rows are sent as they are (updates). */
  idFor?: (row: number) => string;
  chunkRows: number;
  /** Approximate (characters) size limit of one request body. */
  chunkBytes: number;
}

export async function* chunksOf(source: BatchSource, options: ChunkOptions): AsyncGenerator<Chunk> {
  const items = await itemsOf(source);
  if (items.kind === 'rows') yield* rowChunks(items.rows, options);
  else {
    const text = await sniffed(items.pieces, options.format);
    if (text.format === 'csv') yield* csvChunks(text.pieces, options);
    else if (text.format === 'ndjson') yield* ndjsonChunks(text.pieces, options);
    else yield* rowChunks(await jsonArrayRows(text.pieces), options);
  }
}

/** Collects chunk lines until a row or size limit is reached. */
class ChunkBuilder {
  private lines: string[] = [];
  private rows: number[] = [];
  private refused: BatchRowError[] = [];
  private size = 0;

  constructor(
    private readonly options: ChunkOptions,
    private readonly contentType: Chunk['contentType'],
    private readonly header?: string,
  ) {}

  add(line: string, row: number): Chunk | undefined {
    this.lines.push(line);
    this.rows.push(row);
    this.size += line.length + 1;
    const full = this.rows.length >= this.options.chunkRows || this.size >= this.options.chunkBytes;
    return full ? this.take() : undefined;
  }

  refuse(error: BatchRowError): void {
    this.refused.push(error);
  }

  take(): Chunk | undefined {
    if (this.rows.length === 0 && this.refused.length === 0) return undefined;
    const lines = this.header === undefined ? this.lines : [this.header, ...this.lines];
    const chunk: Chunk = {
      body: lines.join('\n'),
      contentType: this.contentType,
      rows: this.rows,
      refused: this.refused,
    };
    this.lines = [];
    this.rows = [];
    this.refused = [];
    this.size = 0;
    return chunk;
  }
}

async function* rowChunks(rows: AsyncIterable<unknown>, options: ChunkOptions): AsyncGenerator<Chunk> {
  const builder = new ChunkBuilder(options, 'application/x-ndjson');
  let index = 0;
  for await (const value of rows) {
    const row = index++;
    if (!isRow(value)) {
      builder.refuse({ row, event_id: null, code: 'invalid_row', message: 'the row is not an object' });
      continue;
    }
    const chunk = builder.add(JSON.stringify(withId(value, row, options), jsonValue), row);
    if (chunk) yield chunk;
  }
  const last = builder.take();
  if (last) yield last;
}

async function* ndjsonChunks(pieces: AsyncIterable<string>, options: ChunkOptions): AsyncGenerator<Chunk> {
  const builder = new ChunkBuilder(options, 'application/x-ndjson');
  let row = 0;
  let partial = '';
  const lineOf = (line: string): string => {
    // A line that is not a JSON object goes as it is: the service rejects it with the right row index.
    try {
      const value: unknown = JSON.parse(line);
      return isRow(value) ? JSON.stringify(withId(value, row, options)) : line;
    } catch {
      return line;
    }
  };
  const consume = function* (text: string) {
    for (const line of text.split(/\r?\n/)) {
      if (line.trim() === '') continue;
      const chunk = builder.add(lineOf(line), row++);
      if (chunk) yield chunk;
    }
  };
  for await (const piece of pieces) {
    const text = partial + piece;
    const end = text.lastIndexOf('\n');
    partial = text.slice(end + 1);
    if (end >= 0) yield* consume(text.slice(0, end));
  }
  yield* consume(partial);
  const last = builder.take();
  if (last) yield last;
}

async function* csvChunks(pieces: AsyncIterable<string>, options: ChunkOptions): AsyncGenerator<Chunk> {
  const reader = new CsvRecordReader();
  let header: string[] | undefined;
  let builder: ChunkBuilder | undefined;
  let idColumn = -1;
  let appendId = false;
  let row = 0;
  const consume = function* (records: string[][]) {
    for (const record of records) {
      if (!header) {
        header = record;
        idColumn = header.indexOf(options.idField);
        appendId = idColumn < 0 && options.idFor !== undefined;
        builder = new ChunkBuilder(
          options,
          'text/csv',
          csvLine(appendId ? [...header, options.idField] : header),
        );
        continue;
      }
      const index = row++;
      const target = builder as ChunkBuilder;
      if (record.length !== header.length) {
        const message = `the CSV record has ${record.length} cells; the header has ${header.length} columns`;
        target.refuse({ row: index, event_id: null, code: 'invalid_row', message });
        continue;
      }
      if (appendId) record.push((options.idFor as (row: number) => string)(index));
      else if (idColumn >= 0 && record[idColumn] === '' && options.idFor)
        record[idColumn] = options.idFor(index);
      const chunk = target.add(csvLine(record), index);
      if (chunk) yield chunk;
    }
  };
  for await (const piece of pieces) yield* consume(reader.push(piece));
  yield* consume(reader.end());
  const last = builder?.take();
  if (last) yield last;
}

async function jsonArrayRows(pieces: AsyncIterable<string>): Promise<AsyncIterable<unknown>> {
  let text = '';
  for await (const piece of pieces) text += piece;
  const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
  if (!Array.isArray(value)) throw new TypeError('a JSON batch must be an array of rows');
  return toAsync(value);
}

function withId(value: Row, row: number, options: ChunkOptions): Row {
  const given = value[options.idField];
  if (!options.idFor || (given !== undefined && given !== null && given !== '')) return value;
  return { ...value, [options.idField]: options.idFor(row) };
}

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON has no BigInt (Parquet INT64 columns): a safe integer becomes a number, a larger one a string. */
function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : String(value);
}
