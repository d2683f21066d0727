// Publishing, updating and reading single events over real HTTP (contract section 4).
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
const prediction = { age: 40, balance: 1200.5, geography: 'France', tenure: 3, probability_churned: 0.42 };

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await seedChurnModel(admin);
});

afterAll(() => service.destroy());

async function feedRecordsFor(eventId: string) {
  const { records } = await service.feed.read(0, Number.POSITIVE_INFINITY);
  return records.filter((r) => r.dynamodb.Keys.pk?.S === `bank/churn/${eventId}`);
}

describe('inserting an event', () => {
  it('stores the event with its id and timestamp and answers 200 {event_id}', async () => {
    const answer = await admin.post(events, {
      event: prediction,
      event_id: 'ins-1',
      event_timestamp: 1511253040519,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ event_id: 'ins-1' });
    const stored = await admin.get(`${events}/ins-1`);
    expect(stored.status).toBe(200);
    expect(stored.body).toEqual({ event_id: 'ins-1', event_timestamp: 1511253040519, event: prediction });
  });

  it('generates an event id and uses now when neither is given', async () => {
    const before = Date.now();
    const answer = await admin.post(events, { event: prediction });
    expect(answer.status).toBe(200);
    expect(answer.body.event_id).toMatch(/^[0-9a-f-]{36}$/);
    const stored = await admin.get(`${events}/${answer.body.event_id}`);
    expect(stored.body.event_timestamp).toBeGreaterThanOrEqual(before);
    expect(stored.body.event_timestamp).toBeLessThanOrEqual(Date.now());
  });

  it('reads an ISO-8601 timestamp as UTC epoch milliseconds', async () => {
    await admin.post(events, {
      event: prediction,
      event_id: 'iso-1',
      event_timestamp: '2026-03-01T12:30:00Z',
    });
    await admin.post(events, {
      event: prediction,
      event_id: 'iso-2',
      event_timestamp: '2026-03-01T12:30:00+02:00',
    });
    expect((await admin.get(`${events}/iso-1`)).body.event_timestamp).toBe(Date.UTC(2026, 2, 1, 12, 30));
    expect((await admin.get(`${events}/iso-2`)).body.event_timestamp).toBe(Date.UTC(2026, 2, 1, 10, 30));
  });

  it('answers 409 for an existing event_id, changes nothing and counts it once', async () => {
    await admin.post(events, { event: prediction, event_id: 'dup-1', event_timestamp: 1_700_000_000_000 });
    const again = await admin.post(events, { event: { ...prediction, age: 99 }, event_id: 'dup-1' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_exists');
    expect((await admin.get(`${events}/dup-1`)).body.event.age).toBe(40);
    expect(await feedRecordsFor('dup-1')).toHaveLength(1);
  });

  it('stores values that do not match the schema, for the integrity metrics to count', async () => {
    const odd = { age: 'forty', balance: null, geography: 'Atlantis', probability_churned: 7 };
    expect((await admin.post(events, { event: odd, event_id: 'odd-1' })).status).toBe(200);
    expect((await admin.get(`${events}/odd-1`)).body.event).toEqual(odd);
  });

  it('keeps any JSON value exactly, including numbers DynamoDB cannot hold', async () => {
    const extreme = {
      age: 1e-200,
      balance: 1.7976931348623157e308,
      geography: { nested: [1, 'two'] },
      tenure: -0.000001,
    };
    expect((await admin.post(events, { event: extreme, event_id: 'extreme-1' })).status).toBe(200);
    expect((await admin.get(`${events}/extreme-1`)).body.event).toEqual(extreme);
  });

  it('ignores fields that are not model columns and names them in warnings', async () => {
    const answer = await admin.post(events, { event: { ...prediction, shoe_size: 44 }, event_id: 'warn-1' });
    expect(answer.status).toBe(200);
    expect(answer.body.warnings).toEqual([expect.stringContaining("'shoe_size'")]);
    expect((await admin.get(`${events}/warn-1`)).body.event).not.toHaveProperty('shoe_size');
  });

  it.each([
    ['a body that is not JSON', '{"event": ', 'invalid_request', /JSON/],
    ['an event that is not an object', { event: [1, 2] }, 'invalid_field', /event/],
    ['no event', { event_id: 'x' }, 'invalid_field', /event is required/],
    ['an empty event_id', { event: prediction, event_id: '' }, 'invalid_field', /event_id/],
    [
      'a 129-character event_id',
      { event: prediction, event_id: 'x'.repeat(129) },
      'invalid_field',
      /event_id/,
    ],
    [
      'an event_id with a control character',
      { event: prediction, event_id: 'a\u0007b' },
      'invalid_field',
      /event_id/,
    ],
    [
      'an unreadable event_timestamp',
      { event: prediction, event_timestamp: 'yesterday' },
      'invalid_field',
      /event_timestamp/,
    ],
    [
      'a boolean event_timestamp',
      { event: prediction, event_timestamp: true },
      'invalid_field',
      /event_timestamp/,
    ],
    [
      'a negative event_timestamp',
      { event: prediction, event_timestamp: -5 },
      'invalid_field',
      /event_timestamp/,
    ],
    [
      'a non-boolean update_event',
      { event: prediction, update_event: 'yes' },
      'invalid_field',
      /update_event/,
    ],
  ])('rejects %s with 400 naming the field', async (_case, body, code, message) => {
    const answer = await admin.post(events, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe(code);
    expect(answer.body.error.message).toMatch(message);
  });

  it('answers 404 for an unknown model or project and for an unknown event', async () => {
    expect((await admin.post('/v1/projects/bank/models/ghost/events', { event: prediction })).status).toBe(
      404,
    );
    expect((await admin.post('/v1/projects/nowhere/models/churn/events', { event: prediction })).status).toBe(
      404,
    );
    expect((await admin.get(`${events}/never-published`)).status).toBe(404);
  });
});

describe('updating an event', () => {
  beforeAll(async () => {
    await admin.post(events, {
      event: { ...prediction, decision: 'keep', segment: 'retail' },
      event_id: 'upd-1',
      event_timestamp: 1_600_000_000_000,
    });
  });

  it('sets a late label and keeps every other column', async () => {
    const answer = await admin.post(events, {
      event: { churned: true },
      event_id: 'upd-1',
      update_event: true,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ event_id: 'upd-1' });
    expect((await admin.get(`${events}/upd-1`)).body.event).toEqual({
      ...prediction,
      decision: 'keep',
      segment: 'retail',
      churned: true,
    });
  });

  it('never moves the event to another time bin, whatever timestamp the update carries', async () => {
    await admin.post(events, {
      event: { decision: 'call' },
      event_id: 'upd-1',
      update_event: true,
      event_timestamp: 1_800_000_000_000,
    });
    expect((await admin.get(`${events}/upd-1`)).body.event_timestamp).toBe(1_600_000_000_000);
  });

  it('clears a column given as null', async () => {
    await admin.post(events, { event: { segment: null }, event_id: 'upd-1', update_event: true });
    expect((await admin.get(`${events}/upd-1`)).body.event.segment).toBeNull();
  });

  it.each([
    ['an input', { age: 50 }, 'age'],
    ['an output', { probability_churned: 0.9 }, 'probability_churned'],
  ])('refuses to change %s with 400 naming the column, changing nothing', async (_case, event, column) => {
    const answer = await admin.post(events, {
      event: { ...event, churned: false },
      event_id: 'upd-1',
      update_event: true,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain(column);
    expect((await admin.get(`${events}/upd-1`)).body.event).toMatchObject({ ...prediction, churned: true });
  });

  it('needs an event_id (400) of an existing event (404)', async () => {
    const noId = await admin.post(events, { event: { churned: true }, update_event: true });
    expect(noId.status).toBe(400);
    expect(noId.body.error.message).toContain('event_id');
    const unknown = await admin.post(events, {
      event: { churned: true },
      event_id: 'nope',
      update_event: true,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('nope');
    expect((await admin.get(`${events}/nope`)).status).toBe(404);
  });

  it('puts the old and the new image of every update on the change feed', async () => {
    await admin.post(events, { event: prediction, event_id: 'upd-feed', event_timestamp: 1_650_000_000_000 });
    await admin.post(events, { event: { churned: false }, event_id: 'upd-feed', update_event: true });
    const records = await feedRecordsFor('upd-feed');
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY']);
    const modify = records[1];
    expect(modify?.dynamodb.OldImage?.ev?.M?.churned).toBeUndefined();
    expect(modify?.dynamodb.NewImage?.ev?.M?.churned).toEqual({ S: 'false' });
    expect(modify?.dynamodb.NewImage?.ts).toEqual({ N: '1650000000000' });
  });
});
