// `npm start` as users run it: a child process configured only by PORT, MODELWATCH_DATA_DIR and
// MODELWATCH_ADMIN_TOKEN (contract section 1): readiness, the admin token, restarts, NODE_ENV, and a SIGTERM
// in the middle of writes.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, clientFor, seedChurnModel } from '../support/local-service.js';
import { killAllServiceProcesses, type ServiceProcess, startServiceProcess } from './service-process.js';

const dataDirs: string[] = [];

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelwatch-process-'));
  dataDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await killAllServiceProcesses();
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const keptToken = async (dataDir: string) => (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
const events = '/v1/projects/bank/models/churn/events';
const prediction = { age: 40, balance: 1200.5, geography: 'France', tenure: 3, probability_churned: 0.42 };

describe.each([
  { nodeEnv: undefined, label: 'NODE_ENV unset' },
  { nodeEnv: 'production', label: 'NODE_ENV=production' },
])('a first start with $label', ({ nodeEnv }) => {
  let dataDir: string;
  let service: ServiceProcess;
  let startedAt: number;

  beforeAll(async () => {
    dataDir = await freshDataDir();
    startedAt = Date.now();
    service = await startServiceProcess(dataDir, nodeEnv ? { NODE_ENV: nodeEnv } : {});
  });

  afterAll(() => service?.kill());

  it('answers /health with 200 {"status":"ok"} within 10 s', async () => {
    await service.waitUntilHealthy(10_000);

    const health = await fetch(`${service.url}/health`);

    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('keeps a generated admin token in <data dir>/admin-token, readable by its owner only', async () => {
    await service.waitUntilHealthy();

    const file = await stat(join(dataDir, 'admin-token'));

    expect(file.mode & 0o777).toBe(0o600);
    expect(await keptToken(dataDir)).toMatch(/\S{20,}/);
  });

  it('prints the generated admin token', async () => {
    await service.waitUntilHealthy();

    const token = await keptToken(dataDir);

    expect(service.output()).toContain(token);
  });

  it('accepts the generated admin token', async () => {
    await service.waitUntilHealthy();
    const admin = clientFor(service.url, await keptToken(dataDir));

    const created = await admin.post('/v1/projects', { project_id: 'first' });

    expect(created.status).toBe(201);
  });

  it('keeps its database and change feed in the data dir', async () => {
    await service.waitUntilHealthy();

    const kept = await Promise.all(['dynamodb', 'feed'].map((name) => stat(join(dataDir, name))));

    expect(kept.every((entry) => entry.isDirectory())).toBe(true);
  });
});

describe('a second start on the same data dir', () => {
  let dataDir: string;
  let first: ServiceProcess;
  let second: ServiceProcess;
  let token: string;
  let storedBefore: unknown;

  beforeAll(async () => {
    dataDir = await freshDataDir();
    first = await startServiceProcess(dataDir);
    await first.waitUntilHealthy();
    token = await keptToken(dataDir);
    const admin = clientFor(first.url, token);
    await seedChurnModel(admin);
    await admin.post(events, {
      event_id: 'before-restart',
      event_timestamp: 1_767_225_600_000,
      event: prediction,
    });
    storedBefore = (await admin.get(`${events}/before-restart`)).body;
    await first.stop('SIGTERM');
    second = await startServiceProcess(dataDir);
    await second.waitUntilHealthy();
  });

  afterAll(async () => {
    await first?.kill();
    await second?.kill();
  });

  it('reuses the kept admin token', async () => {
    const admin = clientFor(second.url, token);

    const projects = await admin.get('/v1/projects');

    expect(projects.status).toBe(200);
    expect(await keptToken(dataDir)).toBe(token);
  });

  it('does not print the admin token again', () => {
    const printed = second.output();

    expect(printed).not.toContain(token);
  });

  it('still has the project, dataset and model created before', async () => {
    const admin = clientFor(second.url, token);

    const model = await admin.get('/v1/projects/bank/models/churn');

    expect(model.status).toBe(200);
    expect(
      (await admin.get('/v1/projects')).body.items.map((p: { project_id: string }) => p.project_id),
    ).toEqual(['bank']);
  });

  it('still reads back an event published before, unchanged', async () => {
    const admin = clientFor(second.url, token);

    const stored = await admin.get(`${events}/before-restart`);

    expect(stored.status).toBe(200);
    expect(stored.body).toEqual(storedBefore);
  });
});

describe('a start with MODELWATCH_ADMIN_TOKEN set', () => {
  const configured = 'mwadmin.configured-by-the-operator-0123456789';
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await startServiceProcess(await freshDataDir(), { MODELWATCH_ADMIN_TOKEN: configured });
    await service.waitUntilHealthy();
  });

  afterAll(() => service?.kill());

  it('accepts that token as the admin token', async () => {
    const admin = clientFor(service.url, configured);

    const created = await admin.post('/v1/projects', { project_id: 'configured' });

    expect(created.status).toBe(201);
  });

  it('refuses any other token with 401', async () => {
    const stranger = clientFor(service.url, 'mwadmin.not-the-configured-one');

    const answer = await stranger.get('/v1/projects');

    expect(answer.status).toBe(401);
  });
});

/** Publishes single events from `workers` loops until `keepGoing` says stop or a request fails. */
function publishSingles(admin: Client, prefix: string, keepGoing: (worker: number) => boolean, workers = 4) {
  const acknowledged: string[] = [];
  const publisher = async (worker: number) => {
    for (let i = 0; i < 5000 && keepGoing(worker); i++) {
      const eventId = `${prefix}-${worker}-${i}`;
      try {
        const answer = await admin.post(events, { event_id: eventId, event: prediction });
        if (answer.status === 200) acknowledged.push(eventId);
      } catch {
        return; // Refused or cut: the service is going away.
      }
    }
  };
  return {
    acknowledged,
    done: Promise.all(Array.from({ length: workers }, (_, worker) => publisher(worker))),
  };
}

describe('SIGTERM while writes are in flight', () => {
  const BATCH_SIZE = 2000;
  let dataDir: string;
  let token: string;
  let exit: { code: number | null; signal: string | null };
  let batchInFlightAtSignal = false;
  let batchAnswer: { status: number; accepted?: number; rejectedIds: Set<string> } | undefined;
  const acknowledged: string[] = [];
  let restarted: ServiceProcess;

  beforeAll(async () => {
    dataDir = await freshDataDir();
    const service = await startServiceProcess(dataDir);
    await service.waitUntilHealthy();
    token = await keptToken(dataDir);
    const admin = clientFor(service.url, token);
    await seedChurnModel(admin);

    // One batch of 2,000 rows, and single publishes around it that stop a few requests after the signal.
    const rows = Array.from({ length: BATCH_SIZE }, (_, i) =>
      JSON.stringify({ ...prediction, event_id: `batch-${i}` }),
    );
    let batchSettled = false;
    const batch = admin
      .post(`${events}/batch`, rows.join('\n'), 'application/x-ndjson')
      .then((answer) => {
        batchAnswer = {
          status: answer.status,
          accepted: answer.body?.accepted,
          rejectedIds: new Set((answer.body?.errors ?? []).map((e: { event_id: string }) => e.event_id)),
        };
      })
      .catch(() => {})
      .finally(() => {
        batchSettled = true;
      });
    let signalled = false;
    const sentAfterSignal = [0, 0, 0, 0];
    const singles = publishSingles(admin, 'single', (worker) => {
      if (!signalled) return true;
      sentAfterSignal[worker] = (sentAfterSignal[worker] ?? 0) + 1;
      return (sentAfterSignal[worker] ?? 0) <= 3;
    });

    // Signal once the batch's first rows are stored: it is then surely mid-way.
    for (let polls = 0; polls < 400; polls++) {
      if ((await admin.get(`${events}/batch-0`)).status === 200 || batchSettled) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    batchInFlightAtSignal = !batchSettled;
    signalled = true;
    exit = await service.stop('SIGTERM', 30_000);
    await Promise.all([batch, singles.done]);
    acknowledged.push(...singles.acknowledged);
    if (batchAnswer?.status === 200) {
      for (let i = 0; i < BATCH_SIZE; i++) {
        if (!batchAnswer.rejectedIds.has(`batch-${i}`)) acknowledged.push(`batch-${i}`);
      }
    }

    restarted = await startServiceProcess(dataDir);
    await restarted.waitUntilHealthy();
  }, 90_000);

  afterAll(() => restarted?.kill());

  it('finishes the batch in flight and answers it 200', () => {
    expect(batchInFlightAtSignal).toBe(true);
    expect(batchAnswer?.status).toBe(200);
    expect(batchAnswer?.accepted).toBe(BATCH_SIZE);
  });

  it('exits with code 0', () => {
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('keeps every acknowledged event across a restart', async () => {
    const admin = clientFor(restarted.url, token);
    const rows = acknowledged.map((eventId) => JSON.stringify({ ...prediction, event_id: eventId }));

    // Publishing them again must find every one already stored; a sample is also read back directly.
    const again = await admin.post(`${events}/batch`, rows.join('\n'), 'application/x-ndjson');
    const sample = acknowledged.filter((_, i) => i % 25 === 0);
    const read = await Promise.all(
      sample.map((eventId) => admin.get(`${events}/${encodeURIComponent(eventId)}`)),
    );

    expect(acknowledged.length).toBeGreaterThan(BATCH_SIZE);
    expect(again.body.accepted).toBe(0);
    expect(again.body.errors.filter((e: { code: string }) => e.code !== 'already_exists')).toEqual([]);
    expect(read.filter((answer) => answer.status !== 200)).toEqual([]);
  });
});
