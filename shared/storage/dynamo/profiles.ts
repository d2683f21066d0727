// The profiles table: pending deltas (sharded per model), hour profiles per spec version, specs, model state,
// leases and checkpoints. Profiles and specs are stored as JSON strings: compact, and free of DynamoDB's
// number limits.
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { deserializeProfile, type HourProfile, serializeProfile } from '../../metrics/profile.js';
import type { MonitorSpec } from '../../metrics/spec.js';
import {
  type Delta,
  type HourItem,
  type ModelRef,
  type ModelState,
  modelKey,
  type ProfileStore,
  type StoredDelta,
} from '../profiles.js';
import { batchWriteAll } from './batch-write.js';
import { queryAll } from './client.js';
import { shardOf } from './event-items.js';

/** Shards of each model's pending deltas: 5,000 changes/s over 16 keys stays under a partition's 1,000 WCU. */
export const DELTA_SHARDS = 16;
const pad = (value: number, width: number) => String(value).padStart(width, '0');
const hourKey = (hour: number) => pad(hour, 15);
const deltaPk = (model: ModelRef, shard: number) => `DELTA#${modelKey(model)}#${shard}`;
const hourPk = (model: ModelRef, version: number) => `PROF#${modelKey(model)}#${version}`;
const DIRTY = 'DIRTY';

export function deltaKey(delta: Delta): string {
  return `${hourKey(delta.hour)}#${delta.event_id}#${pad(delta.new_rev, 10)}`;
}

export class DynamoProfileStore implements ProfileStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putDeltas(deltas: Delta[]): Promise<void> {
    const items = deltas.map((delta) => ({
      pk: deltaPk(delta.model, shardOf(delta.event_id, DELTA_SHARDS)),
      sk: deltaKey(delta),
      project_id: delta.model.project_id,
      model_id: delta.model.model_id,
      event_id: delta.event_id,
      hour: delta.hour,
      old_values: delta.old_values === null ? undefined : JSON.stringify(delta.old_values),
      new_values: JSON.stringify(delta.new_values),
      new_rev: delta.new_rev,
      new_written_at: delta.new_written_at,
    }));
    // A stream batch may repeat an item (a retried delivery): one put per key per request.
    const unique = [...new Map(items.map((item) => [`${item.pk}|${item.sk}`, item])).values()];
    await this.writeAll(unique.map((Item) => ({ PutRequest: { Item } })));
  }

  async queryDeltas(model: ModelRef, shard: number, limit: number): Promise<StoredDelta[]> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': deltaPk(model, shard) },
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (result.Items ?? []).map((item) => storedDeltaOf(model, item));
  }

  async getDeltas(model: ModelRef, shard: number, keys: string[]): Promise<StoredDelta[]> {
    const found: StoredDelta[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined =
        {
          [this.tableName]: {
            Keys: keys.slice(i, i + 100).map((sk) => ({ pk: deltaPk(model, shard), sk })),
            ConsistentRead: true,
          },
        };
      while (request && Object.keys(request).length > 0) {
        const result = await this.client.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of result.Responses?.[this.tableName] ?? []) found.push(storedDeltaOf(model, item));
        request = result.UnprocessedKeys as typeof request;
      }
    }
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async getJournal(model: ModelRef, shard: number): Promise<string[] | undefined> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `JOURNAL#${modelKey(model)}`, sk: String(shard) },
        ConsistentRead: true,
      }),
    );
    return result.Item?.keys as string[] | undefined;
  }

  async putJournal(model: ModelRef, shard: number, keys: string[]): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `JOURNAL#${modelKey(model)}`, sk: String(shard), keys },
      }),
    );
  }

  async deleteJournal(model: ModelRef, shard: number): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: `JOURNAL#${modelKey(model)}`, sk: String(shard) },
      }),
    );
  }

  async deleteDeltas(model: ModelRef, deltas: StoredDelta[]): Promise<void> {
    await this.writeAll(
      deltas.map((delta) => ({
        DeleteRequest: { Key: { pk: deltaPk(model, shardOf(delta.event_id, DELTA_SHARDS)), sk: delta.key } },
      })),
    );
  }

  async markDirty(models: ModelRef[]): Promise<void> {
    const unique = [...new Map(models.map((model) => [modelKey(model), model])).values()];
    await this.writeAll(
      unique.map((model) => ({
        PutRequest: { Item: { pk: DIRTY, sk: modelKey(model), ...model, token: randomUUID() } },
      })),
    );
  }

  async listDirty(): Promise<Array<{ model: ModelRef; token: string }>> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': DIRTY },
      ConsistentRead: true,
    });
    return items.map((item) => ({
      model: { project_id: item.project_id as string, model_id: item.model_id as string },
      token: item.token as string,
    }));
  }

  async clearDirty(model: ModelRef, token: string): Promise<void> {
    await this.conditional(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: DIRTY, sk: modelKey(model) },
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':token': token },
      }),
    );
  }

  async getHour(model: ModelRef, version: number, hour: number): Promise<HourItem | undefined> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: hourPk(model, version), sk: hourKey(hour) },
        ConsistentRead: true,
      }),
    );
    const item = result.Item;
    if (!item) return undefined;
    return {
      profile: deserializeProfile(item.profile as string),
      rev: item.rev as number,
      applied: (item.applied as string[] | undefined) ?? [],
      ...(item.rebuild_t0 !== undefined ? { rebuild_t0: item.rebuild_t0 as number } : {}),
      ...(item.rebuild_seen !== undefined ? { rebuild_seen: JSON.parse(item.rebuild_seen as string) } : {}),
    };
  }

  async putHour(
    model: ModelRef,
    version: number,
    hour: number,
    item: HourItem,
    expectedRev: number | undefined,
  ): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: hourPk(model, version),
          sk: hourKey(hour),
          hour,
          profile: serializeProfile(item.profile),
          rev: item.rev,
          applied: item.applied,
          rebuild_t0: item.rebuild_t0,
          rebuild_seen: item.rebuild_seen ? JSON.stringify(item.rebuild_seen) : undefined,
        },
        ...revisionCondition(expectedRev),
      }),
    );
  }

  async queryHours(
    model: ModelRef,
    version: number,
    fromHour: number,
    toHour: number,
  ): Promise<Array<{ hour: number; profile: HourProfile }>> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': hourPk(model, version),
        ':from': hourKey(fromHour),
        ':to': hourKey(toHour),
      },
      ProjectionExpression: '#hour, profile',
      ExpressionAttributeNames: { '#hour': 'hour' },
    });
    return items.map((item) => ({
      hour: item.hour as number,
      profile: deserializeProfile(item.profile as string),
    }));
  }

  async listHours(model: ModelRef, version: number): Promise<number[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': hourPk(model, version) },
      ProjectionExpression: '#hour',
      ExpressionAttributeNames: { '#hour': 'hour' },
      ConsistentRead: true,
    });
    return items.map((item) => item.hour as number);
  }

  async getSpec(model: ModelRef, version: number): Promise<MonitorSpec | undefined> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `SPEC#${modelKey(model)}`, sk: pad(version, 10) },
        ConsistentRead: true,
      }),
    );
    return result.Item ? (JSON.parse(result.Item.spec as string) as MonitorSpec) : undefined;
  }

  async putSpec(model: ModelRef, version: number, spec: MonitorSpec): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `SPEC#${modelKey(model)}`, sk: pad(version, 10), spec: JSON.stringify(spec) },
      }),
    );
  }

  async getState(model: ModelRef): Promise<ModelState | undefined> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `STATE#${modelKey(model)}`, sk: 'STATE' },
        ConsistentRead: true,
      }),
    );
    return result.Item ? (JSON.parse(result.Item.state as string) as ModelState) : undefined;
  }

  async putState(model: ModelRef, state: ModelState, expectedRev: number | undefined): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `STATE#${modelKey(model)}`, sk: 'STATE', rev: state.rev, state: JSON.stringify(state) },
        ...revisionCondition(expectedRev),
      }),
    );
  }

  async acquireLease(model: ModelRef, owner: string, ms: number, now: number): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `LEASE#${modelKey(model)}`, sk: 'LEASE', owner, expires_at: now + ms },
        ConditionExpression: 'attribute_not_exists(pk) OR #owner = :owner OR expires_at < :now',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner, ':now': now },
      }),
    );
  }

  async releaseLease(model: ModelRef, owner: string): Promise<void> {
    await this.conditional(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: `LEASE#${modelKey(model)}`, sk: 'LEASE' },
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
  }

  async getCheckpoint(name: string): Promise<number | undefined> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `CHECKPOINT#${name}`, sk: 'CHECKPOINT' },
        ConsistentRead: true,
      }),
    );
    return result.Item?.position as number | undefined;
  }

  async putCheckpoint(name: string, position: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `CHECKPOINT#${name}`, sk: 'CHECKPOINT', position },
      }),
    );
  }

  private async conditional(command: PutCommand | DeleteCommand): Promise<boolean> {
    try {
      await this.client.send(command as PutCommand);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private writeAll(requests: object[]): Promise<void> {
    return batchWriteAll(this.client, this.tableName, requests);
  }
}

function storedDeltaOf(model: ModelRef, item: Record<string, unknown>): StoredDelta {
  return {
    key: item.sk as string,
    model,
    event_id: item.event_id as string,
    hour: item.hour as number,
    old_values: item.old_values ? (JSON.parse(item.old_values as string) as Record<string, unknown>) : null,
    new_values: JSON.parse(item.new_values as string) as Record<string, unknown>,
    new_rev: item.new_rev as number,
    new_written_at: item.new_written_at as number,
  };
}

function revisionCondition(expectedRev: number | undefined) {
  return expectedRev === undefined
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectedRev } };
}
