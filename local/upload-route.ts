// The local stand-in for S3 presigned PUTs: a signed URL of the local server that streams into the blob store.
import { bodyLimit } from 'hono/body-limit';
import { errorBody } from '../shared/api/errors.js';
import { bodyStream } from '../shared/api/request-body.js';
import type { Router } from '../shared/api/router.js';
import { PayloadTooLarge } from '../shared/errors.js';
import { type FsBlobStore, LOCAL_UPLOAD_PATH } from '../shared/storage/fs/blobs.js';

/** Baselines may be up to 100 MB; a little headroom for CSV quoting. */
const MAX_UPLOAD_BYTES = 128 * 1024 * 1024;

export function localUploadRoute(router: Router, blobs: FsBlobStore): void {
  router.put(
    `${LOCAL_UPLOAD_PATH}:key`,
    bodyLimit({
      maxSize: MAX_UPLOAD_BYTES,
      onError: () => {
        throw new PayloadTooLarge(`an upload is limited to ${MAX_UPLOAD_BYTES} bytes`);
      },
    }),
    async (c) => {
      const key = decodeURIComponent(c.req.param('key'));
      if (!blobs.verifyUpload(key, c.req.query('expires'), c.req.query('signature'))) {
        return c.json(errorBody('forbidden', 'the upload URL is invalid or has expired'), 403);
      }
      await blobs.put(key, bodyStream(c));
      return c.body(null, 200);
    },
  );
}
