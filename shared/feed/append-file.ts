// An append-only file that never keeps a torn write: a failed append (a full disk) is cut back to the last
// whole write, and a torn tail left by a crash is cut off when the file is opened.
import { type FileHandle, open, stat } from 'node:fs/promises';
import { StorageUnavailable } from '../errors.js';

const TAIL_CHUNK = 64 * 1024;

export class AppendFile {
  /** Bytes up to the end of the last whole append: everything past it is a torn write to cut. */
  private goodSize: number;
  private torn = false;
  /** Appends run one at a time: a cut-back must know where the last whole append ended. */
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    private handle: FileHandle | undefined,
    size: number,
  ) {
    this.goodSize = size;
  }

  /** Opens (creating) the file and cuts anything after its last newline: a line a crash left half written. */
  static async open(path: string): Promise<AppendFile> {
    const handle = await open(path, 'a+');
    const size = (await stat(path)).size;
    const whole = await endOfLastLine(handle, size);
    if (whole < size) await handle.truncate(whole);
    return new AppendFile(path, handle, whole);
  }

  get size(): number {
    return this.goodSize;
  }

  /**
   * Appends whole lines or nothing. A short write (the disk filled up midway) is cut back before the error
   * is raised, so a later append never lands behind a fragment.
   */
  append(buffer: Buffer): Promise<void> {
    const done = this.queue.then(() => this.appendNow(buffer));
    this.queue = done.catch(() => {});
    return done;
  }

  private async appendNow(buffer: Buffer): Promise<void> {
    const handle = this.requireHandle();
    if (this.torn) await this.cutBack(handle);
    try {
      let written = 0;
      while (written < buffer.length) {
        const { bytesWritten } = await handle.write(buffer, written, buffer.length - written);
        if (bytesWritten === 0) throw new Error('the disk accepted no bytes');
        written += bytesWritten;
      }
    } catch (error) {
      this.torn = true;
      await this.cutBack(handle).catch(() => undefined);
      throw new StorageUnavailable(`could not append to ${this.path}: ${(error as Error).message}`);
    }
    this.goodSize += buffer.length;
  }

  /** The last complete line, or undefined when the file holds none. */
  async lastLine(): Promise<string | undefined> {
    const handle = this.requireHandle();
    if (this.goodSize === 0) return undefined;
    // goodSize - 1 is the final newline; the line starts after the newline before it.
    const start = await startOfLineBefore(handle, this.goodSize - 1);
    const length = this.goodSize - 1 - start;
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, start);
    return buffer.toString('utf8');
  }

  /** Empties the file (its content has been handled). */
  async clear(): Promise<void> {
    await this.queue;
    const handle = this.requireHandle();
    await handle.truncate(0);
    this.goodSize = 0;
    this.torn = false;
  }

  async close(): Promise<void> {
    await this.queue;
    const handle = this.handle;
    this.handle = undefined;
    if (!handle) return;
    await handle.sync().catch(() => undefined);
    await handle.close();
  }

  private async cutBack(handle: FileHandle): Promise<void> {
    await handle.truncate(this.goodSize);
    this.torn = false;
  }

  private requireHandle(): FileHandle {
    if (!this.handle) throw new StorageUnavailable(`${this.path} is closed`);
    return this.handle;
  }
}

/** The size of the file up to and including its last newline. */
async function endOfLastLine(handle: FileHandle, size: number): Promise<number> {
  if (size === 0) return 0;
  const start = await startOfLineBefore(handle, size);
  return start;
}

/** The position just after the last newline before `end` (0 when there is none). */
async function startOfLineBefore(handle: FileHandle, end: number): Promise<number> {
  let position = end;
  const buffer = Buffer.alloc(TAIL_CHUNK);
  while (position > 0) {
    const length = Math.min(TAIL_CHUNK, position);
    const { bytesRead } = await handle.read(buffer, 0, length, position - length);
    const newline = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (newline >= 0) return position - length + newline + 1;
    position -= length;
  }
  return 0;
}
