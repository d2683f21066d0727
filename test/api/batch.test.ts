// Batch publishing over real HTTP: NDJSON, CSV and JSON bodies, row errors, time fields, batch updates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  clientFor,
  seedChurnModel,
  startTestService,
  type TestService,
} from '../support/local-service.js';

let service: TestService;
let admin: Client;
const events = '/v1/projects/bank/models/churn/events';
const batch = `${events}/batch`;
const row = (id: string, extra: Record<string, unknown> = {}) => ({
  event_id: id,
  age: 30,
  balance: 10.5,
  geography: 'Spain',
  tenure: 2,
  probability_churned: 0.3,
  ...extra,
});
const ndjson = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n');

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await seedChurnModel(admin);
});

afterAll(() => service.destroy());

describe('batch inserts', () => {
  it('accepts good rows and reports bad ones by 0-based row index without stopping', async () => {
    await admin.post(events, { event: row('b-existing'), event_id: 'b-existing' });
    const body = [
      JSON.stringify(row('b-1', { event_timestamp: 1_700_000_000_000 })),
      '{not json',
      JSON.stringify(row('b-existing')),
      JSON.stringify(row('b-2', { event_timestamp: 'last tuesday' })),
      JSON.stringify(row('x'.repeat(200))),
      JSON.stringify(row('b-3')),
      JSON.stringify(row('b-1')),
    ].join('\n');
    const answer = await admin.post(batch, body, 'application/x-ndjson');
    expect(answer.status).toBe(200);
    expect(answer.body.accepted).toBe(2);
    expect(answer.body.rejected).toBe(5);
    expect(answer.body.errors.map((e: { row: number; code: string }) => [e.row, e.code])).toEqual([
      [1, 'invalid_row'],
      [2, 'already_exists'],
      [3, 'invalid_timestamp'],
      [4, 'invalid_event_id'],
      [6, 'already_exists'],
    ]);
    expect(answer.body.errors[1].event_id).toBe('b-existing');
    expect((await admin.get(`${events}/b-1`)).body.event_timestamp).toBe(1_700_000_000_000);
    expect((await admin.get(`${events}/b-3`)).status).toBe(200);
  });

  it('takes a JSON array of rows', async () => {
    const answer = await admin.post(batch, [row('j-1'), row('j-2'), 5], 'application/json');
    expect(answer.body).toMatchObject({
      accepted: 2,
      rejected: 1,
      errors: [{ row: 2, code: 'invalid_row' }],
    });
  });

  it('types CSV cells by column and reads timestamp_field in the given format', async () => {
    const csv = [
      'id,when,age,balance,geography,tenure,probability_churned,churned',
      'c-1,1700000000,41,100.5,France,3,0.25,true',
      'c-2,1700003600,forty,,Spain,4,0.75,false',
    ].join('\n');
    const answer = await admin.post(
      `${batch}?id_field=id&timestamp_field=when&timestamp_format=epoch_s`,
      csv,
      'text/csv',
    );
    expect(answer.body).toEqual({ accepted: 2, rejected: 0, errors: [], error_counts: {} });
    const first = await admin.get(`${events}/c-1`);
    expect(first.body).toEqual({
      event_id: 'c-1',
      event_timestamp: 1_700_000_000_000,
      event: {
        age: 41,
        balance: 100.5,
        geography: 'France',
        tenure: 3,
        probability_churned: 0.25,
        churned: true,
      },
    });
    // A cell that does not parse stays text (a type violation); an empty cell is null.
    expect((await admin.get(`${events}/c-2`)).body.event).toMatchObject({ age: 'forty', balance: null });
  });

  it.each([
    ['infer', 1_700_000_000, 1_700_000_000_000],
    ['infer', 1_700_000_000_123, 1_700_000_000_123],
    ['infer', '2026-05-01T00:00:00Z', Date.UTC(2026, 4, 1)],
    ['epoch_ms', 1_700_000_000, 1_700_000_000],
    ['iso8601', '2026-05-01 06:00:00', Date.UTC(2026, 4, 1, 6)],
  ])('reads timestamp_format=%s value %s as %s ms', async (format, value, expected) => {
    const id = `ts-${format}-${String(value).replace(/\W/g, '')}`;
    const answer = await admin.post(
      `${batch}?timestamp_format=${format}`,
      ndjson([row(id, { event_timestamp: value })]),
      'application/x-ndjson',
    );
    expect(answer.body.accepted).toBe(1);
    expect((await admin.get(`${events}/${id}`)).body.event_timestamp).toBe(expected);
  });

  it('rejects a number under timestamp_format=iso8601 as a row error', async () => {
    const answer = await admin.post(
      `${batch}?timestamp_format=iso8601`,
      ndjson([row('ts-bad', { event_timestamp: 5 })]),
      'application/x-ndjson',
    );
    expect(answer.body.errors[0]).toMatchObject({ row: 0, code: 'invalid_timestamp', event_id: 'ts-bad' });
  });

  it('rejects an unknown timestamp_format or update_event value with 400', async () => {
    expect(
      (await admin.post(`${batch}?timestamp_format=weird`, ndjson([row('q')]), 'application/x-ndjson'))
        .status,
    ).toBe(400);
    expect(
      (await admin.post(`${batch}?update_event=maybe`, ndjson([row('q')]), 'application/x-ndjson')).status,
    ).toBe(400);
  });

  it('answers 415 for a content type it cannot read and 404 for an unknown model', async () => {
    expect((await admin.post(batch, 'x', 'text/plain')).status).toBe(415);
    expect(
      (
        await admin.post(
          '/v1/projects/bank/models/ghost/events/batch',
          ndjson([row('q')]),
          'application/x-ndjson',
        )
      ).status,
    ).toBe(404);
  });

  it('generates ids for rows without one', async () => {
    const { event_id: _omit, ...noId } = row('unused');
    const answer = await admin.post(batch, ndjson([noId, noId]), 'application/x-ndjson');
    expect(answer.body).toMatchObject({ accepted: 2, rejected: 0 });
  });
});

describe('batch updates', () => {
  beforeAll(async () => {
    await admin.post(
      batch,
      ndjson([row('u-1', { event_timestamp: 1_600_000_000_000 }), row('u-2')]),
      'application/x-ndjson',
    );
  });

  it('sets labels by event id, keeps other columns and the timestamp, and rejects unknown ids', async () => {
    const body = ndjson([
      { event_id: 'u-1', churned: true, event_timestamp: 1_900_000_000_000 },
      { event_id: 'u-unknown', churned: false },
      { event_id: 'u-2', age: 77 },
      { churned: true },
    ]);
    const answer = await admin.post(`${batch}?update_event=true`, body, 'application/x-ndjson');
    expect(answer.body.accepted).toBe(1);
    expect(answer.body.errors.map((e: { row: number; code: string }) => [e.row, e.code])).toEqual([
      [1, 'not_found'],
      [2, 'invalid_field'],
      [3, 'missing_event_id'],
    ]);
    const updated = await admin.get(`${events}/u-1`);
    expect(updated.body.event_timestamp).toBe(1_600_000_000_000);
    expect(updated.body.event).toMatchObject({ age: 30, churned: true });
    expect((await admin.get(`${events}/u-2`)).body.event.age).toBe(30);
  });

  it('updates from CSV with typed label cells', async () => {
    const answer = await admin.post(
      `${batch}?update_event=true`,
      'event_id,churned,decision\nu-2,false,keep\n',
      'text/csv',
    );
    expect(answer.body.accepted).toBe(1);
    expect((await admin.get(`${events}/u-2`)).body.event).toMatchObject({ churned: false, decision: 'keep' });
  });
});

describe('the change feed', () => {
  it('carries every accepted write exactly once, and nothing for rejected ones', async () => {
    const before = (await service.feed.read(0, Number.POSITIVE_INFINITY)).records.length;
    const rows = Array.from({ length: 1200 }, (_, i) => row(`feed-${i}`));
    const inserted = await admin.post(
      batch,
      ndjson([...rows, row('feed-0'), row('feed-1')]),
      'application/x-ndjson',
    );
    const updates = ndjson(
      Array.from({ length: 300 }, (_, i) => ({ event_id: `feed-${i}`, churned: i % 2 === 0 })),
    );
    const updated = await admin.post(`${batch}?update_event=true`, updates, 'application/x-ndjson');
    const single = await admin.post(events, { event: row('feed-single'), event_id: 'feed-single' });
    const duplicate = await admin.post(events, { event: row('feed-single'), event_id: 'feed-single' });
    expect([
      inserted.body.accepted,
      inserted.body.rejected,
      updated.body.accepted,
      single.status,
      duplicate.status,
    ]).toEqual([1200, 2, 300, 200, 409]);

    const records = (await service.feed.read(0, Number.POSITIVE_INFINITY)).records.slice(before);
    expect(records).toHaveLength(1200 + 300 + 1);
    const inserts = records.filter((r) => r.eventName === 'INSERT').map((r) => r.dynamodb.Keys.pk?.S);
    expect(new Set(inserts).size).toBe(1201);
    const sequence = records.map((r) => BigInt(r.dynamodb.SequenceNumber));
    expect(sequence.every((value, i) => i === 0 || value > (sequence[i - 1] as bigint))).toBe(true);
  });
});
