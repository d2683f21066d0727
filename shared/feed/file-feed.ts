// The local change feed: append-only NDJSON segments in the data dir, read by the fold from a byte position
// and deleted once folded, so changes survive a restart the way a DynamoDB stream keeps them.
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AppendFile } from './append-file.js';
import type { ChangeRecord } from './change-record.js';

const SEQUENCE_DIGITS = 21;
const OFFSET_DIGITS = 16;
/** Big enough that a busy feed rolls rarely; small enough that folded changes leave the disk soon. */
const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const SEGMENT = /^changes-(\d{16})\.ndjson$/;
/** The single file the feed was before it had segments: it becomes the segment at offset 0. */
const LEGACY_FILE = 'changes.ndjson';

export interface FeedPage {
  records: ChangeRecord[];
  /** Byte position to read from next time. */
  nextPosition: number;
}

interface Segment {
  /** Global byte position of the segment's first byte. */
  start: number;
  path: string;
}

export interface FeedOptions {
  segmentBytes?: number;
}

export class FileChangeFeed {
  private lastSequence = 0n;
  private tail: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly dir: string,
    private readonly segments: Segment[],
    private current: AppendFile,
    private readonly segmentBytes: number,
  ) {}

  /** Opens the feed in `dir`, cutting a torn last line; reads only the last line, never the whole feed. */
  static async open(dir: string, options: FeedOptions = {}): Promise<FileChangeFeed> {
    await mkdir(dir, { recursive: true });
    const names = await readdir(dir);
    if (names.includes(LEGACY_FILE)) await rename(join(dir, LEGACY_FILE), join(dir, segmentName(0)));
    const segments = (await readdir(dir))
      .map((name) => SEGMENT.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => ({ start: Number(match[1]), path: join(dir, match[0]) }))
      .sort((a, b) => a.start - b.start);
    if (segments.length === 0) segments.push({ start: 0, path: join(dir, segmentName(0)) });
    const last = segments.at(-1) as Segment;
    const current = await AppendFile.open(last.path);
    const feed = new FileChangeFeed(dir, segments, current, options.segmentBytes ?? DEFAULT_SEGMENT_BYTES);
    feed.lastSequence = await lastSequenceOf(feed.segments, current);
    return feed;
  }

  /** The global position just past the last whole record. */
  get end(): number {
    return (this.segments.at(-1) as Segment).start + this.current.size;
  }

  /**
   * Appends records, each with the next sequence number, as whole lines: a failure (a full disk) leaves the
   * feed as it was and raises StorageUnavailable.
   */
  append(records: ChangeRecord[]): Promise<void> {
    if (records.length === 0) return this.tail;
    const write = this.tail.then(async () => {
      if (this.current.size >= this.segmentBytes) await this.roll();
      let sequence = this.lastSequence;
      const lines = records.map((record) => {
        sequence += 1n;
        const stamp = sequence.toString().padStart(SEQUENCE_DIGITS, '0');
        return `${JSON.stringify({ ...record, eventID: stamp, dynamodb: { ...record.dynamodb, SequenceNumber: stamp } })}\n`;
      });
      await this.current.append(Buffer.from(lines.join('')));
      this.lastSequence = sequence;
    });
    // A failed append must not wedge the queue for later writers; the caller still sees its own failure.
    this.tail = write.catch(() => {});
    return write.then(() => this.notify());
  }

  /** Records from a global byte position on, at most `limit` of them. */
  async read(position: number, limit: number): Promise<FeedPage> {
    await this.tail;
    const records: ChangeRecord[] = [];
    let nextPosition = Math.max(position, this.segments[0]?.start ?? 0);
    const end = this.end;
    while (records.length < limit && nextPosition < end) {
      const index = this.segmentAt(nextPosition);
      const segment = this.segments[index] as Segment;
      const segmentEnd = this.segments[index + 1]?.start ?? end;
      nextPosition = await readLines(segment, nextPosition, segmentEnd, (line) => {
        if (records.length >= limit) return false;
        records.push(JSON.parse(line) as ChangeRecord);
        return true;
      });
    }
    return { records, nextPosition };
  }

  /** Deletes the segments wholly before `position`: the fold has checkpointed past them. */
  async release(position: number): Promise<void> {
    await this.tail;
    while (this.segments.length > 1 && (this.segments[1] as Segment).start <= position) {
      const [done] = this.segments.splice(0, 1);
      await unlink((done as Segment).path).catch(() => undefined);
    }
  }

  /** Calls the listener after every append; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.tail;
    await this.current.close();
  }

  private async roll(): Promise<void> {
    const start = this.end;
    const path = join(this.dir, segmentName(start));
    const next = await AppendFile.open(path);
    await this.current.close();
    this.current = next;
    this.segments.push({ start, path });
  }

  private segmentAt(position: number): number {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      if ((this.segments[i] as Segment).start <= position) return i;
    }
    return 0;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

function segmentName(start: number): string {
  return `changes-${String(start).padStart(OFFSET_DIGITS, '0')}.ndjson`;
}

/**
 * Calls `take` for each non-empty line of one segment between two global positions, until it returns false;
 * answers the global position after the last line taken.
 */
async function readLines(
  segment: Segment,
  from: number,
  to: number,
  take: (line: string) => boolean,
): Promise<number> {
  let position = from;
  if (from >= to) return to;
  const lines = createInterface({
    input: createReadStream(segment.path, { start: from - segment.start, end: to - segment.start - 1 }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  try {
    for await (const line of lines) {
      if (line.trim() !== '' && !take(line)) break;
      position += Buffer.byteLength(line) + 1;
    }
  } finally {
    lines.close();
  }
  return position;
}

async function lastSequenceOf(segments: Segment[], current: AppendFile): Promise<bigint> {
  const line = await current.lastLine();
  if (line) return BigInt((JSON.parse(line) as ChangeRecord).dynamodb.SequenceNumber);
  // A fresh segment: the previous one (if any) ends with the last record.
  for (let i = segments.length - 2; i >= 0; i--) {
    const previous = await AppendFile.open((segments[i] as Segment).path);
    try {
      const last = await previous.lastLine();
      if (last) return BigInt((JSON.parse(last) as ChangeRecord).dynamodb.SequenceNumber);
    } finally {
      await previous.close();
    }
  }
  return 0n;
}
