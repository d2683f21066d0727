// Request bodies as Node streams, so large tables are parsed as they arrive.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Context } from 'hono';

export function bodyStream(c: Context): Readable {
  const body = c.req.raw.body;
  return body ? Readable.fromWeb(body as unknown as WebReadableStream) : Readable.from([]);
}
