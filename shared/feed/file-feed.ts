// The local change feed: an append-only NDJSON file in the data dir, so changes survive a restart the
// way a DynamoDB stream keeps them for 24 hours. Appends are serialised; each record gets the next sequence number.
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { ChangeFeed } from './change-feed.js';
import type { ChangeRecord } from './change-record.js';

const SEQUENCE_DIGITS = 21;

export interface FeedPage {
  records: ChangeRecord[];
  /** Byte offset to read from next time. */
  nextPosition: number;
}

export class FileChangeFeed implements ChangeFeed {
  private handle: FileHandle | undefined;
  private lastSequence = 0n;
  private size = 0;
  private tail: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly path: string) {}

  static async open(path: string): Promise<FileChangeFeed> {
    const feed = new FileChangeFeed(path);
    await mkdir(dirname(path), { recursive: true });
    feed.handle = await open(path, 'a');
    feed.size = (await stat(path)).size;
    const { records } = await feed.read(0, Number.POSITIVE_INFINITY);
    const last = records.at(-1);
    if (last) feed.lastSequence = BigInt(last.dynamodb.SequenceNumber);
    return feed;
  }

  publish(records: ChangeRecord[]): Promise<void> {
    if (records.length === 0) return this.tail;
    const write = this.tail.then(async () => {
      const lines = records.map((record) => {
        this.lastSequence += 1n;
        const sequence = this.lastSequence.toString().padStart(SEQUENCE_DIGITS, '0');
        const stamped = {
          ...record,
          eventID: sequence,
          dynamodb: { ...record.dynamodb, SequenceNumber: sequence },
        };
        return `${JSON.stringify(stamped)}\n`;
      });
      const buffer = Buffer.from(lines.join(''));
      await this.requireHandle().write(buffer);
      this.size += buffer.length;
    });
    // A failed append must not wedge the queue for later writers; the caller still sees its own failure.
    this.tail = write.catch(() => {});
    return write.then(() => this.notify());
  }

  /** Records from a byte position on, at most `limit` of them. */
  async read(position: number, limit: number): Promise<FeedPage> {
    await this.tail;
    const records: ChangeRecord[] = [];
    let nextPosition = position;
    if (position >= this.size) return { records, nextPosition };
    const lines = createInterface({
      input: createReadStream(this.path, { start: position, end: this.size - 1 }),
    });
    for await (const line of lines) {
      if (records.length >= limit) break;
      nextPosition += Buffer.byteLength(line) + 1;
      if (line.trim() !== '') records.push(JSON.parse(line) as ChangeRecord);
    }
    lines.close();
    return { records, nextPosition };
  }

  /** Calls the listener after every publish; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.tail;
    await this.handle?.sync();
    await this.handle?.close();
    this.handle = undefined;
  }

  private requireHandle(): FileHandle {
    if (!this.handle) throw new Error('the change feed is closed');
    return this.handle;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
