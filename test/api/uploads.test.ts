// The upload paths over real HTTP when the input is bad: malformed upload keys and ids, and clients that
// disconnect mid-body, which must leave no partial file behind.
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, clientFor, startTestService, type TestService } from '../support/local-service.js';

let service: TestService;
let admin: Client;
const datasets = '/v1/projects/files/datasets';

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await admin.post('/v1/projects', { project_id: 'files' });
});

afterAll(() => service.destroy());

async function partialFilesIn(dataDir: string): Promise<string[]> {
  const names = await readdir(join(dataDir, 'blobs'), { recursive: true }).catch(() => []);
  return names.filter((name) => name.endsWith('.partial'));
}

/** A query string signed for some real upload, so a refusal can only come from the key itself. */
async function signedQuery(datasetId: string): Promise<string> {
  const started = await admin.post(`${datasets}/${datasetId}/uploads`, { content_type: 'text/csv' });
  return new URL(started.body.url).search;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('malformed upload keys and ids', () => {
  it.each([
    ['broken percent-encoding', '%E0%A4%A'],
    ['a percent sign in the key', '%25ZZ'],
    ['a key climbing out of the store', '..%2F..%2Fescaped'],
    ['an empty path segment', 'uploads%2F%2Fx'],
  ])('answers 400 naming the key to a local upload URL with %s', async (_case, encodedKey) => {
    const query = await signedQuery('keys');

    const answer = await fetch(`${service.url}/local-uploads/${encodedKey}${query}`, {
      method: 'PUT',
      body: 'a\n1\n',
    });

    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toMatch(/^key: /);
  });

  it.each([
    ['longer than any key', 'x'.repeat(2000)],
    ['a path', '../../uploads'],
    ['a control character', 'up_\u0000'],
  ])('answers 400 naming upload_id to an upload_id that is %s', async (_case, uploadId) => {
    const answer = await admin.put(`${datasets}/by-id`, { upload_id: uploadId });

    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('upload_id');
  });
});

describe('uploads that stop mid-body', () => {
  it('leaves no partial file when the client aborts a PUT to an upload URL', async () => {
    const started = await admin.post(`${datasets}/aborted/uploads`, { content_type: 'text/csv' });
    const aborter = new AbortController();
    let sent = 0;
    const slowBody = new ReadableStream<Uint8Array>({
      async pull(controller) {
        // Enough to reach the disk, then a trickle: the abort lands while the body is still arriving.
        controller.enqueue(new TextEncoder().encode('a,b\n1,2\n'.repeat(sent++ < 4 ? 8192 : 1)));
        await pause(sent < 4 ? 0 : 50);
      },
    });
    const put = fetch(started.body.url, {
      method: 'PUT',
      headers: started.body.headers,
      body: slowBody,
      duplex: 'half',
      signal: aborter.signal,
    } as RequestInit).catch((error: Error) => error);
    await expect.poll(() => partialFilesIn(service.dataDir), { timeout: 5_000 }).not.toEqual([]);

    aborter.abort();

    expect(((await put) as Error).name).toBe('AbortError');
    await expect.poll(() => partialFilesIn(service.dataDir), { timeout: 5_000 }).toEqual([]);
    const answer = await admin.put(`${datasets}/aborted`, { upload_id: started.body.upload_id });
    expect(answer.status).toBe(400);
  });

  it('leaves no partial file and frees the dataset id when the client drops an inline baseline PUT', async () => {
    // Small enough to be streamed to storage as it arrives (a larger one is read whole before the route runs).
    const url = new URL(`${service.url}${datasets}/dropped`);
    const request = httpRequest(url, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${service.adminToken}`,
        'content-type': 'text/csv',
        'content-length': String(512 * 1024),
      },
    });
    request.on('error', () => undefined);
    request.write(`a,b\n${'1,2\n'.repeat(16 * 1024)}`);
    await expect.poll(() => partialFilesIn(service.dataDir), { timeout: 5_000 }).not.toEqual([]);

    request.destroy();

    await expect.poll(() => partialFilesIn(service.dataDir), { timeout: 5_000 }).toEqual([]);
    await expect.poll(async () => (await admin.get(`${datasets}/dropped`)).status).toBe(404);
    const retried = await admin.put(`${datasets}/dropped`, 'a,b\n1,2\n', 'text/csv');
    expect(retried.status).toBe(201);
  });
});

describe('partial files left by a process that died', () => {
  it('removes those untouched for over an hour when the service starts, keeping recent ones', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'modelwatch-partials-'));
    const folder = join(dataDir, 'blobs', 'uploads', 'p', 'd');
    await mkdir(folder, { recursive: true });
    const stale = join(folder, 'up_old.0123.partial');
    const recent = join(folder, 'up_new.4567.partial');
    await writeFile(stale, 'a,b\n1,');
    await writeFile(recent, 'a,b\n1,');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);

    const restarted = await startTestService({ dataDir });
    try {
      await expect
        .poll(() => partialFilesIn(dataDir), { timeout: 5_000 })
        .toEqual([join('uploads', 'p', 'd', 'up_new.4567.partial')]);
    } finally {
      await restarted.destroy();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
