// The events table: conditional single-key writes, so a duplicate insert changes nothing and an update
// touches only the columns it names. Every write carries a fresh write id (`wid`) and goes through the
// write journal, so its change record reaches the feed exactly when the write lands.
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { KeyedLock, mapBounded } from '../../concurrency/keyed-lock.js';
import { AlreadyExists, DomainError, NotFound } from '../../errors.js';
import { checkEventLimits } from '../../events/limits.js';
import { type ChangeRecord, changeRecord } from '../../feed/change-record.js';
import { STREAM_JOURNAL, type WriteJournal, writeIdOf } from '../../feed/write-journal.js';
import type { StoredEvent } from '../../schema/types.js';
import type { EventKey, EventRevision, EventStore, InsertManyResult, NewEvent } from '../events.js';
import { batchGetAll } from './batch-get.js';
import { backoff } from './batch-write.js';
import { queryAll, writeIf } from './client.js';
import { decodeValues, encodeValues, eventPartitionKey, fromItem, toItem } from './event-items.js';
import { EVENT_HOUR_SHARDS, EVENTS_BY_HOUR_INDEX } from './table-designs.js';

/** Conditional puts in flight per batch: BatchWriteItem takes no conditions, so each insert is its own put. */
const INSERT_CONCURRENCY = 32;
/** Another process updating the same event at once: read again and retry this many times. */
const UPDATE_ATTEMPTS = 8;

/** An update lost a race with another writer of the same event: read it again. */
class RevisionMoved extends DomainError {
  constructor() {
    super(409, 'already_exists', 'the event changed while it was being updated');
  }
}

export class DynamoEventStore implements EventStore {
  /** Writes to one event run one at a time in this process (see KeyedLock). */
  private readonly locks = new KeyedLock();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => number = Date.now,
    private readonly journal: WriteJournal = STREAM_JOURNAL,
  ) {}

  async insert(event: NewEvent): Promise<ChangeRecord> {
    const item = { ...toItem(event), wid: randomUUID() };
    const change = changeRecord('INSERT', { ...item }, undefined, this.clock());
    return this.locks.with([item.pk], () =>
      this.journal.run([change], async () => {
        if (!(await this.putIfAbsent(item))) {
          throw new AlreadyExists(
            `event_id '${event.event_id}' already exists; set update_event to change it`,
          );
        }
        return { result: change, landed: [change] };
      }),
    );
  }

  /**
   * Each insert is a conditional put, so exactly one of any number of concurrent inserts of an id lands,
   * whichever process or route they come through.
   */
  async insertMany(events: NewEvent[]): Promise<InsertManyResult> {
    const duplicates = new Set<number>();
    const fresh: Array<{ index: number; item: ReturnType<typeof toItem> & { wid: string } }> = [];
    const seen = new Set<string>();
    for (const [index, event] of events.entries()) {
      const item = { ...toItem(event), wid: randomUUID() };
      if (seen.has(item.pk)) duplicates.add(index);
      else {
        seen.add(item.pk);
        fresh.push({ index, item });
      }
    }
    const now = this.clock();
    const intended = fresh.map(({ item }) => changeRecord('INSERT', { ...item }, undefined, now));
    return this.locks.with(seen, () =>
      this.journal.run(intended, async () => {
        const written = await mapBounded(fresh, INSERT_CONCURRENCY, ({ item }) => this.putIfAbsent(item));
        const changes: ChangeRecord[] = [];
        for (const [position, landed] of written.entries()) {
          if (landed) changes.push(intended[position] as ChangeRecord);
          else duplicates.add((fresh[position] as (typeof fresh)[number]).index);
        }
        return { result: { changes, duplicates }, landed: changes };
      }),
    );
  }

  /**
   * Reads the event, then writes the new revision on condition that it is still the one read: the change
   * record (old and new image) is then known before the write, and the event as the update leaves it can
   * be checked against the event limits.
   */
  async update(key: EventKey, columns: Record<string, unknown>): Promise<ChangeRecord> {
    const pk = eventPartitionKey(key);
    return this.locks.with([pk], async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.updateOnce(key, pk, columns);
        } catch (error) {
          if (!(error instanceof RevisionMoved) || attempt >= UPDATE_ATTEMPTS) throw error;
          await backoff(attempt);
        }
      }
    });
  }

  /** Whether the write that produced `record` landed: the event still carries its write id. */
  async landed(record: ChangeRecord): Promise<boolean> {
    const wid = writeIdOf(record);
    const pk = record.dynamodb.Keys.pk?.S;
    if (wid === undefined || pk === undefined) return false;
    const result = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk },
        ProjectionExpression: 'wid',
        ConsistentRead: true,
      }),
    );
    return result.Item?.wid === wid;
  }

  private async updateOnce(
    key: EventKey,
    pk: string,
    columns: Record<string, unknown>,
  ): Promise<ChangeRecord> {
    const read = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk }, ConsistentRead: true }),
    );
    const oldItem = read.Item;
    if (!oldItem) throw new NotFound(`event_id '${key.event_id}' does not exist in model '${key.model_id}'`);
    const oldEv = (oldItem.ev ?? {}) as Record<string, string>;
    const encoded = encodeValues(columns);
    const mergedEv = new Map([...Object.entries(oldEv), ...Object.entries(encoded)]);
    checkEventLimits({ ...decodeValues(oldEv), ...columns });
    const oldRev = Number(oldItem.rev ?? 1);
    const now = this.clock();
    const wid = randomUUID();
    const newItem = { ...oldItem, ev: mergedEv, rev: oldRev + 1, written_at: now, wid };
    const change = changeRecord('MODIFY', newItem, oldItem, now);
    const names: Record<string, string> = {
      '#ev': 'ev',
      '#rev': 'rev',
      '#written': 'written_at',
      '#wid': 'wid',
    };
    const values: Record<string, unknown> = { ':old': oldRev, ':new': oldRev + 1, ':now': now, ':wid': wid };
    const assignments = Object.entries(encoded).map(([column, value], index) => {
      names[`#c${index}`] = column;
      values[`:v${index}`] = value;
      return `#ev.#c${index} = :v${index}`;
    });
    // An item written before revisions were stored has none: it is at revision 1.
    const condition = oldItem.rev === undefined ? 'attribute_not_exists(#rev)' : '#rev = :old';
    if (oldItem.rev === undefined) delete values[':old'];
    return this.journal.run([change], async () => {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk },
            ConditionExpression: `attribute_exists(pk) AND ${condition}`,
            UpdateExpression: `SET ${assignments.join(', ')}, #written = :now, #wid = :wid, #rev = :new`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new RevisionMoved();
        throw error;
      }
      return { result: change, landed: [change] };
    });
  }

  /** A conditional put: false when the id is taken. */
  private putIfAbsent(item: object): Promise<boolean> {
    return writeIf(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
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
          IndexName: EVENTS_BY_HOUR_INDEX,
          KeyConditionExpression: 'hour_shard = :key',
          ExpressionAttributeValues: { ':key': `${projectId}/${modelId}/${hour}/${shard}` },
        }),
      ),
    );
    const keys = shards.flat().map((item) => ({ pk: item.pk as string }));
    return (await batchGetAll(this.client, this.tableName, keys)).map((item) => ({
      event_id: item.event_id as string,
      values: decodeValues(item.ev as Record<string, string>),
      rev: Number(item.rev ?? 1),
      written_at: Number(item.written_at ?? item.received_at),
    }));
  }
}
