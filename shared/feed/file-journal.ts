// The local run's write-ahead journal: each events-table write is announced (its intended change records)
// before it is made, and its landed records are appended to the feed after. A crash between the two is
// repaired on the next start by asking the store which announced writes landed.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DomainError, StorageUnavailable } from '../errors.js';
import { AppendFile } from './append-file.js';
import type { ChangeRecord } from './change-record.js';
import type { FileChangeFeed } from './file-feed.js';
import { type WriteJournal, type WriteOutcome, writeIdOf } from './write-journal.js';

/** Tells whether a write announced with this record landed in the store. */
export type LandedCheck = (record: ChangeRecord) => Promise<boolean>;

interface Intent {
  id: number;
  /** The feed's end when the intent was written: its records, if appended, come after it. */
  position: number;
  records: ChangeRecord[];
}

/** The journal is rewritten with only its open intents once it passes this size. */
const COMPACT_BYTES = 8 * 1024 * 1024;

export class FileWriteJournal implements WriteJournal {
  private nextId = 1;
  private readonly open = new Map<number, Intent>();
  /** Writes that landed but whose records could not be appended to the feed yet (a full disk). */
  private unappended: Intent[] = [];
  /** Writes whose outcome is unknown (the store failed mid-call): they must be checked before any other write. */
  private unknown: Intent[] = [];
  /** Appends and compactions of the journal file, one at a time (a compaction replaces the file). */
  private fileOps: Promise<void> = Promise.resolve();

  private constructor(
    private file: AppendFile,
    private readonly feed: FileChangeFeed,
    private readonly landed: LandedCheck,
  ) {}

  /**
   * Opens the journal beside the feed and settles what a crash left open: announced writes that landed but
   * never reached the feed are appended to it now. Runs before the service takes any write.
   */
  static async open(path: string, feed: FileChangeFeed, landed: LandedCheck): Promise<FileWriteJournal> {
    await mkdir(dirname(path), { recursive: true });
    const file = await AppendFile.open(path);
    const journal = new FileWriteJournal(file, feed, landed);
    await journal.recover(await readIntents(path));
    return journal;
  }

  async run<T>(intended: ChangeRecord[], write: () => Promise<WriteOutcome<T>>): Promise<T> {
    await this.settle();
    const intent: Intent = { id: this.nextId++, position: this.feed.end, records: intended };
    // Open before the append: a compaction queued meanwhile must carry it over.
    this.open.set(intent.id, intent);
    try {
      await this.withFile((file) => file.append(Buffer.from(`${JSON.stringify(intent)}\n`)));
    } catch (error) {
      this.open.delete(intent.id);
      throw error;
    }
    let outcome: WriteOutcome<T>;
    try {
      outcome = await write();
    } catch (error) {
      // A refusal (409, 404, 400) changed nothing; anything else may or may not have landed.
      if (error instanceof DomainError && error.status < 500) this.finish(intent);
      else {
        this.unknown.push(intent);
        this.open.delete(intent.id);
      }
      throw error;
    }
    try {
      await this.feed.append(outcome.landed);
    } catch (error) {
      this.unappended.push({ ...intent, records: outcome.landed });
      this.open.delete(intent.id);
      throw error;
    }
    this.finish(intent);
    return outcome.result;
  }

  /** True when no landed write is waiting for the feed and no write's outcome is unknown. */
  get settled(): boolean {
    return this.unappended.length === 0 && this.unknown.length === 0;
  }

  /**
   * Brings the feed up to date with the store after a failure: appends landed records that could not be
   * appended, and checks writes whose outcome is unknown. Until it succeeds, writes are refused with 503.
   */
  async settle(): Promise<void> {
    if (this.settled) return;
    try {
      for (const intent of this.unknown) {
        const landed: ChangeRecord[] = [];
        for (const record of intent.records) if (await this.landed(record)) landed.push(record);
        this.unappended.push({ ...intent, records: landed });
      }
      this.unknown = [];
      const records = this.unappended.flatMap((intent) => intent.records);
      if (records.length > 0) await this.feed.append(records);
      this.unappended = [];
    } catch (error) {
      if (error instanceof StorageUnavailable) throw error;
      throw new StorageUnavailable(`storage is not usable yet: ${(error as Error).message}`);
    }
  }

  async close(): Promise<void> {
    await this.withFile((file) => file.close());
  }

  private finish(intent: Intent): void {
    this.open.delete(intent.id);
    if (this.file.size > COMPACT_BYTES) this.withFile((file) => this.compact(file)).catch(() => undefined);
  }

  private withFile(operation: (file: AppendFile) => Promise<void>): Promise<void> {
    const done = this.fileOps.then(() => operation(this.file));
    this.fileOps = done.catch(() => {});
    return done;
  }

  /** Rewrites the journal with its open intents only (atomically, by rename), so it stays small. */
  private async compact(file: AppendFile): Promise<void> {
    if (file.size <= COMPACT_BYTES) return;
    // Every intent not yet settled is carried over: a crash after the compaction still finds it.
    const lines = [...this.open.values(), ...this.unknown, ...this.unappended].map(
      (intent) => `${JSON.stringify(intent)}\n`,
    );
    await writeFile(`${file.path}.next`, lines.join(''));
    await rename(`${file.path}.next`, file.path);
    this.file = await AppendFile.open(file.path);
    await file.close();
  }

  /** Appends to the feed the announced records that landed and are not in the feed already. */
  private async recover(intents: Intent[]): Promise<void> {
    if (intents.length === 0) return;
    const inFeed = await writeIdsInFeed(this.feed, Math.min(...intents.map((intent) => intent.position)));
    const missing: ChangeRecord[] = [];
    for (const intent of intents) {
      for (const record of intent.records) {
        const id = writeIdOf(record);
        if (id === undefined || inFeed.has(id)) continue;
        // A compaction may have carried an intent over while its line was being appended: check it once.
        inFeed.add(id);
        if (await this.landed(record)) missing.push(record);
      }
    }
    await this.feed.append(missing);
    await this.file.clear();
  }
}

async function readIntents(path: string): Promise<Intent[]> {
  const text = await readFile(path, 'utf8');
  const intents: Intent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    intents.push(JSON.parse(line) as Intent);
  }
  return intents;
}

async function writeIdsInFeed(feed: FileChangeFeed, from: number): Promise<Set<string>> {
  const ids = new Set<string>();
  let position = from;
  for (;;) {
    const page = await feed.read(position, 5_000);
    if (page.records.length === 0) return ids;
    for (const record of page.records) {
      const id = writeIdOf(record);
      if (id !== undefined) ids.add(id);
    }
    position = page.nextPosition;
  }
}
