// The blob stores behind baselines: S3BlobStore against a real S3-compatible server (moto_server) and
// FsBlobStore in a temp dir, held to the same BlobStore behaviours, plus what is particular to each.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUploadRoute } from '../../local/upload-route.js';
import { handleError } from '../../shared/api/errors.js';
import { newRouter } from '../../shared/api/router.js';
import { type BlobStore, readAll } from '../../shared/storage/blobs.js';
import { FsBlobStore } from '../../shared/storage/fs/blobs.js';
import { S3BlobStore } from '../../shared/storage/s3/blobs.js';
import { findOnPath, type MotoServer, startMoto } from '../support/moto.js';
import { noteSkippedSuite } from '../support/skipped-suites.js';

const MB = 1024 * 1024;
const BUCKET = 'modelwatch-baselines';
const motoBinary = findOnPath('moto_server');
if (!motoBinary) {
  noteSkippedSuite('the S3BlobStore suite', 'moto_server is not on PATH (pip install "moto[server]")');
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function readBack(store: BlobStore, key: string): Promise<Buffer | undefined> {
  const stream = await store.read(key);
  return stream ? readAll(stream) : undefined;
}

/** A stream of `megabytes` random megabytes, and the sha256 of everything it will yield. */
function randomStream(megabytes: number): { stream: Readable; sha256: string } {
  const chunks = Array.from({ length: megabytes }, () => randomBytes(MB));
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return { stream: Readable.from(chunks), sha256: hash.digest('hex') };
}

/** What every BlobStore does, whatever keeps the bytes. */
function behavesAsABlobStore(storeOf: () => BlobStore) {
  it('reads back the bytes of a Buffer it stored', async () => {
    const store = storeOf();
    const bytes = Buffer.from([0, 1, 2, 254, 255, 10, 13]);

    await store.put('shared/buffer.bin', bytes);

    expect(await readBack(store, 'shared/buffer.bin')).toEqual(bytes);
  });

  it('reads back a string it stored as its UTF-8 bytes', async () => {
    const store = storeOf();
    const text = 'age,city\n42,Zürich\n35,東京 ✓\n';

    await store.put('shared/text.csv', text, 'text/csv');

    expect((await readBack(store, 'shared/text.csv'))?.toString('utf8')).toBe(text);
  });

  it('stores a streamed 20 MB body byte for byte', async () => {
    const store = storeOf();
    const body = randomStream(20);

    await store.put('shared/large.bin', body.stream);

    const stored = await readBack(store, 'shared/large.bin');
    expect(stored?.length).toBe(20 * MB);
    expect(sha256(stored ?? Buffer.alloc(0))).toBe(body.sha256);
  });

  it('copies a blob to another key, leaving the original', async () => {
    const store = storeOf();
    await store.put('uploads/p/d/up_1', 'a,b\n1,2\n');

    await store.copy('uploads/p/d/up_1', 'baselines/p/d/raw');

    expect((await readBack(store, 'baselines/p/d/raw'))?.toString('utf8')).toBe('a,b\n1,2\n');
    expect((await readBack(store, 'uploads/p/d/up_1'))?.toString('utf8')).toBe('a,b\n1,2\n');
  });

  it('answers undefined when reading a key that was never stored', async () => {
    const store = storeOf();

    const stream = await store.read('shared/never-stored.csv');

    expect(stream).toBeUndefined();
  });

  it('presigns an upload URL that a plain PUT with the returned headers stores', async () => {
    const store = storeOf();
    const csv = 'age,balance\n42,1000.5\n35,0\n';

    const upload = await store.presignUpload('uploads/bank/baseline/up_1', 'text/csv', 300);
    const answer = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: csv });

    expect(answer.ok).toBe(true);
    expect((await readBack(store, 'uploads/bank/baseline/up_1'))?.toString('utf8')).toBe(csv);
  });

  it('presigns an upload that expires after the time it was given', async () => {
    const store = storeOf();
    const before = Date.now();

    const upload = await store.presignUpload('uploads/bank/baseline/up_2', 'text/csv', 600);

    expect(upload.method).toBe('PUT');
    expect(upload.headers['content-type']).toBe('text/csv');
    expect(upload.expires_at).toBeGreaterThanOrEqual(before + 600_000);
    expect(upload.expires_at).toBeLessThanOrEqual(Date.now() + 600_000);
  });
}

describe.skipIf(!motoBinary)('S3BlobStore against moto_server', () => {
  let moto: MotoServer | undefined;
  let client: S3Client;
  let store: S3BlobStore;

  beforeAll(async () => {
    moto = await startMoto(motoBinary as string);
    client = new S3Client({
      endpoint: moto.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'modelwatch-test', secretAccessKey: 'modelwatch-test' },
    });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    store = new S3BlobStore(client, BUCKET);
  });

  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  behavesAsABlobStore(() => store);

  it('uploads a large stream in several parts rather than as one object', async () => {
    await store.put('s3/multipart.bin', randomStream(12).stream);

    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 's3/multipart.bin' }));

    // A multipart object's ETag is the md5 of the part md5s followed by "-<part count>".
    expect(head.ETag).toMatch(/-\d+"?$/);
    expect(head.ContentLength).toBe(12 * MB);
  });

  it('keeps the content type given to put', async () => {
    await store.put('s3/typed.ndjson', '{"a":1}\n', 'application/x-ndjson');

    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 's3/typed.ndjson' }));

    expect(head.ContentType).toBe('application/x-ndjson');
  });
});

describe('FsBlobStore in a temp dir', () => {
  let root: string;
  let server: ServerType;
  let store: FsBlobStore;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'modelwatch-blobs-'));
    let baseUrl = '';
    store = new FsBlobStore(join(root, 'blobs'), { secret: 'test-signing-secret', baseUrl: () => baseUrl });
    // The local stand-in for S3's presigned PUT: the same upload route the local service mounts.
    const router = newRouter();
    router.onError(handleError);
    localUploadRoute(router, store);
    server = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: router.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(root, { recursive: true, force: true });
  });

  behavesAsABlobStore(() => store);

  const signedPartsOf = (url: string) => {
    const parsed = new URL(url);
    return {
      expires: parsed.searchParams.get('expires') ?? undefined,
      signature: parsed.searchParams.get('signature') ?? undefined,
    };
  };

  it('accepts the signature of an upload URL it presigned', async () => {
    const upload = await store.presignUpload('uploads/p/d/up_ok', 'text/csv', 60);
    const { expires, signature } = signedPartsOf(upload.url);

    const valid = store.verifyUpload('uploads/p/d/up_ok', expires, signature);

    expect(valid).toBe(true);
  });

  it('refuses a forged signature', async () => {
    const upload = await store.presignUpload('uploads/p/d/up_forged', 'text/csv', 60);
    const { expires, signature = '' } = signedPartsOf(upload.url);
    const forged = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;

    const valid = store.verifyUpload('uploads/p/d/up_forged', expires, forged);

    expect(valid).toBe(false);
  });

  it('refuses a signature presigned for another key', async () => {
    const upload = await store.presignUpload('uploads/p/d/up_mine', 'text/csv', 60);
    const { expires, signature } = signedPartsOf(upload.url);

    const valid = store.verifyUpload('uploads/p/d/up_theirs', expires, signature);

    expect(valid).toBe(false);
  });

  it('refuses a signature whose expiry was moved later', async () => {
    const upload = await store.presignUpload('uploads/p/d/up_extended', 'text/csv', 60);
    const { expires, signature } = signedPartsOf(upload.url);

    const valid = store.verifyUpload(
      'uploads/p/d/up_extended',
      String(Number(expires) + 3_600_000),
      signature,
    );

    expect(valid).toBe(false);
  });

  it('refuses an expired signature', async () => {
    const upload = await store.presignUpload('uploads/p/d/up_expired', 'text/csv', 60);
    const { expires, signature } = signedPartsOf(upload.url);

    const valid = store.verifyUpload('uploads/p/d/up_expired', expires, signature, upload.expires_at + 1);

    expect(valid).toBe(false);
  });

  it('refuses an upload URL without a signature', () => {
    const valid = store.verifyUpload('uploads/p/d/up_bare', String(Date.now() + 60_000), undefined);

    expect(valid).toBe(false);
  });

  it('answers 403 to a PUT on a forged upload URL and stores nothing', async () => {
    const upload = await store.presignUpload('uploads/p/d/up_refused', 'text/csv', 60);
    const forgedUrl = upload.url.replace(/signature=[^&]+/, 'signature=forged');

    const answer = await fetch(forgedUrl, { method: 'PUT', headers: upload.headers, body: 'a\n1\n' });

    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect(await store.read('uploads/p/d/up_refused')).toBeUndefined();
  });

  it('refuses a key that would point outside its folder', async () => {
    const put = store.put('../escaped.csv', 'a\n1\n');

    await expect(put).rejects.toThrow(/escapes the store/);
    expect(await readdir(root)).not.toContain('escaped.csv');
  });
});
