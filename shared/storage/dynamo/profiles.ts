// The profiles table: pending deltas (sharded per model), hour and day profiles per spec version, specs, model state,
// leases and checkpoints. Profiles and specs are stored as JSON strings: compact, and free of DynamoDB's
// number limits. Those that grow with a model's width (profiles, specs, state) go through large-items, so no
// width the API accepts makes an item outgrow DynamoDB's limit.
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { deserializeProfile, type HourProfile, serializeProfile } from '../../metrics/profile.js';
import type { MonitorSpec } from '../../metrics/spec.js';
import {
  type AutoSegment,
  DELTA_SHARDS,
  type Delta,
  type HourItem,
  type ModelRef,
  type ModelState,
  modelKey,
  type ProfileStore,
  type StoredDelta,
} from '../profiles.js';
import { batchGetAll } from './batch-get.js';
import { batchWriteAll } from './batch-write.js';
import { queryAll } from './client.js';
import { shardOf } from './event-items.js';
import {
  bodyAttributes,
  encodeBody,
  type Item,
  type ItemKey,
  LargeItemStore,
  partKeysOf,
} from './large-items.js';

const pad = (value: number, width: number) => String(value).padStart(width, '0');
const hourKey = (hour: number) => pad(hour, 15);
const deltaPk = (model: ModelRef, shard: number) => `DELTA#${modelKey(model)}#${shard}`;
/** A segment's profiles get partitions of their own: a model's hours stay one query, whatever its segments. */
const segmentSuffix = (segment?: string) => (segment === undefined ? '' : `#SEG#${segment}`);
const hourPk = (model: ModelRef, version: number, segment?: string) =>
  `PROF#${modelKey(model)}#${version}${segmentSuffix(segment)}`;
/** Apart from the hours, so listing a version's hours never reads its days. */
const dayPk = (model: ModelRef, version: number, segment?: string) =>
  `DAYPROF#${modelKey(model)}#${version}${segmentSuffix(segment)}`;
const autoSegmentsKey = (model: ModelRef, version: number) => ({
  pk: `AUTOSEG#${modelKey(model)}`,
  sk: pad(version, 10),
});
const specKey = (model: ModelRef, version: number) => ({
  pk: `SPEC#${modelKey(model)}`,
  sk: pad(version, 10),
});
const stateKey = (model: ModelRef) => ({ pk: `STATE#${modelKey(model)}`, sk: 'STATE' });
const DIRTY = 'DIRTY';
/** Packs sort after the single deltas of earlier versions (whose keys start with a digit). */
const PACK_PREFIX = '~PACK#';
/** Deltas per pack: a compaction step (COMPACTION_STEP) takes whole packs, so this bounds a step's overshoot. */
const PACK_DELTAS = 500;
/** JSON per pack before compression: a pack's parts stay few. */
const PACK_BYTES = 2 * 1024 * 1024;
/** A pack's key is unique, so its parts never change: one write id serves every pack. */
const PACK_WRITE_ID = 'p';
const HOUR_BODIES = ['profile', 'rebuild_seen'];

export function deltaKey(delta: Delta): string {
  return `${hourKey(delta.hour)}#${delta.event_id}#${pad(delta.new_rev, 10)}`;
}

export class DynamoProfileStore implements ProfileStore {
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
   * of two per change. A redelivered change lands in a new pack; compaction counts a key once per step, and
   * each profile write records the keys it covered, so the copy is never applied twice.
   */
  async putDeltas(deltas: Delta[]): Promise<void> {
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
        const model = (chunk[0] as Delta).model;
        const id = randomUUID();
        const head = { pk: deltaPk(model, shardOf(id, DELTA_SHARDS)), sk: `${PACK_PREFIX}${id}` };
        const body = encodeBody(head, 'deltas', JSON.stringify(chunk.map(packedDelta)), PACK_WRITE_ID);
        parts.push(...body.parts);
        heads.push({ ...head, ...model, count: chunk.length, ...body.set });
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

  async getHour(
    model: ModelRef,
    version: number,
    hour: number,
    segment?: string,
  ): Promise<HourItem | undefined> {
    const found = await this.large.get(
      { pk: hourPk(model, version, segment), sk: hourKey(hour) },
      HOUR_BODIES,
    );
    if (!found) return undefined;
    const { item, bodies } = found;
    return {
      profile: deserializeProfile(bodies.profile as string),
      rev: item.rev as number,
      applied: (item.applied as string[] | undefined) ?? [],
      ...(item.rebuild_t0 !== undefined ? { rebuild_t0: item.rebuild_t0 as number } : {}),
      ...(bodies.rebuild_seen !== undefined ? { rebuild_seen: JSON.parse(bodies.rebuild_seen) } : {}),
    };
  }

  async putHour(
    model: ModelRef,
    version: number,
    hour: number,
    item: HourItem,
    expectedRev: number | undefined,
    segment?: string,
  ): Promise<boolean> {
    return this.large.put(
      {
        pk: hourPk(model, version, segment),
        sk: hourKey(hour),
        hour,
        rev: item.rev,
        applied: item.applied,
        rebuild_t0: item.rebuild_t0,
      },
      {
        profile: serializeProfile(item.profile),
        rebuild_seen: item.rebuild_seen ? JSON.stringify(item.rebuild_seen) : undefined,
      },
      revisionCondition(expectedRev),
    );
  }

  /** One query for the range; parts are read only for the hours whose profile has them. */
  async queryHours(
    model: ModelRef,
    version: number,
    fromHour: number,
    toHour: number,
    options: { consistent?: boolean; segment?: string } = {},
  ): Promise<Array<{ hour: number; profile: HourProfile }>> {
    const pk = hourPk(model, version, options.segment);
    const found = await this.queryProfiles(pk, fromHour, toHour, options.consistent);
    return found.map(({ start, profile }) => ({ hour: start, profile }));
  }

  /** Stored as an hour is, so no width makes it outgrow an item; unconditional, as it is recomputed whole. */
  async putDay(
    model: ModelRef,
    version: number,
    day: number,
    profile: HourProfile,
    segment?: string,
  ): Promise<void> {
    await this.large.put(
      { pk: dayPk(model, version, segment), sk: hourKey(day), hour: day },
      { profile: serializeProfile(profile) },
    );
  }

  async queryDays(
    model: ModelRef,
    version: number,
    fromDay: number,
    toDay: number,
    segment?: string,
  ): Promise<Array<{ day: number; profile: HourProfile }>> {
    const found = await this.queryProfiles(dayPk(model, version, segment), fromDay, toDay);
    return found.map(({ start, profile }) => ({ day: start, profile }));
  }

  private async queryProfiles(
    pk: string,
    from: number,
    to: number,
    consistent = false,
  ): Promise<Array<{ start: number; profile: HourProfile }>> {
    const profileAttributes = bodyAttributes('profile');
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      ConsistentRead: consistent,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': hourKey(from), ':to': hourKey(to) },
      ProjectionExpression: ['pk', 'sk', '#hour', ...profileAttributes.map((_, i) => `#p${i}`)].join(', '),
      ExpressionAttributeNames: {
        '#hour': 'hour',
        ...Object.fromEntries(profileAttributes.map((name, i) => [`#p${i}`, name])),
      },
    });
    const bodies = await this.large.resolve(items, ['profile']);
    return items.map((item, index) => ({
      start: item.hour as number,
      profile: deserializeProfile(bodies[index]?.profile as string),
    }));
  }

  async listHours(model: ModelRef, version: number, segment?: string): Promise<number[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': hourPk(model, version, segment) },
      ProjectionExpression: '#hour',
      ExpressionAttributeNames: { '#hour': 'hour' },
      ConsistentRead: true,
    });
    return items.map((item) => item.hour as number);
  }

  async getSpec(model: ModelRef, version: number): Promise<MonitorSpec | undefined> {
    const found = await this.large.get(specKey(model, version), ['spec']);
    return found ? (JSON.parse(found.bodies.spec as string) as MonitorSpec) : undefined;
  }

  async putSpec(model: ModelRef, version: number, spec: MonitorSpec): Promise<void> {
    await this.large.put(specKey(model, version), { spec: JSON.stringify(spec) });
  }

  async getAutoSegments(model: ModelRef, version: number): Promise<AutoSegment[] | undefined> {
    const found = await this.large.get(autoSegmentsKey(model, version), ['segments']);
    return found ? (JSON.parse(found.bodies.segments as string) as AutoSegment[]) : undefined;
  }

  /** 3 columns of 51 segments with values of any length: through large-items like a spec. */
  async putAutoSegments(model: ModelRef, version: number, segments: AutoSegment[]): Promise<void> {
    await this.large.put(autoSegmentsKey(model, version), { segments: JSON.stringify(segments) });
  }

  async getState(model: ModelRef): Promise<ModelState | undefined> {
    const found = await this.large.get(stateKey(model), ['state']);
    return found ? (JSON.parse(found.bodies.state as string) as ModelState) : undefined;
  }

  /** The state's list of hours grows with a rebuild's span, so it may need parts too. */
  async putState(model: ModelRef, state: ModelState, expectedRev: number | undefined): Promise<boolean> {
    return this.large.put(
      { ...stateKey(model), rev: state.rev },
      { state: JSON.stringify(state) },
      revisionCondition(expectedRev),
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

function revisionCondition(expectedRev: number | undefined) {
  return expectedRev === undefined
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectedRev } };
}
