// Input limits over real HTTP: event size and depth, event ids, impossible dates, capped batch errors and
// warnings, body size limits (413), and bodies of requests without a token left unread.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FRAMED_BYTES, MAX_REQUEST_BYTES } from '../../shared/api/app.js';
import { MAX_EVENT_BYTES } from '../../shared/events/limits.js';
import {
  type Client,
  clientFor,
  seedChurnModel,
  startTestService,
  type TestService,
} from '../support/local-service.js';

let service: TestService;
let admin: Client;
const events = '/v1/projects/bank/models/churn/events';
const batch = `${events}/batch`;
const inputs = { age: 30, balance: 10.5, geography: 'Spain', tenure: 2, probability_churned: 0.3 };
const row = (id: string, extra: Record<string, unknown> = {}) => ({ event_id: id, ...inputs, ...extra });
const ndjson = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n');
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await seedChurnModel(admin);
});

afterAll(() => service.destroy());

interface Upload {
  token?: string;
  contentType: string;
  bytes: number;
  /** Repeated until `bytes` are sent (the last piece cut short). */
  piece: Buffer;
  /** Send Content-Length; otherwise the body is chunked. */
  declareLength?: boolean;
}

/** Streams a body of any size without holding it, and stops sending once the answer has come. */
function upload(path: string, options: Upload): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': options.contentType };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.declareLength) headers['content-length'] = String(options.bytes);
    // A fresh connection each time: a pooled one may be one the server closed on an unread body.
    const request = httpRequest(new URL(path, service.url), { method: 'POST', headers, agent: false });
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString()) });
      });
    });
    // Once the answer is in, the server may close the connection on the rest of the body.
    request.on('error', (error) => answered || reject(error));
    let sent = 0;
    const pump = () => {
      while (sent < options.bytes && !answered && !request.destroyed) {
        const part = options.piece.subarray(0, Math.min(options.piece.length, options.bytes - sent));
        sent += part.length;
        if (!request.write(part)) {
          request.once('drain', pump);
          return;
        }
      }
      if (!answered && !request.destroyed) request.end();
    };
    pump();
  });
}

describe('event size and depth', () => {
  it('refuses an event over 128 KiB with event_too_large naming the column', async () => {
    const answer = await admin.post(events, { event: { ...inputs, segment: 'x'.repeat(MAX_EVENT_BYTES) } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('event_too_large');
    expect(answer.body.error.message).toContain('segment');
  });

  it('refuses an update whose columns are over 128 KiB with event_too_large', async () => {
    await admin.post(events, { event: inputs, event_id: 'upd-big' });
    const answer = await admin.post(events, {
      event: { decision: 'y'.repeat(MAX_EVENT_BYTES) },
      event_id: 'upd-big',
      update_event: true,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'event_too_large' });
    expect(answer.body.error.message).toContain('decision');
  });

  it('rejects an oversized batch row with event_too_large and stores the others', async () => {
    const body = ndjson([row('big-1'), row('big-2', { segment: 'x'.repeat(MAX_EVENT_BYTES) }), row('big-3')]);
    const answer = await admin.post(batch, body, 'application/x-ndjson');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ accepted: 2, rejected: 1, error_counts: { event_too_large: 1 } });
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ row: 1, event_id: 'big-2', code: 'event_too_large' }),
    ]);
    expect(answer.body.errors[0].message).toContain('segment');
  });

  it('refuses a value nested 40 levels deep with value_too_deep naming the column', async () => {
    const body = `{"event": {"age": 30, "probability_churned": 0.3, "segment": ${nested(40)}}}`;
    const answer = await admin.post(events, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('value_too_deep');
    expect(answer.body.error.message).toContain('segment');
  });

  it('accepts a value nested exactly 32 levels deep', async () => {
    const body = `{"event": {"age": 30, "probability_churned": 0.3, "segment": ${nested(32)}}}`;
    expect((await admin.post(events, body)).status).toBe(200);
  });

  it('answers value_too_deep, not a crash, for a value nested 100,000 levels deep', async () => {
    const body = `{"event": {"age": 30, "probability_churned": 0.3, "segment": ${nested(100_000)}}}`;
    const answer = await admin.post(events, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('value_too_deep');
    expect((await admin.post(events, { event: inputs })).status).toBe(200);
  });

  it('rejects batch rows nested 100,000 levels deep, in NDJSON and in a JSON array', async () => {
    const deepRow = `{"event_id": "deep-1", "age": 30, "segment": ${nested(100_000)}}`;
    for (const [body, type] of [
      [`${deepRow}\n${JSON.stringify(row('deep-ok-1'))}`, 'application/x-ndjson'],
      [`[${deepRow}, ${JSON.stringify(row('deep-ok-2'))}]`, 'application/json'],
    ]) {
      const answer = await admin.post(batch, body, type);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ accepted: 1, rejected: 1, error_counts: { value_too_deep: 1 } });
    }
  });
});

describe('event ids and dates', () => {
  it('refuses an event_id holding a lone surrogate', async () => {
    const answer = await admin.post(events, `{"event": {"age": 30}, "event_id": "evt-\\ud800-1"}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('event_id');
  });

  it('rejects a batch row whose id holds a lone surrogate', async () => {
    const body = `{"event_id": "evt-\\udfff", "age": 30}\n${JSON.stringify(row('sur-ok'))}`;
    const answer = await admin.post(batch, body, 'application/x-ndjson');
    expect(answer.body).toMatchObject({
      accepted: 1,
      rejected: 1,
      errors: [{ row: 0, code: 'invalid_event_id' }],
    });
  });

  it('refuses an event_timestamp on a date that does not exist', async () => {
    const answer = await admin.post(events, { event: inputs, event_timestamp: '2026-02-30' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^event_timestamp .*day 30/);
  });

  it('refuses a query start on a date that does not exist', async () => {
    const answer = await admin.get(`/v1/projects/bank/models/churn/metrics?metric=traffic&start=2026-02-30`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^start /);
  });
});

describe('batch errors and warnings', () => {
  it('lists the first 1,000 errors of 5,000 bad rows and counts them all in error_counts', async () => {
    const lines = Array.from({ length: 5000 }, (_, index) =>
      index % 2 === 0
        ? '{not json'
        : JSON.stringify(row(`bad-${index}`, { event_timestamp: 'last tuesday' })),
    );
    const answer = await admin.post(batch, lines.join('\n'), 'application/x-ndjson');
    expect(answer.status).toBe(200);
    expect(answer.body.rejected).toBe(5000);
    expect(answer.body.errors).toHaveLength(1000);
    expect(answer.body.errors.map((error: { row: number }) => error.row)).toEqual(
      Array.from({ length: 1000 }, (_, index) => index),
    );
    expect(answer.body.error_counts).toEqual({ invalid_row: 2500, invalid_timestamp: 2500 });
  });

  it('carries an empty error_counts when every row is accepted', async () => {
    const answer = await admin.post(batch, ndjson([row('counts-ok')]), 'application/x-ndjson');
    expect(answer.body).toMatchObject({ accepted: 1, rejected: 0, errors: [], error_counts: {} });
  });

  it('names at most 100 ignored fields of one event and counts the rest', async () => {
    const event: Record<string, unknown> = { ...inputs };
    for (let index = 0; index < 200_000; index++) event[`u${index}`] = 0;
    const answer = await admin.post(events, { event });
    expect(answer.status).toBe(200);
    expect(answer.body.warnings).toHaveLength(101);
    expect(answer.body.warnings[100]).toBe('... and 199900 more fields were ignored');
  });

  it('names at most 100 ignored fields of a batch and counts the rest', async () => {
    const rows = Array.from({ length: 300 }, (_, index) => row(`warn-${index}`, { [`extra_${index}`]: 1 }));
    const answer = await admin.post(batch, ndjson(rows), 'application/x-ndjson');
    expect(answer.body.accepted).toBe(300);
    expect(answer.body.warnings).toHaveLength(101);
    expect(answer.body.warnings.at(-1)).toBe('... and 200 more fields were ignored');
  });
});

describe('request body limits', () => {
  const rowLines = Buffer.from(
    `${Array.from({ length: 500 }, (_, i) => JSON.stringify(row(`c-${i}`))).join('\n')}\n`,
  );

  it('answers 413 from a Content-Length over the limit, saying what to do', async () => {
    const answer = await upload(batch, {
      token: service.adminToken,
      contentType: 'application/x-ndjson',
      bytes: MAX_REQUEST_BYTES + 1,
      piece: rowLines,
      declareLength: true,
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('payload_too_large');
    expect(answer.body.error.message).toContain('split a batch');
  });

  it('answers 413 to a chunked body once it passes the limit, storing none of its rows', async () => {
    const answer = await upload(batch, {
      token: service.adminToken,
      contentType: 'application/x-ndjson',
      bytes: 2 * MAX_REQUEST_BYTES,
      piece: rowLines,
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('payload_too_large');
    expect((await admin.get(`${events}/c-0`)).status).toBe(404);
  });

  it('answers 413 to JSON text under 4 MiB that escapes to more than the Lambda payload takes', async () => {
    // Each é is two bytes sent and up to six once escaped into the Lambda's JSON event.
    const value = 'é'.repeat(50_000);
    const rows = Array.from({ length: 32 }, (_, index) => row(`esc-${index}`, { segment: value }));
    const body = Buffer.from(JSON.stringify(rows));
    expect(body.length).toBeLessThan(MAX_REQUEST_BYTES);
    expect(body.length * 3).toBeGreaterThan(MAX_FRAMED_BYTES);
    const answer = await admin.post(batch, body, 'application/json');
    expect(answer.status).toBe(413);
    expect(answer.body.error.message).toContain('escaped as a JSON string');
    expect((await admin.get(`${events}/esc-0`)).status).toBe(404);
  });

  it('still answers 404 to a large body sent to an unknown model', async () => {
    const answer = await upload('/v1/projects/bank/models/nope/events/batch', {
      token: service.adminToken,
      contentType: 'application/x-ndjson',
      bytes: 3 * 1024 * 1024,
      piece: rowLines,
      declareLength: true,
    });
    expect(answer.status).toBe(404);
  });

  it('still answers 409 to a 3 MB baseline sent to an existing dataset', async () => {
    const answer = await admin.put(
      '/v1/projects/bank/datasets/baseline',
      `a,b\n${'1,2\n'.repeat(750_000)}`,
      'text/csv',
    );
    expect(answer.status).toBe(409);
  });

  it.each([
    { framing: 'chunked', declareLength: false },
    { framing: 'with a Content-Length', declareLength: true },
  ])(
    'answers 401 to a 50 MB upload without a token, $framing, without holding it',
    async ({ declareLength }) => {
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 5);
      try {
        const answer = await upload(batch, {
          contentType: 'application/x-ndjson',
          bytes: 50 * 1024 * 1024,
          piece: Buffer.alloc(64 * 1024, 'a'),
          declareLength,
        });
        expect(answer.status).toBe(401);
        expect(answer.body.error.code).toBe('unauthorized');
      } finally {
        clearInterval(sampler);
      }
      expect(peak - before).toBeLessThan(16 * 1024 * 1024);
    },
  );
});
