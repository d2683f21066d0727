// Documents that may outgrow one DynamoDB item (400 KB): gzip'd when that helps, split over part items when still
// too large. Atomic to readers without transactions: parts go under a fresh write id, then the head naming them
// is written (conditionally), then the parts it replaced are deleted. Parts of a write whose head never landed
// are never named by a head, so they are never read, only wasted. A sectioned body is stored as named sections,
// each in parts of its own, so a reader fetches only the sections it needs.
import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from './batch-get.js';
import { batchWriteAll } from './batch-write.js';

/** DynamoDB's item limit, counted as DynamoDB does: attribute names plus values. */
export const ITEM_LIMIT_BYTES = 400 * 1024;
/** A part's payload: leaves room under the item limit for its keys. */
export const PART_BYTES = 350 * 1024;
/** Largest encoded body kept in its head: two bodies and a compaction step's digests still fit one item. */
export const INLINE_BYTES = 64 * 1024;
/** Below this a body stays plain text: gzip saves little there, and plain items stay readable in the console. */
const COMPRESS_FROM_BYTES = 8 * 1024;
const READ_ATTEMPTS = 5;

export interface ItemKey {
  pk: string;
  sk: string;
}

export type Item = Record<string, unknown>;
/** Text per body field; undefined: the field is absent. */
export type Bodies = Record<string, string | undefined>;
/** Text per section, per sectioned body field; undefined: the field is absent. */
export type SectionedBodies = Record<string, Record<string, string> | undefined>;
/** Of the sections a head has, the ones a reader needs. */
export type SectionPick = (available: readonly string[]) => readonly string[];

export interface Condition {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** How one body sits on its head: inline (text plain, binary gzip'd) or as parts named by count and write id. */
export interface EncodedBody {
  set: Item;
  /** The field's attributes this encoding leaves unset. */
  remove: string[];
  parts: Item[];
}

const partsAttr = (field: string) => `${field}_parts`;
const idAttr = (field: string) => `${field}_id`;
const gzAttr = (field: string) => `${field}_gz`;
/** A sectioned body's map of section name to part count. */
const sectionsAttr = (field: string) => `${field}_sections`;

/** The head attributes that describe a body: for projections of queries that resolve it later. */
export function bodyAttributes(field: string): string[] {
  return [field, partsAttr(field), idAttr(field), gzAttr(field), sectionsAttr(field)];
}

const partPk = (head: ItemKey, field: string) => `PART#${head.pk}#${head.sk}#${field}`;
const partSk = (writeId: string, index: number) => `${writeId}#${String(index).padStart(5, '0')}`;
const sectionSk = (writeId: string, section: string, index: number) =>
  `${writeId}#${section}#${String(index).padStart(5, '0')}`;

export function encodeBody(
  head: ItemKey,
  field: string,
  text: string,
  writeId: string,
  inlineLimit = INLINE_BYTES,
): EncodedBody {
  const plain = Buffer.from(text, 'utf8');
  const packed = plain.length >= COMPRESS_FROM_BYTES ? gzipSync(plain) : undefined;
  const gzip = packed !== undefined && packed.length < plain.length;
  const bytes = gzip ? (packed as Buffer) : plain;
  if (bytes.length <= inlineLimit) {
    return {
      set: { [field]: gzip ? bytes : text },
      remove: [partsAttr(field), idAttr(field), gzAttr(field), sectionsAttr(field)],
      parts: [],
    };
  }
  const parts: Item[] = [];
  for (let offset = 0, index = 0; offset < bytes.length; offset += PART_BYTES, index++) {
    parts.push({
      pk: partPk(head, field),
      sk: partSk(writeId, index),
      write_id: writeId,
      chunk: bytes.subarray(offset, offset + PART_BYTES),
    });
  }
  return {
    set: { [partsAttr(field)]: parts.length, [idAttr(field)]: writeId, [gzAttr(field)]: gzip },
    remove: [field, sectionsAttr(field)],
    parts,
  };
}

/** Every section gzip'd into parts of its own, never inline: the head names them, a reader picks. */
export function encodeSections(
  head: ItemKey,
  field: string,
  sections: Record<string, string>,
  writeId: string,
): EncodedBody {
  const counts: Record<string, number> = {};
  const parts: Item[] = [];
  for (const [name, text] of Object.entries(sections)) {
    const bytes = gzipSync(Buffer.from(text, 'utf8'));
    let index = 0;
    for (let offset = 0; offset < bytes.length; offset += PART_BYTES, index++) {
      parts.push({
        pk: partPk(head, field),
        sk: sectionSk(writeId, name, index),
        write_id: writeId,
        chunk: bytes.subarray(offset, offset + PART_BYTES),
      });
    }
    counts[name] = index;
  }
  return {
    set: { [sectionsAttr(field)]: counts, [idAttr(field)]: writeId },
    remove: [field, partsAttr(field), gzAttr(field)],
    parts,
  };
}

/** The names of the sections a head has for a field; empty when the field is not sectioned. */
export function sectionsOf(head: Item, field: string): string[] {
  const counts = head[sectionsAttr(field)];
  return counts !== null && typeof counts === 'object' ? Object.keys(counts) : [];
}

/** Keys of the parts of the named sections (all of them when `names` is absent). */
export function sectionKeysOf(head: Item, field: string, names?: readonly string[]): ItemKey[] {
  const counts = head[sectionsAttr(field)] as Record<string, number> | undefined;
  const writeId = head[idAttr(field)];
  if (counts === undefined || counts === null || typeof writeId !== 'string') return [];
  const key = { pk: head.pk as string, sk: head.sk as string };
  return (names ?? Object.keys(counts)).flatMap((name) =>
    Array.from({ length: counts[name] ?? 0 }, (_, index) => ({
      pk: partPk(key, field),
      sk: sectionSk(writeId, name, index),
    })),
  );
}

/** The named sections' texts from the parts found by key; PartsMissing when the head was replaced meanwhile. */
export function decodeSections(
  head: Item,
  field: string,
  names: readonly string[],
  parts: Map<string, Item>,
): Map<string, string> {
  const texts = new Map<string, string>();
  for (const name of names) {
    const chunks = sectionKeysOf(head, field, [name]).map((key) => {
      const part = parts.get(keyString(key));
      if (!part || part.write_id !== head[idAttr(field)] || !(part.chunk instanceof Uint8Array)) {
        throw new PartsMissing(`${head.pk} ${head.sk} ${field} ${name}`);
      }
      return part.chunk;
    });
    if (chunks.length > 0) texts.set(name, gunzipSync(Buffer.concat(chunks)).toString('utf8'));
  }
  return texts;
}

/** Keys of the parts a head names for a field; empty when the body is inline or absent. */
export function partKeysOf(head: Item, field: string): ItemKey[] {
  const count = head[partsAttr(field)];
  const writeId = head[idAttr(field)];
  if (typeof count !== 'number' || typeof writeId !== 'string') return [];
  const key = { pk: head.pk as string, sk: head.sk as string };
  return Array.from({ length: count }, (_, index) => ({
    pk: partPk(key, field),
    sk: partSk(writeId, index),
  }));
}

/** The body's text from its head and (when it has parts) the parts found by key; undefined if absent. */
export function decodeBody(head: Item, field: string, parts?: Map<string, Item>): string | undefined {
  const inline = head[field];
  if (typeof inline === 'string') return inline;
  if (inline instanceof Uint8Array) return gunzipSync(inline).toString('utf8');
  const keys = partKeysOf(head, field);
  if (keys.length === 0) return undefined;
  const chunks = keys.map((key) => {
    const part = parts?.get(keyString(key));
    // The key holds the write id; checking it again guards against a part written by anything else.
    if (!part || part.write_id !== head[idAttr(field)] || !(part.chunk instanceof Uint8Array)) {
      throw new PartsMissing(`${head.pk} ${head.sk} ${field}`);
    }
    return part.chunk;
  });
  const bytes = Buffer.concat(chunks);
  return (head[gzAttr(field)] === true ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** The head read was replaced (and its parts deleted) before its parts were read: read the head again. */
export class PartsMissing extends Error {
  override readonly name = 'PartsMissing';
}

/** Approximate DynamoDB size of an item, counting strings in UTF-8 (never less than DynamoDB counts). */
export function itemBytes(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined) size += Buffer.byteLength(name) + valueBytes(value);
  }
  return size;
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return 21;
  if (value instanceof Uint8Array) return value.length;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, entry) => sum + 1 + valueBytes(entry), 0);
  if (value !== null && typeof value === 'object') return 3 + itemBytes(value as Item);
  return 1;
}

const keyString = (key: ItemKey) => `${key.pk}\u0000${key.sk}`;
const noSections: SectionPick = () => [];

/** Reads and writes heads whose body fields may be inline or in parts. */
export class LargeItemStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Puts `item` (its keys and small attributes) with its bodies; false when `condition` fails. The bodies'
   * parts are written first, the head last, then the parts of the head it replaced are deleted.
   */
  async put(
    item: Item & ItemKey,
    bodies: Bodies,
    condition?: Condition,
    sectioned: SectionedBodies = {},
  ): Promise<boolean> {
    const writeId = randomUUID();
    const encoded = [
      ...Object.entries(bodies).flatMap(([field, text]) =>
        text === undefined ? [] : [encodeBody(item, field, text, writeId)],
      ),
      ...Object.entries(sectioned).flatMap(([field, sections]) =>
        sections === undefined ? [] : [encodeSections(item, field, sections, writeId)],
      ),
    ];
    const fields = [...Object.keys(bodies), ...Object.keys(sectioned)];
    const parts = encoded.flatMap((body) => body.parts);
    await this.writeParts(parts);
    try {
      const result = await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: Object.assign({ ...item }, ...encoded.map((body) => body.set)),
          ...condition,
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (result.Attributes) await this.dropReplacedParts(result.Attributes, fields, writeId);
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return this.afterConflict(item, fields, writeId, parts);
    }
  }

  /** Replaces bodies of an existing head, leaving its other attributes; false when `condition` fails. */
  async update(key: ItemKey, bodies: Bodies, condition: Condition): Promise<boolean> {
    const writeId = randomUUID();
    const set: Item = {};
    const remove: string[] = [];
    const parts: Item[] = [];
    for (const [field, text] of Object.entries(bodies)) {
      if (text === undefined) {
        remove.push(...bodyAttributes(field));
        continue;
      }
      const body = encodeBody(key, field, text, writeId);
      Object.assign(set, body.set);
      remove.push(...body.remove);
      parts.push(...body.parts);
    }
    await this.writeParts(parts);
    const names: Record<string, string> = { ...condition.ExpressionAttributeNames };
    const values: Record<string, unknown> = { ...condition.ExpressionAttributeValues };
    const assignments = Object.entries(set).map(([name, value], index) => {
      names[`#b${index}`] = name;
      values[`:b${index}`] = value;
      return `#b${index} = :b${index}`;
    });
    const removals = remove.map((name, index) => {
      names[`#r${index}`] = name;
      return `#r${index}`;
    });
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: key.pk, sk: key.sk },
          UpdateExpression: [
            assignments.length > 0 ? `SET ${assignments.join(', ')}` : '',
            removals.length > 0 ? `REMOVE ${removals.join(', ')}` : '',
          ].join(' '),
          ConditionExpression: condition.ConditionExpression,
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      if (result.Attributes) {
        await this.dropReplacedParts({ ...result.Attributes, ...key }, Object.keys(bodies), writeId);
      }
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return this.afterConflict(key, Object.keys(bodies), writeId, parts);
    }
  }

  /** The head and its bodies, read consistently; undefined when there is no head. */
  async get(key: ItemKey, fields: string[]): Promise<{ item: Item; bodies: Bodies } | undefined> {
    const found = await this.getSections(key, fields, '', noSections);
    return found && { item: found.item, bodies: found.bodies };
  }

  /**
   * The bodies of heads read by a query, in order: inline ones at no cost, parts in batches for the heads that
   * have them, and a fresh read of a head whose parts were replaced since the query (or a stale read) saw it.
   */
  async resolve(heads: Item[], fields: string[]): Promise<Bodies[]> {
    return (await this.resolveSections(heads, fields, '', noSections)).map((read) => read.bodies);
  }

  /**
   * The bodies of heads read by a query, and for each head the sections of `field` that `pick` chooses among
   * those it has: parts in batches, of the chosen sections only, and a fresh read of a head whose parts were
   * replaced since the query (or a stale read) saw it.
   */
  async resolveSections(
    heads: Item[],
    fields: string[],
    field: string,
    pick: SectionPick,
  ): Promise<Array<{ bodies: Bodies; sections: Map<string, string> }>> {
    const chosen = heads.map((head) => pick(sectionsOf(head, field)));
    const parts = await this.batchGet(
      heads.flatMap((head, index) => [
        ...fields.flatMap((f) => partKeysOf(head, f)),
        ...sectionKeysOf(head, field, chosen[index]),
      ]),
    );
    return Promise.all(
      heads.map(async (head, index) => {
        try {
          return {
            bodies: bodiesOf(head, fields, parts),
            sections: decodeSections(head, field, chosen[index] as readonly string[], parts),
          };
        } catch (error) {
          if (!(error instanceof PartsMissing)) throw error;
          const fresh = await this.getSections(
            { pk: head.pk as string, sk: head.sk as string },
            fields,
            field,
            pick,
          );
          return fresh ?? { bodies: {}, sections: new Map() };
        }
      }),
    );
  }

  /** The head, its bodies and the sections of `field` that `pick` chooses, read consistently. */
  async getSections(
    key: ItemKey,
    fields: string[],
    field: string,
    pick: SectionPick,
  ): Promise<{ item: Item; bodies: Bodies; sections: Map<string, string> } | undefined> {
    for (let attempt = 1; ; attempt++) {
      const result = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }),
      );
      const head = result.Item;
      if (!head) return undefined;
      const names = pick(sectionsOf(head, field));
      try {
        const parts = await this.batchGet([
          ...fields.flatMap((f) => partKeysOf(head, f)),
          ...sectionKeysOf(head, field, names),
        ]);
        return {
          item: head,
          bodies: bodiesOf(head, fields, parts),
          sections: decodeSections(head, field, names, parts),
        };
      } catch (error) {
        // Replaced between the two reads: the new head names parts that exist.
        if (!(error instanceof PartsMissing) || attempt >= READ_ATTEMPTS) throw error;
      }
    }
  }

  /** Writes part items (a retry writes the same keys again). */
  writeParts(parts: Item[]): Promise<void> {
    return batchWriteAll(
      this.client,
      this.tableName,
      parts.map((Item) => ({ PutRequest: { Item } })),
    );
  }

  /** Deletes part items by key; a part left behind is only wasted space, so failures are not fatal. */
  async deleteParts(keys: ItemKey[]): Promise<void> {
    if (keys.length === 0) return;
    await batchWriteAll(
      this.client,
      this.tableName,
      keys.map((Key) => ({ DeleteRequest: { Key } })),
    ).catch((error: unknown) => {
      console.warn(
        JSON.stringify({
          level: 'WARN',
          message: 'could not delete replaced parts; they are unreachable and only waste space',
          parts: keys.length,
          error: String(error),
        }),
      );
    });
  }

  private async batchGet(keys: ItemKey[]): Promise<Map<string, Item>> {
    // Consistent: a head may be visible before an eventually consistent read sees its parts.
    const parts = await batchGetAll(
      this.client,
      this.tableName,
      keys as unknown as Record<string, unknown>[],
    );
    return new Map(parts.map((part) => [keyString(part as unknown as ItemKey), part as Item]));
  }

  private async dropReplacedParts(old: Item, fields: string[], writeId: string): Promise<void> {
    const stale = fields.flatMap((field) =>
      old[idAttr(field)] === writeId ? [] : [...partKeysOf(old, field), ...sectionKeysOf(old, field)],
    );
    await this.deleteParts(stale);
  }

  /**
   * A conditional failure after a retried request may hide our own write having landed: a head naming our write
   * id says so. Otherwise our parts are unreachable and go.
   */
  private async afterConflict(
    key: ItemKey,
    fields: string[],
    writeId: string,
    parts: Item[],
  ): Promise<boolean> {
    if (parts.length === 0) return false;
    const current = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: key.pk, sk: key.sk },
        ConsistentRead: true,
        ProjectionExpression: fields.map((_, index) => `#f${index}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(
          fields.map((field, index) => [`#f${index}`, idAttr(field)]),
        ),
      }),
    );
    if (fields.some((field) => current.Item?.[idAttr(field)] === writeId)) return true;
    await this.deleteParts(parts.map((part) => ({ pk: part.pk as string, sk: part.sk as string })));
    return false;
  }
}

function bodiesOf(head: Item, fields: string[], parts: Map<string, Item>): Bodies {
  return Object.fromEntries(fields.map((field) => [field, decodeBody(head, field, parts)]));
}
