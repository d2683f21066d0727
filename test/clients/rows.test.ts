// The SDK's CSV reader and batch chunking, without a service: records checked against csv-parse, chunks
// checked for ids, row indices and refused rows.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvRecordReader, csvLine } from '../../sdk/src/csv.js';
import { type Chunk, chunksOf } from '../../sdk/src/rows.js';

const readAll = (text: string, pieceLength: number) => {
  const reader = new CsvRecordReader();
  const records: string[][] = [];
  for (let start = 0; start < text.length; start += pieceLength) {
    records.push(...reader.push(text.slice(start, start + pieceLength)));
  }
  return [...records, ...reader.end()];
};

const collect = async (chunks: AsyncIterable<Chunk>) => {
  const all: Chunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
};

describe('the CSV reader', () => {
  it.each([
    ['plain cells', 'a,b,c\n1,2,3\n4,5,6'],
    ['CRLF line ends and a trailing line break', 'a,b\r\n1,2\r\n'],
    ['quoted commas, quotes and line breaks', 'a,b\n"x,y","say ""hi""\nthere"\n"",last'],
    ['empty cells and empty lines', 'a,b,c\n,,\n\n1,,3\n'],
    ['a byte order mark', '\uFEFFid,v\n1,2'],
  ])('reads %s as csv-parse does, however the text is split', (_name, text) => {
    const expected = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true });
    for (const pieceLength of [1, 2, 3, 7, text.length]) expect(readAll(text, pieceLength)).toEqual(expected);
  });

  it('writes cells back so that they read the same', () => {
    const cells = ['plain', 'with,comma', 'with "quote"', 'two\nlines', ''];
    expect(readAll(csvLine(cells), 4)).toEqual([cells]);
  });
});

describe('batch chunking', () => {
  const options = {
    idField: 'event_id',
    chunkRows: 2,
    chunkBytes: 1_000_000,
    idFor: (row: number) => `id-${row}`,
  };

  it('adds an id column to CSV rows, keeps given ids and refuses records of the wrong width', async () => {
    const csv = 'event_id,x\nkeep,1\n,2\n3\nlast,4';
    const chunks = await collect(chunksOf(csv, options));
    expect(chunks.map((c) => c.body)).toEqual(['event_id,x\nkeep,1\nid-1,2', 'event_id,x\nlast,4']);
    expect(chunks.map((c) => c.rows)).toEqual([[0, 1], [3]]);
    expect(chunks[1]?.refused).toEqual([expect.objectContaining({ row: 2, code: 'invalid_row' })]);
    const appended = await collect(chunksOf('x\n1', options));
    expect(appended[0]?.body).toBe('x,event_id\n1,id-0');
  });

  it('gives NDJSON rows ids and passes lines that are not objects on for the service to reject', async () => {
    const ndjson = '{"x":1}\n\nnot json\n{"x":2,"event_id":"mine"}\n';
    const chunks = await collect(chunksOf(new TextEncoder().encode(ndjson), options));
    expect(chunks.map((c) => c.body)).toEqual([
      '{"x":1,"event_id":"id-0"}\nnot json',
      '{"x":2,"event_id":"mine"}',
    ]);
    expect(chunks.map((c) => c.rows)).toEqual([[0, 1], [2]]);
  });

  it('leaves rows without ids alone for updates, and sends 64-bit integers as numbers', async () => {
    const rows = [{ x: 10n }, { x: 2n ** 60n, event_id: 'e' }];
    const [chunk] = await collect(chunksOf(rows, { ...options, idFor: undefined }));
    expect(chunk?.body).toBe('{"x":10}\n{"x":"1152921504606846976","event_id":"e"}');
  });
});
