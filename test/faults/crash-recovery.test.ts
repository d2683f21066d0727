// kill -9 at random moments while single inserts, batches, label updates and monitor runs are under way, over
// several cycles; then a recount: nothing acknowledged is lost, and every stored event counts exactly once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAllServiceProcesses, startServiceProcess } from '../local/service-process.js';
import { clientFor, seedChurnModel } from '../support/local-service.js';
import { newLedger, publishUntil, storedEvents, total } from './publishing-load.js';

const TOKEN = 'fault-admin-token';
const CYCLES = 4;
let dataDir = '';

afterAll(async () => {
  await killAllServiceProcesses();
  if (dataDir && !process.env.KEEP_DATA) await rm(dataDir, { recursive: true, force: true });
});

/** A seeded pseudo-random sequence, so a failing run can be repeated. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('a service killed with SIGKILL while it takes writes', () => {
  it('loses no acknowledged write and counts every stored event exactly once after restarting', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'modelwatch-crash-'));
    const env = { MODELWATCH_ADMIN_TOKEN: TOKEN, MODELWATCH_MONITOR_INTERVAL_MS: '0' };
    const random = randomFrom(Number(process.env.FAULT_SEED ?? 20261128));
    const ledger = newLedger();

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const service = await startServiceProcess(dataDir, env);
      await service.waitUntilHealthy(20_000);
      const client = clientFor(service.url, TOKEN);
      if (cycle === 0) await seedChurnModel(client);
      let stop = false;
      const load = publishUntil(client, ledger, () => stop, { prefix: `c${cycle}` });
      // A fold in the middle of the load, so some kills fall inside a monitor run.
      const folding = (async () => {
        while (!stop) await client.post('/v1/monitor/run').catch(() => (stop = true));
      })();
      await new Promise((resolve) => setTimeout(resolve, 400 + random() * 1600));
      await service.stop('SIGKILL');
      stop = true;
      await Promise.all([load, folding]);
      await service.kill();
    }

    const service = await startServiceProcess(dataDir, env);
    await service.waitUntilHealthy(20_000);
    const client = clientFor(service.url, TOKEN);
    expect((await client.post('/v1/monitor/run')).status).toBe(200);
    const stored = await storedEvents(client, ledger.attempted);
    const labelled = [...stored.values()].filter((label) => label !== null).length;

    expect(ledger.unexpected).toEqual([]);
    expect(ledger.acknowledged.size).toBeGreaterThan(100);
    expect([...ledger.acknowledged].filter((id) => !stored.has(id))).toEqual([]);
    for (const [id, label] of ledger.labelled) expect(stored.get(id)).toBe(label);
    expect(await total(client, 'traffic')).toBe(stored.size);
    expect(await total(client, 'data_count')).toBe(labelled);
    await service.stop('SIGTERM');
  }, 240_000);
});
