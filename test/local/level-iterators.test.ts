// The embedded database's queries must not leave LevelDB iterators open: each one pins memtables and table
// files until the database closes, so the local service's memory and data dir would grow with every query.
// dynalite runs here on the test's own thread (in memory), so the iterators it opens can be counted.
import { createRequire } from 'node:module';
import {
  CreateTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeIteratorsOnReturn } from '../../local/level-iterators.mjs';
import { startInProcessDynalite } from '../support/test-dynamo.js';

interface LevelModule {
  AbstractLevel: { prototype: Record<string, (resource: object) => void> };
  AbstractIterator: abstract new (...args: never[]) => object;
  AbstractKeyIterator: abstract new (...args: never[]) => object;
  AbstractValueIterator: abstract new (...args: never[]) => object;
}

const level = createRequire(import.meta.resolve('dynalite'))('abstract-level') as LevelModule;
const openIterators = new Set<object>();
const isIterator = (resource: object) =>
  resource instanceof level.AbstractIterator ||
  resource instanceof level.AbstractKeyIterator ||
  resource instanceof level.AbstractValueIterator;

// Every iterator attaches itself to its database when opened and detaches when closed.
const { attachResource, detachResource } = level.AbstractLevel.prototype;
level.AbstractLevel.prototype.attachResource = function (this: object, resource: object) {
  if (isIterator(resource)) openIterators.add(resource);
  return attachResource?.call(this, resource);
};
level.AbstractLevel.prototype.detachResource = function (this: object, resource: object) {
  openIterators.delete(resource);
  return detachResource?.call(this, resource);
};

closeIteratorsOnReturn();
let dynamo: Awaited<ReturnType<typeof startInProcessDynalite>>;
let client: DynamoDBClient;
const TableName = 'iterators';

beforeAll(async () => {
  dynamo = await startInProcessDynalite();
  ({ client } = dynamo);
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  for (let i = 0; i < 20; i++)
    await client.send(new PutItemCommand({ TableName, Item: { pk: { S: 'p' }, sk: { S: `s${i}` } } }));
});

afterAll(() => dynamo?.close());

/** Iterators close asynchronously after the response: wait until none is open, or give up after 2 s. */
async function openAfterSettling(): Promise<number> {
  for (let waited = 0; openIterators.size > 0 && waited < 2_000; waited += 20)
    await new Promise((resolve) => setTimeout(resolve, 20));
  return openIterators.size;
}

/** The partition's items, all of them or the first `Limit`. */
const queryItems = (Limit?: number) =>
  client.send(
    new QueryCommand({
      TableName,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': { S: 'p' } },
      ...(Limit ? { Limit } : {}),
    }),
  );

describe('the embedded database', () => {
  it('closes the iterator of a query that stops at its Limit', async () => {
    for (let i = 0; i < 25; i++) expect((await queryItems(3)).Items).toHaveLength(3);
    expect(await openAfterSettling()).toBe(0);
  });

  it('closes the iterator of a query or scan that reads to the end', async () => {
    for (let i = 0; i < 25; i++) {
      expect((await queryItems()).Items).toHaveLength(20);
      const scan = await client.send(new ScanCommand({ TableName }));
      expect(scan.Items).toHaveLength(20);
    }
    expect(await openAfterSettling()).toBe(0);
  });
});
