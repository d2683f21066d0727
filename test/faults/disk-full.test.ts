// A full disk under a running service: writes answer 503 storage_unavailable (reads too, while the storage
// worker restarts), /health says 503, and once space is freed the same process recovers by itself; a restart
// then starts cleanly and every acknowledged event is counted exactly once.
import { execFileSync } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  killAllServiceProcesses,
  type ServiceProcess,
  startServiceProcess,
} from '../local/service-process.js';
import { type Client, clientFor, seedChurnModel } from '../support/local-service.js';
import { noteSkippedSuite } from '../support/skipped-suites.js';
import { EVENTS, HOUR, newLedger, publishUntil, storedEvents, total } from './publishing-load.js';

const TOKEN = 'disk-full-admin-token';
const ENV = { MODELWATCH_ADMIN_TOKEN: TOKEN, MODELWATCH_MONITOR_INTERVAL_MS: '0' };
let mountPoint = '';
let skipReason = '';

beforeAll(async () => {
  mountPoint = await mkdtemp(join(tmpdir(), 'modelwatch-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mountPoint], { stdio: 'pipe' });
  } catch (error) {
    skipReason = `a small tmpfs cannot be mounted here (${(error as Error).message.split('\n')[0]}): needs root`;
    noteSkippedSuite('the full-disk tests', skipReason);
  }
});

afterAll(async () => {
  await killAllServiceProcesses();
  if (!skipReason) execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
  await rm(mountPoint, { recursive: true, force: true });
});

/** Writes a filler file until the disk refuses more; returns its path. */
async function fillDisk(dir: string): Promise<string> {
  const path = join(dir, 'filler');
  const file = await open(path, 'w');
  const block = Buffer.alloc(256 * 1024, 1);
  try {
    for (;;) await file.write(block);
  } catch {
    // ENOSPC: the disk is full.
  } finally {
    await file.close().catch(() => undefined);
  }
  return path;
}

async function healthStatus(url: string): Promise<number> {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) })).status;
  } catch {
    return 0;
  }
}

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

describe('a service whose disk fills up', () => {
  let service: ServiceProcess;
  let client: Client;
  const ledger = newLedger();
  const dataDir = () => join(mountPoint, 'data');

  it('answers 503 storage_unavailable while full, and /health 503', async (context) => {
    if (skipReason) context.skip(skipReason);
    service = await startServiceProcess(dataDir(), ENV);
    await service.waitUntilHealthy(20_000);
    client = clientFor(service.url, TOKEN);
    await seedChurnModel(client);
    let stop = false;
    const before = publishUntil(client, ledger, () => stop, { prefix: 'before', workers: 2 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop = true;
    await before;

    const filler = await fillDisk(mountPoint);
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) {
      const rows = Array.from({ length: 50 }, (_, j) =>
        JSON.stringify({
          event_id: `full-${i}-${j}`,
          event_timestamp: HOUR,
          age: 30,
          balance: 'x'.repeat(2000),
        }),
      );
      for (let j = 0; j < 50; j++) ledger.attempted.add(`full-${i}-${j}`);
      const answer = await client.post(`${EVENTS}/batch`, rows.join('\n'), 'application/x-ndjson');
      answers.push(answer.status);
      if (answer.status !== 200) {
        expect(answer.status, answer.text).toBe(503);
        expect(answer.body.error.code).toBe('storage_unavailable');
      } else {
        for (let j = 0; j < 50; j++) ledger.acknowledged.add(`full-${i}-${j}`);
      }
    }
    expect(answers).toContain(503);
    await until(async () => (await healthStatus(service.url)) === 503, 10_000, '/health answering 503');

    await rm(filler);
    await until(async () => (await healthStatus(service.url)) === 200, 30_000, '/health answering 200 again');
  }, 90_000);

  it('takes writes again once space is freed, without a restart', async (context) => {
    if (skipReason) context.skip(skipReason);
    let stop = false;
    const after = publishUntil(client, ledger, () => stop, { prefix: 'after', workers: 2 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    stop = true;
    await after;
    expect(ledger.unexpected).toEqual([]);
    expect([...ledger.acknowledged].some((id) => id.startsWith('after'))).toBe(true);
    expect((await client.post('/v1/monitor/run')).status).toBe(200);
  }, 60_000);

  it('restarts cleanly and counts every stored event once, losing nothing acknowledged', async (context) => {
    if (skipReason) context.skip(skipReason);
    await service.stop('SIGKILL');
    await service.kill();
    service = await startServiceProcess(dataDir(), ENV);
    await service.waitUntilHealthy(20_000);
    client = clientFor(service.url, TOKEN);
    expect((await client.post('/v1/monitor/run')).status).toBe(200);

    const stored = await storedEvents(client, ledger.attempted);

    expect([...ledger.acknowledged].filter((id) => !stored.has(id))).toEqual([]);
    expect(await total(client, 'traffic')).toBe(stored.size);
    await service.stop('SIGTERM');
  }, 90_000);
});
