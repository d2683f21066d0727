// Random requests to every route of the contract over real HTTP, against one local service: whatever the
// body, query, path ids or token, the answer is never a 5xx, and every 4xx is {"error": {"code", "message"}}.
// Data published before the random requests must read back unchanged after them.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  clientFor,
  seedChurnModel,
  startTestService,
  type TestService,
} from '../support/local-service.js';
import { type Attempt, ROUTES, UNTOUCHED_PROJECT } from './request-arbitraries.js';

let service: TestService;
let admin: Client;
let scopedToken: string;

const SENTINEL = `/v1/projects/${UNTOUCHED_PROJECT}/models/churn/events/sentinel-1`;
const churnEvents = '/v1/projects/bank/models/churn/events';
const prediction = { age: 51, balance: 1234.5, geography: 'Spain', tenure: 6, probability_churned: 0.61 };
let sentinelBefore: unknown;

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await seedChurnModel(admin);
  await seedChurnModel(admin, UNTOUCHED_PROJECT);
  const sentinel = { event_id: 'sentinel-1', event_timestamp: 1_767_225_600_000, event: prediction };
  const published = await admin.post(`/v1/projects/${UNTOUCHED_PROJECT}/models/churn/events`, sentinel);
  if (published.status !== 200) throw new Error(`sentinel: ${published.text}`);
  sentinelBefore = (await admin.get(SENTINEL)).body;
  // Events the random requests may read and update.
  for (const event_id of ['seeded-1', 'seeded-2'])
    await admin.post(churnEvents, { event_id, event: prediction });
  const token = await admin.post('/v1/tokens', { name: 'bank publisher', projects: ['bank'] });
  scopedToken = token.body.token;
});

afterAll(() => service?.destroy());

async function send(attempt: Attempt): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (attempt.auth.kind === 'admin') headers.authorization = `Bearer ${service.adminToken}`;
  if (attempt.auth.kind === 'scoped') headers.authorization = `Bearer ${scopedToken}`;
  if (attempt.auth.kind === 'header') headers.authorization = attempt.auth.value;
  if (attempt.contentType !== undefined) headers['content-type'] = attempt.contentType;
  const response = await fetch(`${service.url}${attempt.path}`, {
    method: attempt.method,
    headers,
    body: attempt.body,
    // A request the service never answers fails as surely as a 5xx.
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, text: await response.text() };
}

function expectWellFormedAnswer(attempt: Attempt, answer: { status: number; text: string }): void {
  const request = `${attempt.method} ${attempt.path} [${attempt.contentType ?? 'no content type'}, ${attempt.auth.kind} auth]`;
  expect(answer.status, `${request} answered ${answer.status}: ${answer.text}`).toBeLessThan(500);
  if (answer.status < 400) return;
  let body: { error?: { code?: unknown; message?: unknown } } | undefined;
  try {
    body = JSON.parse(answer.text);
  } catch {}
  expect(body?.error?.code, `${request}: ${answer.text}`).toEqual(expect.stringMatching(/\S/));
  expect(body?.error?.message, `${request}: ${answer.text}`).toEqual(expect.stringMatching(/\S/));
}

describe('random requests to every route', () => {
  it.each(ROUTES)('$route answers without a 5xx, and every 4xx in the error shape', async ({ attempts }) => {
    await fc.assert(
      fc.asyncProperty(attempts, async (attempt) => {
        const answer = await send(attempt);

        expectWellFormedAnswer(attempt, answer);
      }),
      { numRuns: 250 },
    );
  });
});

describe('after the random requests', () => {
  it('reads back an event published before them unchanged', async () => {
    const after = await admin.get(SENTINEL);

    expect(after.status).toBe(200);
    expect(after.body).toEqual(sentinelBefore);
  });

  it('still answers /health with 200', async () => {
    const health = await fetch(`${service.url}/health`);

    expect(health.status).toBe(200);
  });
});

// Product bugs the random requests found. The generators above leave these inputs out so the properties
// keep guarding everything else; each test here turns red once its bug is fixed (then drop `.fails`).
describe('inputs that once answered 5xx', () => {
  it('publishes an event holding a field named "constructor" without a 5xx', async () => {
    const answer = await admin.post(churnEvents, {
      event_id: 'kf-1',
      event: { ...prediction, constructor: 1 },
    });

    expect(answer.status).toBe(200);
  });

  it('accepts batch rows holding a field named "constructor" without a 5xx', async () => {
    const csv = 'event_id,age,constructor\nkf-2,30,1\n';

    const answer = await admin.post(`${churnEvents}/batch`, csv, 'text/csv');

    expect(answer.status).toBe(200);
  });

  it('ignores a field named like an Object.prototype member and names it in the warnings', async () => {
    const answer = await admin.post(churnEvents, {
      event_id: 'kf-3',
      event: { ...prediction, toString: 'x' },
    });

    expect(answer.body.warnings).toEqual([expect.stringContaining("'toString'")]);
    expect((await admin.get(`${churnEvents}/kf-3`)).body.event).toEqual(prediction);
  });

  it('registers a model on a baseline with a column named "constructor"', async () => {
    await admin.put('/v1/projects/bank/datasets/kf-proto', 'constructor,age\n1,2\n3,4\n', 'text/csv');

    const answer = await admin.put('/v1/projects/bank/models/kf-proto', {
      dataset_id: 'kf-proto',
      task: 'not_set',
      inputs: ['age', 'constructor'],
    });

    expect(answer.status).toBe(201);
  });

  it('registers a model on a baseline holding a number beyond 2^53', async () => {
    await admin.put('/v1/projects/bank/datasets/kf-big', 'x,y\n1e16,0.5\n2,0.7\n', 'text/csv');

    const answer = await admin.put('/v1/projects/bank/models/kf-big', {
      dataset_id: 'kf-big',
      task: 'regression',
      inputs: ['x'],
      outputs: ['y'],
    });

    expect(answer.status).toBe(201);
  });

  it.each([
    ['a huge target class', 'kf-class', { target_class_order: [0, 1e20] }],
    ['a tiny threshold', 'kf-threshold', { binary_classification_threshold: 1e-200 }],
  ])('registers a model with %s without a 5xx', async (_case, modelId, extra) => {
    const answer = await admin.put(`/v1/projects/bank/models/${modelId}`, {
      dataset_id: 'baseline',
      task: 'binary_classification',
      inputs: ['age'],
      outputs: ['probability_churned'],
      targets: ['churned'],
      ...extra,
    });

    expect(answer.status).toBeLessThan(500);
  });

  it.each([[1e300], [1e-200]])('sets a drift bin edge of %d without a 5xx', async (edge) => {
    const answer = await admin.put('/v1/projects/bank/models/churn/monitoring', {
      bins: { age: { edges: [edge] } },
    });

    expect(answer.status).toBeLessThan(500);
  });

  it('answers a next_token that decodes to a foreign key with 400', async () => {
    const crafted = Buffer.from(JSON.stringify({ pk: 'PROJECTS', sk: 5 })).toString('base64url');

    const answer = await admin.get(`/v1/projects?next_token=${crafted}`);

    expect(answer.status).toBe(400);
  });

  it('answers a batch whose body breaks mid-way with the rows it stored and one error for the rest', async () => {
    const rows = Array.from({ length: 600 }, (_, i) =>
      JSON.stringify({ ...prediction, event_id: `kf-cut-${i}` }),
    );

    const answer = await admin.post(`${churnEvents}/batch`, `[${rows.join(',')}, oops`, 'application/json');

    // The parser may stop a little before the break: whatever it read is stored, and the error starts there.
    expect(answer.status).toBe(200);
    const handled = answer.body.accepted;
    expect(handled).toBeGreaterThan(0);
    expect(answer.body.errors).toEqual([expect.objectContaining({ row: handled, code: 'unreadable_body' })]);
    expect((await admin.get(`${churnEvents}/kf-cut-${handled - 1}`)).status).toBe(200);
    expect((await admin.get(`${churnEvents}/kf-cut-${handled}`)).status).toBe(404);
  });
});
