import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlreadyExists } from '../../shared/errors.js';
import { DynamoEventStore } from '../../shared/storage/dynamo/events.js';
import type { NewEvent } from '../../shared/storage/events.js';
import {
  type Client,
  clientFor,
  seedChurnModel,
  startTestService,
  type TestService,
} from '../support/local-service.js';
import { startTestDynamo, type TestDynamo } from '../support/test-dynamo.js';
import { EVENTS, HOUR, total } from './publishing-load.js';

describe('the single route racing a one-row batch for the same ids', () => {
  let service: TestService;
  let admin: Client;

  beforeAll(async () => {
    service = await startTestService();
    admin = clientFor(service.url, service.adminToken);
    await seedChurnModel(admin);
  });

  afterAll(() => service.destroy());

  it('acknowledges each id exactly once, keeps the acknowledged values, and counts 400 events', async () => {
    const ids = Array.from({ length: 400 }, (_, i) => `race-${i}`);
    const acknowledged = new Map<string, number>();
    const other = { age: 40, balance: 1, geography: 'France', probability_churned: 0.5 };

    await Promise.all(
      ids.map(async (id, i) => {
        const [single, batch] = await Promise.all([
          admin.post(EVENTS, { event_id: id, event_timestamp: HOUR + i, event: { ...other, tenure: 1 } }),
          admin.post(
            `${EVENTS}/batch`,
            JSON.stringify({ event_id: id, event_timestamp: HOUR + i, ...other, tenure: 2 }),
            'application/x-ndjson',
          ),
        ]);
        if (single.status === 200) acknowledged.set(id, (acknowledged.get(id) ?? 0) + 1);
        else expect(single.status, single.text).toBe(409);
        if (batch.body.accepted === 1) acknowledged.set(id, (acknowledged.get(id) ?? 0) + 10);
        else expect(batch.body.errors[0].code).toBe('already_exists');
      }),
    );

    expect([...acknowledged.values()].filter((n) => n !== 1 && n !== 10)).toEqual([]);
    expect(acknowledged.size).toBe(400);
    for (const id of ids.slice(0, 50)) {
      const stored = await admin.get(`${EVENTS}/${id}`);
      expect(stored.body.event.tenure).toBe(acknowledged.get(id) === 1 ? 1 : 2);
    }
    await admin.post('/v1/monitor/run');
    expect(await total(admin, 'traffic')).toBe(400);
  });
});

describe('two processes inserting the same ids into one table at once', () => {
  let dynamo: TestDynamo;

  beforeAll(async () => {
    dynamo = await startTestDynamo({
      registry: 'race-registry',
      events: 'race-events',
      profiles: 'race-profiles',
    });
  });

  afterAll(() => dynamo?.close());

  /** A store as another process would have it: its own client, its own in-process locks. */
  const processStore = () =>
    new DynamoEventStore(DynamoDBDocumentClient.from(dynamo.connect()), 'race-events');

  const event = (id: string, source: string): NewEvent => ({
    project_id: 'bank',
    model_id: 'churn',
    event_id: id,
    event_timestamp: HOUR,
    received_at: HOUR,
    expires_at: 0,
    event: { source },
  });

  it('lands exactly one write per id, through batches and single inserts alike', async () => {
    const [first, second] = [processStore(), processStore()];
    const ids = Array.from({ length: 300 }, (_, i) => `p-${i}`);
    const landed = new Map<string, number>();
    const count = (id: string) => landed.set(id, (landed.get(id) ?? 0) + 1);

    await Promise.all([
      first.insertMany(ids.map((id) => event(id, 'first'))).then(({ changes }) => {
        for (const change of changes) count(change.dynamodb.Keys.pk?.S?.split('/')[2] as string);
      }),
      second.insertMany([...ids].reverse().map((id) => event(id, 'second'))).then(({ changes }) => {
        for (const change of changes) count(change.dynamodb.Keys.pk?.S?.split('/')[2] as string);
      }),
      ...ids
        .filter((_, i) => i % 3 === 0)
        .map((id) =>
          second.insert(event(id, 'single')).then(
            () => count(id),
            (error) => expect(error).toBeInstanceOf(AlreadyExists),
          ),
        ),
    ]);

    expect(landed.size).toBe(ids.length);
    expect([...landed.values()].every((n) => n === 1)).toBe(true);
  });
});
