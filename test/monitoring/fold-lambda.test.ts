// The stream Lambda against dynalite: a poison record is quarantined and never fails its batch, and a transient
// failure reports exactly the record it stopped at, so the stream retries from there and not from the start.
import {
  DynamoDBClient,
  DynamoDBServiceException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LAMBDA_ENV as ENV } from '../../compose/environment.js';
import { type EmbeddedDynamo, startDynalite } from '../../local/dynalite.js';
import { type ChangeRecord, changeRecord } from '../../shared/feed/change-record.js';
import type { TableNames } from '../../shared/storage/dynamo/client.js';
import { ensureTables } from '../../shared/storage/dynamo/create-tables.js';
import { DynamoPendingStore } from '../../shared/storage/dynamo/pending.js';
import { dynamoProfileStore } from '../../shared/storage/dynamo/profiles.js';
import { DynamoQuarantineStore } from '../../shared/storage/dynamo/quarantine.js';
import type { Delta, ModelRef, ProfileStore } from '../../shared/storage/profiles.js';
import { DELTA_SHARDS } from '../../shared/storage/profiles.js';

const TABLES: TableNames = { registry: 'fold-registry', events: 'fold-events', profiles: 'fold-profiles' };
const HOUR = Date.UTC(2026, 6, 1, 8);
const ENV_SET = {
  [ENV.registryTable]: TABLES.registry,
  [ENV.eventsTable]: TABLES.events,
  [ENV.profilesTable]: TABLES.profiles,
  [ENV.baselineBucket]: 'fold-baselines',
  AWS_REGION: 'local',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  // The handler logs each quarantine and retry; the assertions here say what happened.
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};
const savedEnv = { ...process.env };

let dynamo: EmbeddedDynamo;
let raw: DynamoDBClient;
let profiles: ProfileStore;
let quarantine: DynamoQuarantineStore;
let handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

beforeAll(async () => {
  dynamo = await startDynalite();
  raw = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTables(raw, TABLES);
  const documents = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  profiles = dynamoProfileStore(documents, TABLES.profiles);
  quarantine = new DynamoQuarantineStore(documents, TABLES.profiles);
  Object.assign(process.env, ENV_SET, { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
  // The handler builds its services from the environment when its module loads.
  ({ handler } = await import('../../lambdas/fold.js'));
});

afterEach(() => vi.restoreAllMocks());

afterAll(async () => {
  process.env = savedEnv;
  raw?.destroy();
  await dynamo?.close();
});

const fine = { age: '40', balance: '100', geography: '"France"', probability_churned: '0.2' };
const sequenceOf = (position: number) => String(1_000 + position).padStart(21, '0');

/** A stream batch of `n` inserts into one model; `poison` replaces the values of chosen positions. */
function batch(model: ModelRef, n: number, poison: Record<number, Record<string, string>> = {}) {
  const records = Array.from({ length: n }, (_, position) => {
    const eventId = `ev-${position}`;
    const record = changeRecord(
      'INSERT',
      {
        pk: `${model.project_id}/${model.model_id}/${eventId}`,
        ...model,
        event_id: eventId,
        ts: HOUR + position,
        received_at: HOUR,
        expires_at: Math.floor(HOUR / 1000) + 86_400,
        ev: poison[position] ?? fine,
        rev: 1,
        written_at: HOUR,
      },
      undefined,
      HOUR,
    );
    return {
      ...record,
      eventID: `${model.model_id}-${sequenceOf(position)}`,
      dynamodb: { ...record.dynamodb, SequenceNumber: sequenceOf(position) },
    };
  });
  return { records, event: { Records: records } as unknown as DynamoDBStreamEvent };
}

/** The events with a change pending, each once: a redelivered change may sit in two packs, and is folded once. */
async function deltaIds(model: ModelRef): Promise<string[]> {
  const found = new Map<string, string>();
  for (let shard = 0; shard < DELTA_SHARDS; shard++) {
    for (const delta of await profiles.queryDeltas(model, shard, 1_000)) found.set(delta.key, delta.event_id);
  }
  return [...found.values()].sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
}

const ids = (positions: number[]) => positions.map((position) => `ev-${position}`);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** DynamoDB's answer to a BatchWriteItem holding an item over 400 KB: the whole request is refused. */
const itemTooLarge = () =>
  new DynamoDBServiceException({
    name: 'ValidationException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'Item size has exceeded the maximum allowed size',
  });

/** Every delta write that includes the event's delta fails with `error`; the others go through. */
function refuseDeltaOf(eventId: string, error: () => Error): void {
  const write = DynamoPendingStore.prototype.putDeltas;
  vi.spyOn(DynamoPendingStore.prototype, 'putDeltas').mockImplementation(async function (
    this: DynamoPendingStore,
    deltas: Delta[],
    source: string,
  ) {
    if (deltas.some((delta) => delta.event_id === eventId)) throw error();
    return write.call(this, deltas, source);
  });
}

describe('the fold Lambda', () => {
  it.each([
    [
      'a value nested 5,000 deep',
      'deep',
      { segment: `${'['.repeat(5_000)}${']'.repeat(5_000)}` },
      /RangeError/,
    ],
    ['values that do not decode', 'undecodable', { segment: '{"half": ' }, /SyntaxError/],
    ['a delta the table refuses', 'refused', {}, /ValidationException/],
  ])(
    'quarantines a record with %s and folds the other 19 of its batch',
    async (_what, modelId, values, reason) => {
      const model = { project_id: 'bank', model_id: modelId };
      const { records, event } = batch(model, 20, { 7: { ...fine, ...values } });
      if (modelId === 'refused') refuseDeltaOf('ev-7', itemTooLarge);

      const answer = await handler(event);

      expect(answer.batchItemFailures).toEqual([]);
      expect(await deltaIds(model)).toEqual(ids(range(0, 20).filter((position) => position !== 7)));
      const { items } = await quarantine.list(1_000);
      expect(items.filter((item) => item.model_id === modelId)).toEqual([
        expect.objectContaining({
          event_id: 'ev-7',
          sequence_number: (records[7] as ChangeRecord).dynamodb.SequenceNumber,
          reason: expect.stringMatching(reason),
        }),
      ]);
      expect((await profiles.listDirty()).map((dirty) => dirty.model)).toContainEqual(model);
    },
  );

  it('reports the first record of a delta write that failed transiently, so the retry packs the same changes', async () => {
    const model = { project_id: 'bank', model_id: 'throttled' };
    const { records, event } = batch(model, 20);
    refuseDeltaOf(
      'ev-12',
      () => new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }),
    );

    const answer = await handler(event);

    // Not split to find the record: the batch is redelivered from its first record, and its packs are named by
    // that record, so what part of them landed is overwritten rather than left as a second copy.
    expect(answer.batchItemFailures).toEqual([
      { itemIdentifier: (records[0] as ChangeRecord).dynamodb.SequenceNumber },
    ]);
    expect(await deltaIds(model)).toEqual([]);
    expect((await quarantine.list(1_000)).items.filter((item) => item.model_id === 'throttled')).toEqual([]);

    vi.restoreAllMocks();
    expect((await handler(event)).batchItemFailures).toEqual([]);
    expect(await deltaIds(model)).toEqual(ids(range(0, 20)));
  });

  it('reports a poison record whose quarantine write failed transiently, after folding those before it', async () => {
    const model = { project_id: 'bank', model_id: 'unquarantined' };
    const { records, event } = batch(model, 20, { 7: { ...fine, segment: '{' } });
    vi.spyOn(DynamoQuarantineStore.prototype, 'put').mockRejectedValue(
      new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }),
    );

    const answer = await handler(event);

    expect(answer.batchItemFailures).toEqual([
      { itemIdentifier: (records[7] as ChangeRecord).dynamodb.SequenceNumber },
    ]);
    expect(await deltaIds(model)).toEqual(ids(range(0, 7)));
    expect((await profiles.listDirty()).map((dirty) => dirty.model)).toContainEqual(model);
  });

  it('reports nothing for a redelivered batch it has already folded', async () => {
    const model = { project_id: 'bank', model_id: 'redelivered' };
    const { event } = batch(model, 20, { 3: { ...fine, segment: '{' } });

    const first = await handler(event);
    const second = await handler(event);

    expect([first.batchItemFailures, second.batchItemFailures]).toEqual([[], []]);
    expect(
      (await quarantine.list(1_000)).items.filter((item) => item.model_id === model.model_id),
    ).toHaveLength(1);
    expect(await deltaIds(model)).toHaveLength(19);
  });
});

describe('the fold Lambda as CloudWatch sees it', () => {
  it('publishes the changes it folded and quarantined as metrics in the Modelwatch namespace', async () => {
    const model = { project_id: 'observed', model_id: 'churn' };
    const { event } = batch(model, 10, { 4: { segment: '{"half": ' } });
    const printed: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk, ...rest) => {
      printed.push(String(chunk));
      return write(chunk, ...(rest as []));
    });

    await handler(event);

    const emf = printed.flatMap((line) => line.split('\n')).filter((line) => line.includes('"_aws"'));
    const published = emf.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(published).toContainEqual(expect.objectContaining({ ChangesFolded: 9, ChangesQuarantined: 1 }));
    const namespaces = published.flatMap((m) =>
      (m._aws as { CloudWatchMetrics: Array<{ Namespace: string }> }).CloudWatchMetrics.map(
        (d) => d.Namespace,
      ),
    );
    expect(new Set(namespaces)).toEqual(new Set(['Modelwatch']));
  });
});
