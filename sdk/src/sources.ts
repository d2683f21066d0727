// Batch and dataset sources: rows or text, whole or streamed, decoded to string pieces and told apart.
/** Text in one piece or streamed: a string, bytes, a web ReadableStream, or any async iterable of pieces. */
export type TextSource =
  | string
  | Uint8Array
  | ReadableStream<Uint8Array>
  | AsyncIterable<string | Uint8Array>;
export type RowSource = readonly Row[] | Iterable<Row> | AsyncIterable<Row>;
export type BatchSource = RowSource | TextSource;
export type TableFormat = 'csv' | 'ndjson' | 'json';
export type Row = Record<string, unknown>;

/** Decodes any text source to string pieces. */
export async function* textPieces(source: TextSource): AsyncGenerator<string> {
  if (typeof source === 'string') {
    yield source;
    return;
  }
  const decoder = new TextDecoder();
  if (source instanceof Uint8Array) {
    yield decoder.decode(source);
    return;
  }
  const iterable: AsyncIterable<string | Uint8Array> =
    'getReader' in source ? readerPieces(source as ReadableStream<Uint8Array>) : source;
  for await (const piece of iterable) {
    yield typeof piece === 'string' ? piece : decoder.decode(piece, { stream: true });
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

async function* readerPieces(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

export type Items =
  | { kind: 'rows'; rows: AsyncIterable<unknown> }
  | { kind: 'text'; pieces: AsyncIterable<string> };

export async function itemsOf(source: BatchSource): Promise<Items> {
  if (typeof source === 'string' || source instanceof Uint8Array || 'getReader' in source) {
    return { kind: 'text', pieces: textPieces(source as TextSource) };
  }
  if (Array.isArray(source)) return { kind: 'rows', rows: toAsync(source) };
  // An iterable of unknown items: the first one says whether it holds rows or pieces of text.
  const iterator = toAsync(source as Iterable<unknown> | AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const first = await iterator.next();
  const replay = async function* () {
    if (first.done) return;
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  };
  const isText = !first.done && (typeof first.value === 'string' || first.value instanceof Uint8Array);
  if (isText) return { kind: 'text', pieces: textPieces(replay() as AsyncIterable<string | Uint8Array>) };
  return { kind: 'rows', rows: replay() };
}

export async function* toAsync<T>(items: Iterable<T> | AsyncIterable<T>): AsyncGenerator<T> {
  yield* items;
}

export async function sniffed(
  pieces: AsyncIterable<string>,
  format: TableFormat | undefined,
): Promise<{ format: TableFormat; pieces: AsyncIterable<string> }> {
  if (format) return { format, pieces };
  const iterator = pieces[Symbol.asyncIterator]();
  const seen: string[] = [];
  let found: string | undefined;
  while (found === undefined) {
    const next = await iterator.next();
    if (next.done) break;
    seen.push(next.value);
    found = /\S/.exec(next.value.replace(/^\uFEFF/, ''))?.[0];
  }
  const replay = async function* () {
    yield* seen;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  };
  return { format: found === '[' ? 'json' : found === '{' ? 'ndjson' : 'csv', pieces: replay() };
}
