// Baselines in a local folder, for the single-machine run. Presigned uploads are URLs of the local server
// signed with HMAC-SHA256, standing in for S3's presigned PUT.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, PresignedUpload } from '../blobs.js';

export const LOCAL_UPLOAD_PATH = '/local-uploads/';

const PARTIAL_SUFFIX = '.partial';
/**
 * A blob being written is a `.partial` file until it is renamed into place, and every write touches it, so one
 * untouched this long was left by a write that died with its process (a crash, kill -9), not one in progress.
 */
export const STALE_PARTIAL_MS = 60 * 60 * 1000;

/** The longest key S3 accepts; the local store holds keys to the same limit. */
const MAX_KEY_LENGTH = 1024;
const KEY_SEGMENT = /^[A-Za-z0-9_=.-]+$/;

/**
 * Why a string cannot be a blob key, or undefined when it can: slash-separated segments of letters, digits and
 * `_=.-`, none of them `.` or `..`, so a key names one file inside the store and nothing else.
 */
export function blobKeyProblem(key: string): string | undefined {
  if (key === '') return 'is empty';
  if (key.length > MAX_KEY_LENGTH) return `is longer than ${MAX_KEY_LENGTH} characters`;
  for (const segment of key.split('/')) {
    if (segment === '') return 'has an empty path segment';
    if (segment === '.' || segment === '..') return `has a '${segment}' path segment`;
    if (!KEY_SEGMENT.test(segment)) return 'has characters other than letters, digits and _=.-';
  }
  return undefined;
}

export class FsBlobStore implements BlobStore {
  private readonly root: string;
  /** Settles once the partial files of earlier runs are swept; the store is usable before that. */
  readonly swept: Promise<void>;

  constructor(
    root: string,
    private readonly signing: { secret: string; baseUrl: () => string },
  ) {
    this.root = resolve(root);
    this.swept = this.removeStalePartials(STALE_PARTIAL_MS).catch((error) => {
      const message = 'could not sweep stale partial blobs';
      console.warn(JSON.stringify({ level: 'WARN', message, root: this.root, error: String(error) }));
    });
  }

  async put(key: string, body: Buffer | string | Readable): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Write aside, then rename: a reader never sees half a blob. The random part keeps two writers of one key
    // (a retried upload PUT) out of each other's partial file.
    const partial = `${path}.${randomBytes(8).toString('hex')}${PARTIAL_SUFFIX}`;
    const source =
      typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
    try {
      await pipeline(source, createWriteStream(partial));
      await rename(partial, path);
    } catch (error) {
      // A body that ended early (a client gone mid-upload, a limit passed) must not leave its bytes behind.
      await unlink(partial).catch(() => undefined);
      throw error;
    }
  }

  async read(key: string): Promise<Readable | undefined> {
    const path = this.pathOf(key);
    try {
      await stat(path);
    } catch {
      return undefined;
    }
    return createReadStream(path);
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const target = this.pathOf(toKey);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(this.pathOf(fromKey), target);
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  async presignUpload(key: string, contentType: string, expiresInSeconds: number): Promise<PresignedUpload> {
    const expiresAt = Date.now() + expiresInSeconds * 1000;
    const query = new URLSearchParams({ expires: String(expiresAt), signature: this.sign(key, expiresAt) });
    const url = `${this.signing.baseUrl()}${LOCAL_UPLOAD_PATH}${encodeURIComponent(key)}?${query}`;
    return { url, method: 'PUT', headers: { 'content-type': contentType }, expires_at: expiresAt };
  }

  /** Whether a local upload URL's signature is valid and unexpired for the key. */
  verifyUpload(
    key: string,
    expires: string | undefined,
    signature: string | undefined,
    now = Date.now(),
  ): boolean {
    const expiresAt = Number(expires);
    if (!signature || !Number.isFinite(expiresAt) || expiresAt < now) return false;
    const expected = Buffer.from(this.sign(key, expiresAt));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** Deletes the partial files no write has touched for `olderThanMs`: leftovers of writes that died. */
  async removeStalePartials(olderThanMs: number, now = Date.now()): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.root, { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const name of names) {
      if (!name.endsWith(PARTIAL_SUFFIX)) continue;
      const path = join(this.root, name);
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile() && now - info.mtimeMs > olderThanMs) await unlink(path).catch(() => undefined);
    }
  }

  private sign(key: string, expiresAt: number): string {
    return createHmac('sha256', this.signing.secret).update(`${key}\n${expiresAt}`).digest('base64url');
  }

  private pathOf(key: string): string {
    const path = resolve(join(this.root, key));
    // Keys come from the service itself, but a key must never point outside the store.
    if (!path.startsWith(this.root + sep)) throw new Error(`blob key escapes the store: ${key}`);
    return path;
  }
}
