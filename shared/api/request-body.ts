// Request bodies: their size limits, which hold the same locally and behind API Gateway and Lambda, and
// streaming access, so large tables are parsed as they arrive.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Context, MiddlewareHandler } from 'hono';
import { PayloadTooLarge } from '../errors.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** The most one request body may hold, as sent. */
export const MAX_REQUEST_BYTES = 4 * MiB;
/**
 * The most a body may take once framed into the Lambda's event: the invocation payload is at most 6 MiB,
 * and the rest of the event (headers, request context) needs far less than the half MiB left over.
 */
export const MAX_FRAMED_BYTES = 5.5 * MiB;
/** What an answer given before the body was read (401, 404, 409) still drains, so small clients see it. */
export const SMALL_REQUEST_BYTES = 64 * KiB;
// A client that stops sending must not hold an error answer back.
const DRAIN_WAIT_MS = 200;

// API Gateway HTTP APIs (payload format 2.0) pass these media types to the Lambda as a JSON string and
// base64-encode every other body, application/x-ndjson and a body without a Content-Type included.
const TEXT_FRAMED = new Set(['application/json', 'application/xml', 'application/javascript']);

/** Bytes one body byte may take in a JSON string, assuming the escaper escapes everything but plain ASCII. */
const ESCAPED_BYTES = new Uint8Array(256).map((_, byte) => {
  if (byte === 0x22 || byte === 0x5c) return 2; // \" and \\
  if ([0x08, 0x09, 0x0a, 0x0c, 0x0d].includes(byte)) return 2; // \b \t \n \f \r
  if (byte < 0x20 || byte === 0x7f) return 6; // \u00XX
  // A 2- or 4-byte UTF-8 sequence becomes one or two \uXXXX: at most 3 bytes per byte.
  return byte >= 0x80 ? 3 : 1;
});
const MAX_ESCAPED_BYTES = 6;

export function isTextFramed(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType.startsWith('text/') || TEXT_FRAMED.has(mediaType);
}

export function base64Bytes(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

export function escapedBytes(chunk: Uint8Array): number {
  let total = 0;
  for (const byte of chunk) total += ESCAPED_BYTES[byte] as number;
  return total;
}

/**
 * Answers 413 from Content-Length before reading, or as soon as a body passes either limit while it is
 * read; a body whose framed size is not known from its length is read (at most MAX_REQUEST_BYTES) before
 * the route runs, so an over-limit body is refused whole, never half stored.
 */
export function limitRequestBody(): MiddlewareHandler {
  return async (c, next) => {
    const request = c.req.raw;
    if (!request.body) return next();
    const textFramed = isTextFramed(c.req.header('content-type'));
    const declared = c.req.header('transfer-encoding') ? undefined : c.req.header('content-length');
    if (declared !== undefined) {
      const length = Number(declared);
      if (length > MAX_REQUEST_BYTES) throw tooLarge(length);
      const worstFramed = textFramed ? length * MAX_ESCAPED_BYTES : base64Bytes(length);
      if (worstFramed <= MAX_FRAMED_BYTES) return next();
    }
    const chunks: Uint8Array[] = [];
    let received = 0;
    let escaped = 0;
    const reader = request.body.getReader();
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      received += part.value.byteLength;
      if (received > MAX_REQUEST_BYTES) throw tooLarge(received, 'at least ');
      escaped += textFramed ? escapedBytes(part.value) : 0;
      const framed = textFramed ? escaped : base64Bytes(received);
      if (framed > MAX_FRAMED_BYTES) throw framedTooLarge(framed, textFramed);
      chunks.push(part.value);
    }
    c.req.raw = new Request(request, { body: Buffer.concat(chunks) });
    return next();
  };
}

const SPLIT_ADVICE =
  'split a batch into smaller requests, or upload a large baseline through POST .../datasets/{dataset_id}/uploads';

function tooLarge(bytes: number, qualifier = ''): PayloadTooLarge {
  return new PayloadTooLarge(
    `the request body is ${qualifier}${bytes} bytes, over the limit of ${MAX_REQUEST_BYTES} (4 MiB); ${SPLIT_ADVICE}`,
  );
}

function framedTooLarge(framed: number, textFramed: boolean): PayloadTooLarge {
  const framing = textFramed
    ? 'escaped as a JSON string (quotes and backslashes count twice, non-ASCII bytes three times, control characters up to six)'
    : 'base64-encoded';
  return new PayloadTooLarge(
    `the request body takes at least ${framed} bytes ${framing}, as the service receives it in AWS, over the limit of ${MAX_FRAMED_BYTES} (5.5 MiB); ${SPLIT_ADVICE}`,
  );
}

/**
 * Reads what is left of a small body, at most SMALL_REQUEST_BYTES, so an early answer reaches a client that
 * is still sending; a larger remainder is left unread (the Node server discards it and closes the connection).
 */
export async function drainSmallRequest(request: Request): Promise<void> {
  const body = request.body;
  if (!body || request.bodyUsed || body.locked) return;
  const reader = body.getReader();
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, DRAIN_WAIT_MS, undefined);
  });
  try {
    let drained = 0;
    while (drained <= SMALL_REQUEST_BYTES) {
      const next = await Promise.race([reader.read(), giveUp]);
      if (!next || next.done) break;
      drained += next.value.byteLength;
    }
  } catch {
    // A client that hangs up has no answer to wait for.
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}

export function bodyStream(c: Context): Readable {
  const body = c.req.raw.body;
  return body ? Readable.fromWeb(body as unknown as WebReadableStream) : Readable.from([]);
}
