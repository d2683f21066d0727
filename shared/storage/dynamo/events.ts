// The events table: conditional single-key writes, so a duplicate insert changes nothing and an update
// touches only the columns it names.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { AlreadyExists, NotFound } from '../../errors.js';
import { type ChangeRecord, changeRecord } from '../../feed/change-record.js';
import type { StoredEvent } from '../../schema/types.js';
import type { EventKey, EventRevision, EventStore, InsertManyResult, NewEvent } from '../events.js';
import { EVENT_HOUR_SHARDS } from '../tables.js';
import { backoff, batchWriteAll, chunk } from './batch-write.js';
import { queryAll } from './client.js';
import { decodeValues, encodeValues, eventPartitionKey, fromItem, toItem } from './event-items.js';

const BATCH_GET_LIMIT = 100;
const MAX_UNPROCESSED_RETRIES = 12;

export class DynamoEventStore implements EventStore {
  /**
   * Ids this process is inserting right now: a concurrent insert of the same id is a duplicate, which
   * closes the gap between the existence check and the batch write within one process.
   */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => number = Date.now,
  ) {}

  async insert(event: NewEvent): Promise<ChangeRecord> {
    const item = toItem(event);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new AlreadyExists(`event_id '${event.event_id}' already exists; set update_event to change it`);
      }
      throw error;
    }
    return changeRecord('INSERT', { ...item }, undefined, this.clock());
  }

  /**
   * BatchWriteItem takes no conditions, so existence is checked first with BatchGetItem. Across processes a
   * concurrent insert of the same id can still land twice; the second write then reaches the change feed as
   * a MODIFY of the first, so metrics still count the event once.
   */
  async insertMany(events: NewEvent[]): Promise<InsertManyResult> {
    const duplicates = new Set<number>();
    const fresh: Array<{ index: number; pk: string; event: NewEvent }> = [];
    for (const [index, event] of events.entries()) {
      const pk = eventPartitionKey(event);
      if (this.inFlight.has(pk)) duplicates.add(index);
      else {
        this.inFlight.add(pk);
        fresh.push({ index, pk, event });
      }
    }
    try {
      const existing = await this.existingKeys(fresh.map(({ pk }) => pk));
      const items = [];
      for (const { index, pk, event } of fresh) {
        if (existing.has(pk)) duplicates.add(index);
        else items.push(toItem(event));
      }
      await this.writeAll(items);
      const now = this.clock();
      return {
        changes: items.map((item) => changeRecord('INSERT', { ...item }, undefined, now)),
        duplicates,
      };
    } finally {
      for (const { pk } of fresh) this.inFlight.delete(pk);
    }
  }

  async update(key: EventKey, columns: Record<string, unknown>): Promise<ChangeRecord> {
    const names: Record<string, string> = { '#ev': 'ev', '#rev': 'rev', '#written': 'written_at' };
    const now = this.clock();
    const values: Record<string, unknown> = { ':one': 1, ':now': now };
    const assignments = Object.entries(encodeValues(columns)).map(([column, encoded], index) => {
      names[`#c${index}`] = column;
      values[`:v${index}`] = encoded;
      return `#ev.#c${index} = :v${index}`;
    });
    const pk = eventPartitionKey(key);
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk },
          ConditionExpression: 'attribute_exists(pk)',
          UpdateExpression: `SET ${assignments.join(', ')}, #written = :now ADD #rev :one`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_OLD',
        }),
      );
      const oldItem = result.Attributes ?? {};
      const oldEv = (oldItem.ev ?? {}) as Record<string, string>;
      const newItem = {
        ...oldItem,
        ev: new Map([...Object.entries(oldEv), ...Object.entries(encodeValues(columns))]),
        rev: Number(oldItem.rev ?? 1) + 1,
        written_at: now,
      };
      return changeRecord('MODIFY', newItem, oldItem, now);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new NotFound(`event_id '${key.event_id}' does not exist in model '${key.model_id}'`);
      }
      throw error;
    }
  }

  async get(key: EventKey): Promise<StoredEvent | undefined> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: eventPartitionKey(key) },
        ConsistentRead: true,
      }),
    );
    return result.Item ? fromItem(result.Item) : undefined;
  }

  async readHour(projectId: string, modelId: string, hour: number): Promise<EventRevision[]> {
    const shards = await Promise.all(
      Array.from({ length: EVENT_HOUR_SHARDS }, (_, shard) =>
        queryAll(this.client, {
          TableName: this.tableName,
          IndexName: 'by_hour',
          KeyConditionExpression: 'hour_shard = :key',
          ExpressionAttributeValues: { ':key': `${projectId}/${modelId}/${hour}/${shard}` },
        }),
      ),
    );
    const keys = shards.flat().map((item) => item.pk as string);
    const found: EventRevision[] = [];
    await Promise.all(
      chunk(keys, BATCH_GET_LIMIT).map(async (group) => {
        let request:
          | Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }>
          | undefined = {
          [this.tableName]: { Keys: group.map((pk) => ({ pk })), ConsistentRead: true },
        };
        for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
          if (attempt > MAX_UNPROCESSED_RETRIES)
            throw new Error('BatchGetItem kept returning unprocessed keys');
          if (attempt > 0) await backoff(attempt);
          const result = await this.client.send(new BatchGetCommand({ RequestItems: request }));
          for (const item of result.Responses?.[this.tableName] ?? []) {
            found.push({
              event_id: item.event_id as string,
              values: decodeValues(item.ev as Record<string, string>),
              rev: Number(item.rev ?? 1),
              written_at: Number(item.written_at ?? item.received_at),
            });
          }
          request = result.UnprocessedKeys as typeof request;
        }
      }),
    );
    return found;
  }

  private async existingKeys(keys: string[]): Promise<Set<string>> {
    const existing = new Set<string>();
    const chunks = chunk(keys, BATCH_GET_LIMIT);
    await Promise.all(
      chunks.map(async (group) => {
        let request:
          | Record<
              string,
              { Keys: Record<string, unknown>[]; ProjectionExpression: string; ConsistentRead: boolean }
            >
          | undefined = {
          [this.tableName]: {
            Keys: group.map((pk) => ({ pk })),
            ProjectionExpression: 'pk',
            ConsistentRead: true,
          },
        };
        for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
          if (attempt > MAX_UNPROCESSED_RETRIES)
            throw new Error('BatchGetItem kept returning unprocessed keys');
          if (attempt > 0) await backoff(attempt);
          const result = await this.client.send(new BatchGetCommand({ RequestItems: request }));
          for (const item of result.Responses?.[this.tableName] ?? []) existing.add(item.pk as string);
          request = result.UnprocessedKeys as typeof request;
        }
      }),
    );
    return existing;
  }

  /** Writes every item, retrying unprocessed ones: an acknowledged publish is never lost. */
  private writeAll(items: object[]): Promise<void> {
    return batchWriteAll(
      this.client,
      this.tableName,
      items.map((Item) => ({ PutRequest: { Item } })),
    );
  }
}
