// The local change feed and its write journal: torn tails cut on open, short writes cut back, segments that
// roll and are deleted once folded, and intents a crash left settled against the store on the next open.
import { execFileSync } from 'node:child_process';
import { appendFile, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageUnavailable } from '../../shared/errors.js';
import { AppendFile } from '../../shared/feed/append-file.js';
import { type ChangeRecord, changeRecord } from '../../shared/feed/change-record.js';
import { FileChangeFeed } from '../../shared/feed/file-feed.js';
import { FileWriteJournal } from '../../shared/feed/file-journal.js';
import { noteSkippedSuite } from '../support/skipped-suites.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelwatch-feed-'));
  dirs.push(dir);
  return dir;
}

function record(id: string, wid = `w-${id}`): ChangeRecord {
  return changeRecord(
    'INSERT',
    { pk: `bank/churn/${id}`, event_id: id, wid, padding: 'x'.repeat(100) },
    undefined,
    0,
  );
}

const idsOf = (records: ChangeRecord[]) => records.map((r) => r.dynamodb.NewImage?.event_id?.S);

describe('the file feed', () => {
  it('cuts a torn last line when it opens, and appends after the last whole record', async () => {
    const dir = await freshDir();
    const feed = await FileChangeFeed.open(dir);
    await feed.append([record('a'), record('b')]);
    await feed.close();
    await appendFile(join(dir, 'changes-0000000000000000.ndjson'), '{"eventID":"0000000000000000000');

    const reopened = await FileChangeFeed.open(dir);
    await reopened.append([record('c')]);
    const { records } = await reopened.read(0, 100);

    expect(idsOf(records)).toEqual(['a', 'b', 'c']);
    expect(records.map((r) => r.dynamodb.SequenceNumber.replace(/^0+/, ''))).toEqual(['1', '2', '3']);
    await reopened.close();
  });

  it('moves a feed kept as one file into its first segment, positions unchanged', async () => {
    const dir = await freshDir();
    const legacy = await FileChangeFeed.open(dir);
    await legacy.append([record('a')]);
    await legacy.close();
    const [segment] = await readdir(dir);
    await writeFile(join(dir, 'changes.ndjson'), await readFile(join(dir, segment as string)));
    await rm(join(dir, segment as string));

    const feed = await FileChangeFeed.open(dir);

    expect(idsOf((await feed.read(0, 10)).records)).toEqual(['a']);
    await feed.close();
  });

  it('rolls to a new segment past its size, reads across segments, and deletes those folded', async () => {
    const dir = await freshDir();
    const feed = await FileChangeFeed.open(dir, { segmentBytes: 1_000 });
    for (let i = 0; i < 30; i++) await feed.append([record(`e${i}`)]);

    const all = await feed.read(0, 1_000);
    const half = await feed.read(0, 15);
    const segmentsBefore = (await readdir(dir)).length;
    await feed.release(half.nextPosition);
    const rest = await feed.read(half.nextPosition, 1_000);

    expect(all.records).toHaveLength(30);
    expect(segmentsBefore).toBeGreaterThan(3);
    expect((await readdir(dir)).length).toBeLessThan(segmentsBefore);
    expect(idsOf(rest.records)).toEqual(idsOf(all.records.slice(15)));
    await feed.close();
    const reopened = await FileChangeFeed.open(dir, { segmentBytes: 1_000 });
    await reopened.append([record('after')]);
    const tail = await reopened.read(half.nextPosition, 1_000);
    expect(tail.records.at(-1)?.dynamodb.SequenceNumber.replace(/^0+/, '')).toBe('31');
    await reopened.close();
  });
});

describe('the write journal', () => {
  it('appends on open the announced records that landed but never reached the feed, once', async () => {
    const dir = await freshDir();
    const feed = await FileChangeFeed.open(dir);
    await feed.append([record('in-feed')]);
    const intents = [
      { id: 1, position: 0, records: [record('in-feed'), record('landed')] },
      { id: 2, position: 0, records: [record('never-landed')] },
      // A compaction may carry an intent over while its line is appended: the same intent twice.
      { id: 3, position: 0, records: [record('twice')] },
      { id: 3, position: 0, records: [record('twice')] },
    ];
    await writeFile(join(dir, 'journal.ndjson'), intents.map((i) => `${JSON.stringify(i)}\n`).join(''));
    const landed = new Set(['w-in-feed', 'w-landed', 'w-twice']);

    const journal = await FileWriteJournal.open(join(dir, 'journal.ndjson'), feed, async (r) =>
      landed.has(r.dynamodb.NewImage?.wid?.S ?? ''),
    );

    expect(idsOf((await feed.read(0, 100)).records)).toEqual(['in-feed', 'landed', 'twice']);
    expect(await readFile(join(dir, 'journal.ndjson'), 'utf8')).toBe('');
    await journal.close();
    await feed.close();
  });

  it('keeps the records of a write whose outcome is unknown until the store can say, refusing writes meanwhile', async () => {
    const dir = await freshDir();
    const feed = await FileChangeFeed.open(dir);
    let storeUp = true;
    const stored = new Set<string>();
    const journal = await FileWriteJournal.open(join(dir, 'journal.ndjson'), feed, async (r) => {
      if (!storeUp) throw new Error('connect ECONNREFUSED');
      return stored.has(r.dynamodb.NewImage?.wid?.S ?? '');
    });
    const write = (id: string, fail: boolean) =>
      journal.run([record(id)], async () => {
        stored.add(`w-${id}`);
        if (fail) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        return { result: id, landed: [record(id)] };
      });

    await expect(write('lost-answer', true)).rejects.toThrow('socket hang up');
    storeUp = false;
    await expect(write('refused', false)).rejects.toBeInstanceOf(StorageUnavailable);
    storeUp = true;
    await write('next', false);

    expect(idsOf((await feed.read(0, 100)).records)).toEqual(['lost-answer', 'next']);
    await journal.close();
    await feed.close();
  });
});

describe('an append on a full disk', () => {
  it('is cut back to the last whole append, and the file takes appends again once space is freed', async (context) => {
    const mountPoint = await freshDir();
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    } catch (error) {
      const reason = `a small tmpfs cannot be mounted here (needs root): ${(error as Error).message.split('\n')[0]}`;
      noteSkippedSuite('the short-write test', reason);
      context.skip(reason);
    }
    try {
      const file = await AppendFile.open(join(mountPoint, 'feed.ndjson'));
      await file.append(Buffer.from('{"whole":1}\n'));
      const filler = await open(join(mountPoint, 'filler'), 'w');
      // Leave a few hundred bytes free: the next append is torn by the disk, not refused outright.
      await filler.write(Buffer.alloc(1024 * 1024 - 64 * 1024)).catch(() => undefined);
      for (;;) {
        try {
          await filler.write(Buffer.alloc(512));
        } catch {
          break;
        }
      }
      await filler.close();

      await expect(file.append(Buffer.from(`${'y'.repeat(4096)}\n`))).rejects.toBeInstanceOf(
        StorageUnavailable,
      );
      expect(await readFile(join(mountPoint, 'feed.ndjson'), 'utf8')).toBe('{"whole":1}\n');
      await rm(join(mountPoint, 'filler'));
      await file.append(Buffer.from('{"whole":2}\n'));

      expect(await readFile(join(mountPoint, 'feed.ndjson'), 'utf8')).toBe('{"whole":1}\n{"whole":2}\n');
      await file.close();
    } finally {
      execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
    }
  });
});
