// Baselines in a local folder, for the single-machine run. Presigned uploads are URLs of the local server
// signed with HMAC-SHA256, standing in for S3's presigned PUT.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, PresignedUpload } from '../blobs.js';

export const LOCAL_UPLOAD_PATH = '/local-uploads/';

export class FsBlobStore implements BlobStore {
  private readonly root: string;

  constructor(
    root: string,
    private readonly signing: { secret: string; baseUrl: () => string },
  ) {
    this.root = resolve(root);
  }

  async put(key: string, body: Buffer | string | Readable): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Write aside, then rename: a reader never sees half a blob.
    const partial = `${path}.${process.pid}.${Date.now()}.partial`;
    const source =
      typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
    await pipeline(source, createWriteStream(partial));
    await rename(partial, path);
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
