// Documents larger than one item, against dynalite (which enforces the 400 KB item limit): inline, compressed and
// split round trips, writes that die or conflict leaving the stored document whole, and deltas too large to fit.
import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HourProfile } from '../../shared/metrics/profile.js';
import type { TableNames } from '../../shared/storage/dynamo/client.js';
import {
  ITEM_LIMIT_BYTES,
  type Item,
  itemBytes,
  LargeItemStore,
  sectionsOf,
} from '../../shared/storage/dynamo/large-items.js';
import { dynamoProfileStore } from '../../shared/storage/dynamo/profiles.js';
import type { Delta, ProfileStore } from '../../shared/storage/profiles.js';
import { DELTA_SHARDS } from '../../shared/storage/profiles.js';
import { putLegacyDeltas } from '../support/legacy-deltas.js';
import { startTestDynamo, type TestDynamo } from '../support/test-dynamo.js';

const TABLES: TableNames = { registry: 'li-registry', events: 'li-events', profiles: 'li-profiles' };

let dynamo: TestDynamo;
let documents: DynamoDBDocumentClient;
let large: LargeItemStore;

beforeAll(async () => {
  dynamo = await startTestDynamo(TABLES);
  ({ documents } = dynamo);
  large = new LargeItemStore(documents, TABLES.profiles);
});

afterAll(() => dynamo?.close());

/** Text gzip cannot shrink much: random bytes as base64. */
const incompressible = (bytes: number) => randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64');
/** JSON that compresses well, like a profile's mostly-zero counts. */
const repetitive = (bytes: number) => JSON.stringify({ counts: new Array(Math.ceil(bytes / 2)).fill(0) });

async function rawHead(pk: string, sk: string): Promise<Item | undefined> {
  const result = await documents.send(
    new GetCommand({ TableName: TABLES.profiles, Key: { pk, sk }, ConsistentRead: true }),
  );
  return result.Item;
}

async function partsStoredFor(pk: string, sk: string, field: string): Promise<number> {
  const result = await documents.send(
    new QueryCommand({
      TableName: TABLES.profiles,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `PART#${pk}#${sk}#${field}` },
      Select: 'COUNT',
      ConsistentRead: true,
    }),
  );
  return result.Count ?? 0;
}

/** A client whose chosen command fails the way a dying process or a lost answer would. */
function failingOn(
  kind: typeof PutCommand,
  failure: 'before' | 'after',
  error: () => Error,
): DynamoDBDocumentClient {
  return new Proxy(documents, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: unknown) => {
        if (!(command instanceof kind)) return target.send(command as never);
        if (failure === 'after') await target.send(command as never);
        throw error();
      };
    },
  });
}

describe('round trips', () => {
  it('keeps a small document inline as plain text', async () => {
    const text = JSON.stringify({ hello: 'world' });

    expect(await large.put({ pk: 'T#small', sk: 'a', rev: 1 }, { doc: text })).toBe(true);

    const head = await rawHead('T#small', 'a');
    expect(head?.doc).toBe(text);
    expect((await large.get({ pk: 'T#small', sk: 'a' }, ['doc']))?.bodies.doc).toBe(text);
  });

  it('compresses a document that only fits compressed, inline in its head', async () => {
    const text = repetitive(600_000);

    await large.put({ pk: 'T#zipped', sk: 'a' }, { doc: text });

    const head = (await rawHead('T#zipped', 'a')) as Item;
    expect(head.doc).toBeInstanceOf(Uint8Array);
    expect(itemBytes(head)).toBeLessThan(ITEM_LIMIT_BYTES);
    expect((await large.get({ pk: 'T#zipped', sk: 'a' }, ['doc']))?.bodies.doc).toBe(text);
  });

  it('splits a document too large even compressed into parts, and reads it back whole', async () => {
    const text = incompressible(1_200_000);

    await large.put({ pk: 'T#split', sk: 'a' }, { doc: text });

    const head = (await rawHead('T#split', 'a')) as Item;
    expect(head.doc).toBeUndefined();
    expect(head.doc_parts).toBeGreaterThanOrEqual(3);
    expect(await partsStoredFor('T#split', 'a', 'doc')).toBe(head.doc_parts);
    expect((await large.get({ pk: 'T#split', sk: 'a' }, ['doc']))?.bodies.doc).toBe(text);
  });

  it('deletes the parts of the document a write replaces', async () => {
    await large.put({ pk: 'T#replace', sk: 'a' }, { doc: incompressible(800_000) });

    await large.put({ pk: 'T#replace', sk: 'a' }, { doc: 'small now' });

    expect(await partsStoredFor('T#replace', 'a', 'doc')).toBe(0);
    expect((await large.get({ pk: 'T#replace', sk: 'a' }, ['doc']))?.bodies.doc).toBe('small now');
  });

  it('resolves a query of heads, reading parts only for the heads that have them', async () => {
    const big = incompressible(500_000);
    await large.put({ pk: 'T#query', sk: '1' }, { doc: 'one' });
    await large.put({ pk: 'T#query', sk: '2' }, { doc: big });
    const { Items } = await documents.send(
      new QueryCommand({
        TableName: TABLES.profiles,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'T#query' },
      }),
    );
    // The second head is replaced after the query saw it: its old parts are gone.
    await large.put({ pk: 'T#query', sk: '2' }, { doc: `${big}!` });

    const bodies = await large.resolve(Items ?? [], ['doc']);

    expect(bodies.map((body) => body.doc)).toEqual(['one', `${big}!`]);
  });

  it('replaces one body of a head and leaves its other attributes', async () => {
    await large.put(
      { pk: 'T#update', sk: 'a', extra: 7 },
      { data: 'kept', monitoring: incompressible(500_000) },
    );
    const config = incompressible(700_000);

    const updated = await large.update(
      { pk: 'T#update', sk: 'a' },
      { monitoring: config },
      {
        ConditionExpression: 'attribute_exists(pk)',
      },
    );

    expect(updated).toBe(true);
    const found = await large.get({ pk: 'T#update', sk: 'a' }, ['data', 'monitoring']);
    expect(found?.bodies).toEqual({ data: 'kept', monitoring: config });
    expect(found?.item.extra).toBe(7);
    expect(await partsStoredFor('T#update', 'a', 'monitoring')).toBe(found?.item.monitoring_parts);
  });
});

describe('writes that do not land', () => {
  it('leaves the old document readable when a write dies before its head is written', async () => {
    const old = incompressible(900_000);
    await large.put({ pk: 'T#dies', sk: 'a' }, { doc: old });
    const partsBefore = await partsStoredFor('T#dies', 'a', 'doc');
    const dying = new LargeItemStore(
      failingOn(PutCommand, 'before', () => new Error('simulated crash')),
      TABLES.profiles,
    );

    await expect(dying.put({ pk: 'T#dies', sk: 'a' }, { doc: incompressible(900_000) })).rejects.toThrow(
      /simulated crash/,
    );

    expect((await large.get({ pk: 'T#dies', sk: 'a' }, ['doc']))?.bodies.doc).toBe(old);
    // The dead write's parts stay behind, named by no head: wasted, never read.
    expect(await partsStoredFor('T#dies', 'a', 'doc')).toBeGreaterThan(partsBefore);
  });

  it('answers false on a conditional conflict, keeps the stored document and drops its own parts', async () => {
    await large.put(
      { pk: 'T#conflict', sk: 'a', rev: 1 },
      { doc: 'first' },
      {
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    );

    const written = await large.put(
      { pk: 'T#conflict', sk: 'a', rev: 2 },
      { doc: incompressible(800_000) },
      {
        ConditionExpression: 'rev = :rev',
        ExpressionAttributeValues: { ':rev': 5 },
      },
    );

    expect(written).toBe(false);
    const found = await large.get({ pk: 'T#conflict', sk: 'a' }, ['doc']);
    expect(found?.bodies.doc).toBe('first');
    expect(found?.item.rev).toBe(1);
    expect(await partsStoredFor('T#conflict', 'a', 'doc')).toBe(0);
  });

  it('counts a write as landed when a retried request reports a conflict with itself', async () => {
    const text = incompressible(800_000);
    const retried = new LargeItemStore(
      failingOn(
        PutCommand,
        'after',
        () => new ConditionalCheckFailedException({ message: 'conditional check failed', $metadata: {} }),
      ),
      TABLES.profiles,
    );

    const written = await retried.put(
      { pk: 'T#retried', sk: 'a' },
      { doc: text },
      {
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    );

    expect(written).toBe(true);
    expect((await large.get({ pk: 'T#retried', sk: 'a' }, ['doc']))?.bodies.doc).toBe(text);
  });
});

describe('profile items', () => {
  const model = { project_id: 'wide', model_id: 'm' };
  const delta = (eventId: string, values: Record<string, unknown>): Delta => ({
    model,
    event_id: eventId,
    hour: 0,
    old_values: values,
    new_values: values,
    new_rev: 2,
    new_written_at: 1,
  });

  const allDeltas = async (profiles: ProfileStore, of = model) =>
    (
      await Promise.all(
        Array.from({ length: DELTA_SHARDS }, (_, shard) => profiles.queryDeltas(of, shard, 500)),
      )
    ).flat();

  /** Every item of the profiles table whose key starts with `prefix`, parts included. */
  async function itemsStartingWith(prefix: string): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new ScanCommand({
          TableName: TABLES.profiles,
          FilterExpression: 'begins_with(pk, :prefix)',
          ExpressionAttributeValues: { ':prefix': prefix },
          ProjectionExpression: 'pk',
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return count;
  }

  it('stores a batch holding one delta too large for an item, and deletes its parts with it', async () => {
    const profiles = dynamoProfileStore(documents, TABLES.profiles);
    // Beyond what ingest lets through: the store must not depend on that cap to keep a batch whole.
    const huge: Delta = {
      ...delta('huge', { text: incompressible(300_000) }),
      new_values: { text: incompressible(300_000) },
    };
    const deltas = [delta('small', { x: 1 }), huge, delta('small-2', { x: 2 })];

    await profiles.putDeltas(deltas, 'batch-0');

    const stored = await allDeltas(profiles);
    expect(stored.map((d) => d.event_id).sort()).toEqual(['huge', 'small', 'small-2']);
    const read = stored.find((d) => d.event_id === 'huge');
    expect(read?.old_values).toEqual(huge.old_values);
    expect(read?.new_values).toEqual(huge.new_values);
    expect(await itemsStartingWith('PART#DELTA#wide/m#')).toBeGreaterThan(0);

    await profiles.deleteDeltas(model, stored);

    expect(await allDeltas(profiles)).toEqual([]);
    expect(await itemsStartingWith('PART#DELTA#wide/m#')).toBe(0);
  });

  it('packs a batch of one model into few items, however many changes it holds', async () => {
    const profiles = dynamoProfileStore(documents, TABLES.profiles);
    const packed = { project_id: 'wide', model_id: 'packed' };
    const deltas = Array.from({ length: 1_200 }, (_, i) => ({
      ...delta(`ev-${i}`, { x: i }),
      model: packed,
    }));

    await profiles.putDeltas(deltas, 'batch-1');

    // 500 changes a pack: a compaction step takes whole packs, so a pack bounds how far a step overshoots.
    expect(await itemsStartingWith('DELTA#wide/packed#')).toBe(3);
    const stored = await allDeltas(profiles, packed);
    expect(stored.map((d) => d.event_id).sort()).toEqual(deltas.map((d) => d.event_id).sort());
    expect(stored.find((d) => d.event_id === 'ev-7')?.new_values).toEqual({ x: 7 });
  });

  it('reads and deletes the single deltas an earlier version left, beside packs', async () => {
    const profiles = dynamoProfileStore(documents, TABLES.profiles);
    const mixed = { project_id: 'wide', model_id: 'mixed' };
    await putLegacyDeltas(documents, TABLES.profiles, [
      { ...delta('old-1', { x: 1 }), model: mixed },
      { ...delta('old-2', { x: 2 }), model: mixed },
    ]);
    await profiles.putDeltas([{ ...delta('new-1', { x: 3 }), model: mixed }], 'batch-2');

    const stored = await allDeltas(profiles, mixed);
    expect(stored.map((d) => d.event_id).sort()).toEqual(['new-1', 'old-1', 'old-2']);
    expect(stored.find((d) => d.event_id === 'old-2')?.old_values).toEqual({ x: 2 });

    await profiles.deleteDeltas(mixed, stored);

    expect(await allDeltas(profiles, mixed)).toEqual([]);
  });

  it('reads every delta of a pack whose compressed body is split into parts', async () => {
    const profiles = dynamoProfileStore(documents, TABLES.profiles);
    const paged = { project_id: 'wide', model_id: 'paged' };
    const ids = Array.from({ length: 10 }, (_, i) => `ev-${i}`);
    const big = (): Record<string, unknown> => ({ text: incompressible(100_000) });
    await profiles.putDeltas(
      ids.map((id) => ({ ...delta(id, big()), model: paged, new_values: big() })),
      'batch-3',
    );

    const step = await allDeltas(profiles, paged);

    expect(step.map((d) => d.event_id).sort()).toEqual([...ids].sort());
    expect(await itemsStartingWith('PART#DELTA#wide/paged#')).toBeGreaterThan(1);
  });

  it('keeps an hour profile too large for one item under its revision, and queries it with small ones', async () => {
    const profiles = dynamoProfileStore(documents, TABLES.profiles);
    const profile = (seed: number): HourProfile => ({
      format: 2,
      traffic: seed,
      columns: Array.from({ length: 2000 }, (_, c) => ({
        name: `feature_${c}`,
        drift_counts: Array.from(
          { length: 11 },
          (_, b) => ((c * 31 + b * 17 + seed) * 2654435761) % 1_000_003,
        ),
        integrity: { null_violations: 0, type_violations: 0, range_violations: 0, any_violations: 0 },
        numeric: null,
      })),
      all_columns: { null_violations: 0, type_violations: 0, range_violations: 0, any_violations: 0 },
      performance: null,
    });
    const H = 3_600_000;
    const small: HourProfile = { ...profile(0), columns: [] };

    expect(await profiles.putHour(model, 1, 0, { profile: profile(1), rev: 1, applied: [] }, undefined)).toBe(
      true,
    );
    expect(await profiles.putHour(model, 1, H, { profile: small, rev: 1, applied: [] }, undefined)).toBe(
      true,
    );
    expect(await profiles.putHour(model, 1, 0, { profile: profile(2), rev: 2, applied: [] }, 7)).toBe(false);
    expect(await profiles.putHour(model, 1, 0, { profile: profile(3), rev: 2, applied: ['d'] }, 1)).toBe(
      true,
    );

    // Too wide for one body: stored as a core and column sections (metrics/profile-sections.ts).
    const head = await rawHead(`PROF#wide/m#1`, String(0).padStart(15, '0'));
    expect(sectionsOf(head as Item, 'columns').length).toBeGreaterThan(1);
    expect(await profiles.getHour(model, 1, 0)).toEqual({ profile: profile(3), rev: 2, applied: ['d'] });
    expect(await profiles.queryHours(model, 1, 0, H)).toEqual([
      { hour: 0, profile: profile(3) },
      { hour: H, profile: small },
    ]);
  });
});
