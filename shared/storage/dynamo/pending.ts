// Changes waiting to be folded: packs of deltas (sharded per model), the journals of compaction steps, the marks
// of models with work pending, and the local feed's checkpoint.
import { createHash, randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  DELTA_SHARDS,
  type Delta,
  type ModelRef,
  modelKey,
  type PendingStore,
  type StoredDelta,
} from '../profiles.js';
import { batchGetAll } from './batch-get.js';
import { batchWriteAll } from './batch-write.js';
import { queryAll, writeIf } from './client.js';
import { shardOf } from './event-items.js';
import { encodeBody, type Item, type ItemKey, LargeItemStore, partKeysOf } from './large-items.js';
import { DIRTY, deltaKey, deltaPk } from './profile-keys.js';

/** Packs sort after the single deltas of earlier versions (whose keys start with a digit). */
const PACK_PREFIX = '~PACK#';
/** Deltas per pack: a compaction step (COMPACTION_STEP) takes whole packs, so this bounds a step's overshoot. */
const PACK_DELTAS = 500;
/** JSON per pack before compression: a pack's parts stay few. */
const PACK_BYTES = 2 * 1024 * 1024;
/**
 * Parts are keyed by their pack's name, one write id for all: a pack rewritten in place (a retried delivery)
 * rewrites its parts first, then its head. A reader that meets a head and parts of two attempts fails to decode
 * them (a pack with parts is gzip'd, and gzip checks its data) and is retried, never reading a mix as deltas.
 */
const PACK_WRITE_ID = 'p';

export class DynamoPendingStore implements PendingStore {
  private readonly large: LargeItemStore;
  /** Parts and partitions of the deltas handed out by reads, so deleting a delta deletes its item and parts. */
  private readonly deltaParts = new WeakMap<StoredDelta, ItemKey[]>();
  private readonly deltaPartitions = new WeakMap<StoredDelta, string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.large = new LargeItemStore(client, tableName);
  }

  /**
   * Packs each model's deltas into items of up to PACK_DELTAS: one write (and later one delete) per pack instead
   * of two per change. A pack is named by `source` and its first change, so a delivery retried from the same
   * place (a feed page read again after a crash, a stream batch redelivered from its first record) packs the same
   * changes under the same names, more at the end if it holds more, and overwrites what it wrote before instead
   * of leaving a second copy pending. A copy that still lands in another pack is counted once per step, and each
   * profile write records the keys it covered.
   */
  async putDeltas(deltas: Delta[], source: string): Promise<void> {
    const byModel = new Map<string, Map<string, Delta>>();
    for (const delta of deltas) {
      const key = modelKey(delta.model);
      const pending = byModel.get(key) ?? new Map<string, Delta>();
      // A stream batch may repeat a change (a retried delivery): one copy per pack is enough.
      pending.set(deltaKey(delta), delta);
      byModel.set(key, pending);
    }
    const parts: Item[] = [];
    const heads: Item[] = [];
    for (const pending of byModel.values()) {
      for (const chunk of packChunks([...pending.values()])) {
        const first = chunk[0] as Delta;
        const id = createHash('sha256')
          .update(`${source}\u0000${deltaKey(first)}`)
          .digest('base64url')
          .slice(0, 22);
        const head = { pk: deltaPk(first.model, shardOf(id, DELTA_SHARDS)), sk: `${PACK_PREFIX}${id}` };
        const body = encodeBody(head, 'deltas', JSON.stringify(chunk.map(packedDelta)), PACK_WRITE_ID);
        parts.push(...body.parts);
        heads.push({ ...head, ...first.model, count: chunk.length, ...body.set });
      }
    }
    // Parts before the packs naming them: a pack is never visible without its parts.
    await this.large.writeParts(parts);
    await this.writeAll(heads.map((Item) => ({ PutRequest: { Item } })));
  }

  /**
   * At least `limit` deltas when the shard holds them, in whole packs (a step never takes part of a pack). Pages
   * are followed, since a page of large items ends at 1 MB, not at the limit.
   */
  async queryDeltas(model: ModelRef, shard: number, limit: number): Promise<StoredDelta[]> {
    const deltas: StoredDelta[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': deltaPk(model, shard) },
          Limit: limit - deltas.length,
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      deltas.push(...(await this.storedDeltas(model, result.Items ?? [])));
      startKey = result.LastEvaluatedKey;
    } while (startKey && deltas.length < limit);
    return deltas;
  }

  /** The deltas of the items (packs, or single deltas of earlier versions) with these keys that still exist. */
  async getDeltas(model: ModelRef, shard: number, sources: string[]): Promise<StoredDelta[]> {
    const found = (await batchGetAll(
      this.client,
      this.tableName,
      sources.map((sk) => ({ pk: deltaPk(model, shard), sk })),
    )) as Item[];
    const deltas = await this.storedDeltas(model, found);
    return deltas.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
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
    const items = new Map<string, ItemKey>();
    for (const delta of deltas) {
      const pk = this.deltaPartitions.get(delta) ?? deltaPk(model, shardOf(delta.event_id, DELTA_SHARDS));
      items.set(`${pk}|${delta.source}`, { pk, sk: delta.source });
    }
    await this.writeAll([...items.values()].map((Key) => ({ DeleteRequest: { Key } })));
    // After the items: a delta whose parts were gone could never be folded.
    const parts = new Map<string, ItemKey>();
    for (const delta of deltas)
      for (const part of this.deltaParts.get(delta) ?? []) parts.set(`${part.pk}|${part.sk}`, part);
    await this.large.deleteParts([...parts.values()]);
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
    await writeIf(
      this.client,
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: DIRTY, sk: modelKey(model) },
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':token': token },
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

  private writeAll(requests: object[]): Promise<void> {
    return batchWriteAll(this.client, this.tableName, requests);
  }

  private async storedDeltas(model: ModelRef, items: Item[]): Promise<StoredDelta[]> {
    const packs = items.filter((item) => isPack(item));
    const singles = items.filter((item) => !isPack(item));
    const packBodies = await this.large.resolve(packs, ['deltas']);
    const singleBodies = await this.large.resolve(singles, ['values']);
    const remember = (delta: StoredDelta, item: Item, field: string) => {
      this.deltaPartitions.set(delta, item.pk as string);
      const parts = partKeysOf(item, field);
      if (parts.length > 0) this.deltaParts.set(delta, parts);
      return delta;
    };
    const fromPacks = packs.flatMap((item, index) => {
      const body = packBodies[index]?.deltas;
      if (body === undefined) throw new Error(`pack ${item.sk as string} has no deltas`);
      return (JSON.parse(body) as PackedDelta[]).map((packed) => {
        const delta = { ...packed, model };
        return remember({ ...delta, key: deltaKey(delta), source: item.sk as string }, item, 'deltas');
      });
    });
    // Single deltas, as versions before packs wrote them: still folded after an upgrade.
    const fromSingles = singles.map((item, index) => {
      const values = singleBodies[index]?.values;
      const { old_values, new_values } = values
        ? (JSON.parse(values) as Pick<Delta, 'old_values' | 'new_values'>)
        : {
            old_values: item.old_values
              ? (JSON.parse(item.old_values as string) as Delta['old_values'])
              : null,
            new_values: JSON.parse(item.new_values as string) as Delta['new_values'],
          };
      const delta: StoredDelta = {
        key: item.sk as string,
        source: item.sk as string,
        model,
        event_id: item.event_id as string,
        hour: item.hour as number,
        old_values,
        new_values,
        new_rev: item.new_rev as number,
        new_written_at: item.new_written_at as number,
      };
      return remember(delta, item, 'values');
    });
    return [...fromSingles, ...fromPacks];
  }
}

/** A delta as a pack holds it: the model is the pack's. */
type PackedDelta = Omit<Delta, 'model'>;

function packedDelta({ model: _model, ...rest }: Delta): PackedDelta {
  return rest;
}

const isPack = (item: Item) => typeof item.sk === 'string' && item.sk.startsWith(PACK_PREFIX);

/** Chunks of at most PACK_DELTAS deltas and about PACK_BYTES of JSON, in order. */
function packChunks(deltas: Delta[]): Delta[][] {
  const chunks: Delta[][] = [];
  let chunk: Delta[] = [];
  let bytes = 0;
  for (const delta of deltas) {
    const size = JSON.stringify(delta.new_values).length + JSON.stringify(delta.old_values).length;
    if (chunk.length > 0 && (chunk.length >= PACK_DELTAS || bytes + size > PACK_BYTES)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(delta);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
