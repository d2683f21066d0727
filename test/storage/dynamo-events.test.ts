import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlreadyExists, InvalidInput, NotFound } from '../../shared/errors.js';
import { newEvent } from '../../shared/events/publish.js';
import { type ChangeRecord, imageOf } from '../../shared/feed/change-record.js';
import type { ModelInfo } from '../../shared/schema/types.js';
import type { TableNames } from '../../shared/storage/dynamo/client.js';
import { DynamoEventStore } from '../../shared/storage/dynamo/events.js';
import { DynamoRegistryStore } from '../../shared/storage/dynamo/registry.js';
import { EVENT_HOUR_SHARDS } from '../../shared/storage/dynamo/table-designs.js';
import type { EventKey, NewEvent } from '../../shared/storage/events.js';
import type { ModelRecord } from '../../shared/storage/registry.js';
import { startTestDynamo, type TestDynamo } from '../support/test-dynamo.js';

const TABLES: TableNames = { registry: 'test-registry', events: 'test-events', profiles: 'test-profiles' };
const DAY_S = 86_400;

let dynamo: TestDynamo;
let documents: DynamoDBDocumentClient;
let events: DynamoEventStore;
let registry: DynamoRegistryStore;

beforeAll(async () => {
  dynamo = await startTestDynamo(TABLES);
  ({ documents } = dynamo);
  events = new DynamoEventStore(documents, TABLES.events);
  registry = new DynamoRegistryStore(documents, TABLES.registry);
});

afterAll(() => dynamo?.close());

const modelInfo = (modelId: string, retentionDays = 180): ModelInfo => ({
  project_id: 'bank',
  model_id: modelId,
  dataset_id: 'baseline',
  task: 'binary_classification',
  inputs: ['age', 'geography'],
  outputs: ['probability'],
  targets: ['churned'],
  decisions: ['decision'],
  metadata: ['segment'],
  binary_classification_threshold: 0.5,
  target_class_order: [false, true],
  retention_days: retentionDays,
  created_at: 1_700_000_000_000,
});

const modelRecord = (modelId: string, retentionDays?: number): ModelRecord => ({
  info: modelInfo(modelId, retentionDays),
  column_types: {},
  monitoring: { bins: {}, version: 1, updated_at: 1_700_000_000_000 },
});

/** A new event of model `modelId`, received now, as the publish path builds it. */
function eventOf(modelId: string, eventId: string, values: Record<string, unknown> = {}): NewEvent {
  return newEvent(
    modelRecord(modelId),
    eventId,
    1_767_225_600_000,
    { age: 40, geography: 'France', probability: 0.42, ...values },
    Date.now(),
  );
}

const keyOf = (event: NewEvent): EventKey => ({
  project_id: event.project_id,
  model_id: event.model_id,
  event_id: event.event_id,
});

async function rawItem(event: EventKey): Promise<Record<string, unknown> | undefined> {
  const result = await documents.send(
    new GetCommand({
      TableName: TABLES.events,
      Key: { pk: `${event.project_id}/${event.model_id}/${event.event_id}` },
      ConsistentRead: true,
    }),
  );
  return result.Item;
}

const eventIdsOf = (changes: ChangeRecord[]) =>
  changes.map((change) => imageOf(change.dynamodb.NewImage)?.event_id as string);

describe('DynamoEventStore inserts', () => {
  it('reads back an inserted event exactly as it was given', async () => {
    const event = eventOf('ins', 'e-1', { churned: true, segment: { tier: 'gold', tags: ['a', 1] } });

    await events.insert(event);

    const { expires_at: _expiresAt, ...stored } = event;
    expect(await events.get(keyOf(event))).toEqual(stored);
  });

  it('answers an INSERT change record carrying the new item and no old image', async () => {
    const event = eventOf('ins', 'e-2');

    const change = await events.insert(event);

    expect(change.eventName).toBe('INSERT');
    expect(change.dynamodb.OldImage).toBeUndefined();
    expect(imageOf(change.dynamodb.NewImage)).toEqual(await rawItem(keyOf(event)));
  });

  it('answers undefined for an event that was never inserted', async () => {
    const stored = await events.get({ project_id: 'bank', model_id: 'ins', event_id: 'never' });

    expect(stored).toBeUndefined();
  });

  it('refuses an insert of an existing id with AlreadyExists and leaves the item unchanged', async () => {
    const first = eventOf('ins', 'e-dup', { age: 40 });
    await events.insert(first);
    const before = await rawItem(keyOf(first));

    const second = events.insert(eventOf('ins', 'e-dup', { age: 99 }));

    await expect(second).rejects.toBeInstanceOf(AlreadyExists);
    expect(await rawItem(keyOf(first))).toEqual(before);
  });

  it('keeps events of different models with the same id apart', async () => {
    const mine = eventOf('apart-a', 'same-id', { age: 1 });
    const theirs = eventOf('apart-b', 'same-id', { age: 2 });

    await events.insert(mine);
    await events.insert(theirs);

    expect((await events.get(keyOf(mine)))?.event.age).toBe(1);
    expect((await events.get(keyOf(theirs)))?.event.age).toBe(2);
  });
});

describe('DynamoEventStore item layout', () => {
  it('expires an event its retention after it was received, in epoch seconds, even a backfilled one', async () => {
    const receivedAt = Date.now();
    const backfill = newEvent(
      modelRecord('layout', 30),
      'old-1',
      Date.UTC(2020, 0, 1),
      { age: 1 },
      receivedAt,
    );

    await events.insert(backfill);

    const item = await rawItem(keyOf(backfill));
    expect(item?.received_at).toBe(receivedAt);
    expect(item?.expires_at).toBe(Math.floor(receivedAt / 1000) + 30 * DAY_S);
  });

  it('files an event under the hour shard of its event time, which the by_hour index finds it by', async () => {
    const timestamp = Date.UTC(2026, 0, 15, 13, 42, 7, 123);
    const event = newEvent(modelRecord('layout'), 'sharded-1', timestamp, { age: 1 }, Date.now());

    await events.insert(event);

    const shard = (await rawItem(keyOf(event)))?.hour_shard as string;
    const match = /^bank\/layout\/(\d+)\/(\d+)$/.exec(shard);
    expect(Number(match?.[1])).toBe(Date.UTC(2026, 0, 15, 13));
    expect(Number(match?.[2])).toBeLessThan(EVENT_HOUR_SHARDS);
    const found = await documents.send(
      new QueryCommand({
        TableName: TABLES.events,
        IndexName: 'by_hour',
        KeyConditionExpression: 'hour_shard = :shard',
        ExpressionAttributeValues: { ':shard': shard },
      }),
    );
    expect(found.Items?.map((item) => item.event_id)).toContain('sharded-1');
  });

  it("spreads the events of one model-hour over several of that hour's shard keys", async () => {
    const hour = Date.UTC(2026, 1, 2, 5);
    const batch = Array.from({ length: 64 }, (_, i) =>
      newEvent(modelRecord('spread'), `spread-${i}`, hour + i * 50_000, { age: i }, Date.now()),
    );

    await events.insertMany(batch);

    const shards = new Set<string>();
    for (const event of batch) shards.add((await rawItem(keyOf(event)))?.hour_shard as string);
    for (const shard of shards) expect(shard).toMatch(new RegExp(`^bank/spread/${hour}/\\d+$`));
    expect(shards.size).toBeGreaterThan(1);
    expect(shards.size).toBeLessThanOrEqual(EVENT_HOUR_SHARDS);
  });
});

describe('DynamoEventStore hour reads', () => {
  it("reads every event of one model-hour across the hour's shards, and none of another hour or model", async () => {
    const hour = Date.UTC(2026, 2, 3, 7);
    const inHour = Array.from({ length: 40 }, (_, i) =>
      newEvent(modelRecord('hourly'), `h-${i}`, hour + i * 60_000, { age: i }, Date.now()),
    );
    const nextHour = newEvent(modelRecord('hourly'), 'h-next', hour + 3_600_000, { age: 99 }, Date.now());
    const otherModel = newEvent(modelRecord('hourly-other'), 'h-0', hour, { age: -1 }, Date.now());
    await events.insertMany([...inHour, nextHour, otherModel]);

    const read = await events.readHour('bank', 'hourly', hour);

    expect(read.map((revision) => revision.event_id).sort()).toEqual(inHour.map((e) => e.event_id).sort());
    expect(read.find((revision) => revision.event_id === 'h-7')?.values).toEqual(inHour[7]?.event);
  });

  it('reads an updated event at its next revision', async () => {
    const hour = Date.UTC(2026, 2, 3, 9);
    const event = newEvent(modelRecord('hourly'), 'h-rev', hour, { age: 1 }, Date.now());
    await events.insert(event);

    await events.update(keyOf(event), { churned: true });

    const [revision] = await events.readHour('bank', 'hourly', hour);
    expect(revision?.rev).toBe(2);
    expect(revision?.values).toMatchObject({ age: 1, churned: true });
  });
});

describe('DynamoEventStore batch inserts', () => {
  it('reports existing ids and ids repeated in the call as duplicates by position and writes the rest once', async () => {
    await events.insert(eventOf('many', 'exists-1', { age: 1 }));
    const batch = [
      eventOf('many', 'exists-1', { age: 100 }),
      eventOf('many', 'fresh-1', { age: 2 }),
      eventOf('many', 'fresh-2', { age: 3 }),
      eventOf('many', 'fresh-1', { age: 200 }),
      eventOf('many', 'fresh-3', { age: 4 }),
      eventOf('many', 'exists-1', { age: 300 }),
    ];

    const result = await events.insertMany(batch);

    expect([...result.duplicates].sort()).toEqual([0, 3, 5]);
    expect(eventIdsOf(result.changes)).toEqual(['fresh-1', 'fresh-2', 'fresh-3']);
    expect(result.changes.every((change) => change.eventName === 'INSERT')).toBe(true);
    expect(
      (await events.get({ project_id: 'bank', model_id: 'many', event_id: 'exists-1' }))?.event.age,
    ).toBe(1);
    expect((await events.get({ project_id: 'bank', model_id: 'many', event_id: 'fresh-1' }))?.event.age).toBe(
      2,
    );
  });

  it('writes every event of a batch larger than one BatchGet and BatchWrite page', async () => {
    const existing = Array.from({ length: 29 }, (_, i) => eventOf('pages', `p-${i * 9}`, { age: -1 }));
    await events.insertMany(existing);
    const batch = Array.from({ length: 260 }, (_, i) => eventOf('pages', `p-${i}`, { age: i }));

    const result = await events.insertMany(batch);

    const existingPositions = existing.map((_, i) => i * 9);
    expect([...result.duplicates].sort((a, b) => a - b)).toEqual(existingPositions);
    expect(result.changes).toHaveLength(260 - 29);
    for (const [i, event] of batch.entries()) {
      const stored = await events.get(keyOf(event));
      expect(stored?.event.age).toBe(existingPositions.includes(i) ? -1 : i);
    }
  });

  it('never writes an id twice when calls with overlapping ids run concurrently in one process', async () => {
    const pool = Array.from({ length: 40 }, (_, i) => `c-${i}`);
    const calls = Array.from({ length: 8 }, (_, call) =>
      pool.filter((_, i) => (i + call) % 3 !== 0).map((id) => eventOf('concurrent', id, { age: call })),
    );

    const results = await Promise.all(
      calls.map(async (batch, call) => {
        // Staggered starts, so some calls overlap an earlier call's check and some its write.
        await new Promise((resolve) => setTimeout(resolve, call % 4));
        return events.insertMany(batch);
      }),
    );

    const written = results.flatMap((result) => eventIdsOf(result.changes));
    expect(written.sort()).toEqual([...pool].sort());
    for (const [call, result] of results.entries()) {
      expect(result.changes.length + result.duplicates.size).toBe(calls[call]?.length);
    }
  });

  it('answers no changes and no duplicates for an empty batch', async () => {
    const result = await events.insertMany([]);

    expect(result.changes).toEqual([]);
    expect(result.duplicates.size).toBe(0);
  });
});

describe('DynamoEventStore updates', () => {
  it('sets only the named columns and leaves the other columns and the timestamp', async () => {
    const event = eventOf('upd', 'u-1', { churned: null, decision: 'keep', segment: 'retail' });
    await events.insert(event);
    const before = await rawItem(keyOf(event));

    await events.update(keyOf(event), { churned: true, segment: null });

    const after = await rawItem(keyOf(event));
    expect(await events.get(keyOf(event))).toMatchObject({
      event_timestamp: event.event_timestamp,
      received_at: event.received_at,
      event: { ...event.event, churned: true, decision: 'keep', segment: null },
    });
    expect(after?.ts).toBe(before?.ts);
    expect(after?.hour_shard).toBe(before?.hour_shard);
    expect(after?.expires_at).toBe(before?.expires_at);
  });

  it('answers a MODIFY change record with the item before and after the update', async () => {
    const event = eventOf('upd', 'u-2', { decision: 'keep' });
    await events.insert(event);
    const before = await rawItem(keyOf(event));

    const change = await events.update(keyOf(event), { churned: false, decision: 'call' });

    expect(change.eventName).toBe('MODIFY');
    expect(imageOf(change.dynamodb.OldImage)).toEqual(before);
    expect(imageOf(change.dynamodb.NewImage)).toEqual(await rawItem(keyOf(event)));
    expect(change.dynamodb.Keys.pk?.S).toBe('bank/upd/u-2');
  });

  it('sets a column whose name needs escaping in an update expression', async () => {
    const event = eventOf('upd', 'u-3');
    await events.insert(event);

    await events.update(keyOf(event), { 'label.final #1': 'yes', 'a:b': 2 });

    expect((await events.get(keyOf(event)))?.event).toMatchObject({ 'label.final #1': 'yes', 'a:b': 2 });
  });

  it('refuses an update of a missing event with NotFound and creates nothing', async () => {
    const key = { project_id: 'bank', model_id: 'upd', event_id: 'u-missing' };

    const update = events.update(key, { churned: true });

    await expect(update).rejects.toBeInstanceOf(NotFound);
    expect(await rawItem(key)).toBeUndefined();
  });
});

describe('DynamoRegistryStore', () => {
  it('reads back a project it created', async () => {
    await registry.createProject({ project_id: 'reg-a', created_at: 1 });

    expect(await registry.getProject('reg-a')).toEqual({ project_id: 'reg-a', created_at: 1 });
  });

  it('refuses to create a project twice with AlreadyExists and keeps the first', async () => {
    await registry.createProject({ project_id: 'reg-twice', created_at: 1 });

    const again = registry.createProject({ project_id: 'reg-twice', created_at: 2 });

    await expect(again).rejects.toBeInstanceOf(AlreadyExists);
    expect((await registry.getProject('reg-twice'))?.created_at).toBe(1);
  });

  it('lists every project once across pages of next tokens', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `list-${i}`);
    for (const id of ids) await registry.createProject({ project_id: id, created_at: 0 });

    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await registry.listProjects(3, nextToken);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((project) => project.project_id));
      nextToken = page.nextToken;
    } while (nextToken);

    expect(seen.filter((id) => id.startsWith('list-'))).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses a next token it never gave out with InvalidInput', async () => {
    const list = registry.listProjects(10, 'not-a-token');

    await expect(list).rejects.toBeInstanceOf(InvalidInput);
  });

  it('reads back a model and replaces only its monitoring config', async () => {
    const model = modelRecord('reg-model');
    await registry.createModel(model);
    const config = { bins: { age: { edges: [18, 30.5, 65] } }, version: 2, updated_at: 5 };

    await registry.setMonitoringConfig('bank', 'reg-model', config);

    expect(await registry.getModel('bank', 'reg-model')).toEqual({ ...model, monitoring: config });
  });

  it('refuses to set the monitoring config of a missing model and creates nothing', async () => {
    const set = registry.setMonitoringConfig('bank', 'reg-nobody', { bins: {}, version: 2, updated_at: 0 });

    await expect(set).rejects.toThrow();
    expect(await registry.getModel('bank', 'reg-nobody')).toBeUndefined();
  });

  it('deletes a token once and then reports it gone', async () => {
    await registry.putToken({
      token_id: 'tok_reg',
      name: 'ci',
      projects: ['bank'],
      token_hash: 'ab'.repeat(32),
      created_at: 0,
    });

    const first = await registry.deleteToken('tok_reg');
    const second = await registry.deleteToken('tok_reg');

    expect([first, second]).toEqual([true, false]);
    expect(await registry.getToken('tok_reg')).toBeUndefined();
  });

  it('reads back an upload under its own project only', async () => {
    const upload = {
      project_id: 'bank',
      dataset_id: 'baseline',
      upload_id: 'up_reg',
      blob_key: 'uploads/bank/baseline/up_reg',
      format: 'csv' as const,
      created_at: 1,
      expires_at: 2,
    };

    await registry.putUpload(upload);

    expect(await registry.getUpload('bank', 'up_reg')).toEqual(upload);
    expect(await registry.getUpload('other', 'up_reg')).toBeUndefined();
  });
});
