// The local stand-in for S3 presigned PUTs: a signed URL of the local server that streams into the blob store.
import { Readable } from 'node:stream';
import { errorBody } from '../shared/api/errors.js';
import { bodyStream } from '../shared/api/request-body.js';
import type { Router } from '../shared/api/router.js';
import { InvalidInput, PayloadTooLarge } from '../shared/errors.js';
import { blobKeyProblem, type FsBlobStore, LOCAL_UPLOAD_PATH } from '../shared/storage/fs/blobs.js';

/** Baselines may be up to 100 MB; a little headroom for CSV quoting. */
const MAX_UPLOAD_BYTES = 128 * 1024 * 1024;

export function localUploadRoute(router: Router, blobs: FsBlobStore): void {
  router.put(`${LOCAL_UPLOAD_PATH}:key`, async (c) => {
    const key = uploadKeyOf(new URL(c.req.url).pathname.slice(LOCAL_UPLOAD_PATH.length));
    // The signature is the URL's only authorization: checked before a byte of the body is read.
    if (!blobs.verifyUpload(key, c.req.query('expires'), c.req.query('signature'))) {
      return c.json(errorBody('forbidden', 'the upload URL is invalid or has expired'), 403);
    }
    if (Number(c.req.header('content-length')) > MAX_UPLOAD_BYTES) throw tooLarge();
    // Streamed to disk as it arrives, not buffered: an upload may be 100 MB.
    await blobs.put(key, Readable.from(limited(bodyStream(c), MAX_UPLOAD_BYTES)));
    return c.body(null, 200);
  });
}

/**
 * The blob key from the URL path, decoded once: the path segment is exactly `encodeURIComponent(key)` as
 * `presignUpload` wrote it (the router's own decoding would leave a malformed escape as it is).
 */
function uploadKeyOf(encoded: string): string {
  let key: string;
  try {
    key = decodeURIComponent(encoded);
  } catch {
    throw new InvalidInput('key: the upload URL path is not valid percent-encoding');
  }
  const problem = blobKeyProblem(key);
  if (problem) throw new InvalidInput(`key: the upload URL's blob key ${problem}`);
  return key;
}

/** The body's bytes, failing once they pass `maxBytes` (a chunked body announces no length). */
async function* limited(body: Readable, maxBytes: number): AsyncGenerator<Buffer> {
  let total = 0;
  try {
    for await (const chunk of body) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      total += bytes.length;
      if (total > maxBytes) throw tooLarge();
      yield bytes;
    }
  } catch (error) {
    if (error instanceof PayloadTooLarge) throw error;
    // The client went away mid-body: a bad request of its own, not a fault of the service.
    throw new InvalidInput('the upload body ended before it was complete', 'invalid_request');
  }
}

function tooLarge(): PayloadTooLarge {
  return new PayloadTooLarge(`an upload is limited to ${MAX_UPLOAD_BYTES} bytes`);
}
