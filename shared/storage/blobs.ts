// Where baselines live: S3 in AWS, a folder in the data dir locally, both behind this interface.
import type { Readable } from 'node:stream';

export interface PresignedUpload {
  url: string;
  method: 'PUT';
  /** Headers the uploader must send with the PUT. */
  headers: Record<string, string>;
  expires_at: number;
}

export interface BlobStore {
  /** Stores a blob; a stream body is uploaded as it is read. */
  put(key: string, body: Buffer | string | Readable, contentType?: string): Promise<void>;
  /** A stream of the blob's bytes, or undefined when there is none. */
  read(key: string): Promise<Readable | undefined>;
  /** Copies a blob within the store. */
  copy(fromKey: string, toKey: string): Promise<void>;
  /** Removes a blob; removing one that is not there is not an error. */
  delete(key: string): Promise<void>;
  /** A URL a client can PUT the blob's bytes to, without a token, until it expires. */
  presignUpload(key: string, contentType: string, expiresInSeconds: number): Promise<PresignedUpload>;
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
