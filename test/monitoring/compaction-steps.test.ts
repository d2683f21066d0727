// Compaction steps across delta shards: each hour profile a step touches is written once per step, and a
// per-shard step journal left by an earlier version is still finished exactly once.
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../shared/api/services.js';
import { deltasFromChanges } from '../../shared/fold/deltas.js';
import { recordChanges } from '../../shared/fold/record.js';
import type { ProfileStore } from '../../shared/storage/profiles.js';
import { DELTA_SHARDS } from '../../shared/storage/profiles.js';
import { putLegacyDeltas } from '../support/legacy-deltas.js';
import {
  type Client,
  clientFor,
  runWith,
  seedChurnModel,
  startTestService,
  type TestService,
} from '../support/local-service.js';

let service: TestService;
let admin: Client;
let services: Services;
const HOUR = Date.UTC(2026, 6, 1, 9);
const events = '/v1/projects/bank/models/churn/events';
const model = { project_id: 'bank', model_id: 'churn' };

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  services = service.services;
  await seedChurnModel(admin);
  await admin.post('/v1/monitor/run');
});

afterAll(() => service.destroy());

const documentsOf = (running: TestService) =>
  DynamoDBDocumentClient.from(running.storageClient, { marshallOptions: { removeUndefinedValues: true } });

async function publish(prefix: string, n: number, hour: number): Promise<void> {
  const rows = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      event_id: `${prefix}-${i}`,
      event_timestamp: hour + i,
      age: 40,
      balance: 1,
      geography: 'France',
      tenure: 3,
      probability_churned: 0.2,
    }),
  );
  const answer = await admin.post(`${events}/batch`, rows.join('\n'), 'application/x-ndjson');
  expect(answer.body.accepted).toBe(n);
}

async function traffic(hour: number): Promise<number> {
  const answer = await admin.get(
    `/v1/projects/bank/models/churn/metrics?metric=traffic&start=${hour}&end=${hour + 3_600_000}`,
  );
  return answer.body.points[0].value;
}

/** The profile store, counting hour profile writes. */
function countingHourWrites(store: ProfileStore): { store: ProfileStore; writes: () => number } {
  let writes = 0;
  const counted = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property !== 'putHour') return value.bind(target);
      return (...args: unknown[]) => {
        writes++;
        return value.apply(target, args);
      };
    },
  });
  return { store: counted, writes: () => writes };
}

describe('a compaction step', () => {
  it('writes an hour profile once for 200 events spread over every delta shard', async () => {
    await publish('spread', 200, HOUR);
    const counting = countingHourWrites(services.profiles);

    await runWith(service, { stores: () => ({ profiles: counting.store }) });

    expect(counting.writes()).toBe(1);
    expect(await traffic(HOUR)).toBe(200);
  });

  it('finishes a per-shard step journal left by an earlier version once, then folds the rest', async () => {
    const hour = HOUR + 3_600_000;
    await publish('legacy', 40, hour);
    const { records } = await service.feed.read(0, Number.POSITIVE_INFINITY);
    // As an earlier version left them: one item per change, then a run dying after it journaled one shard's step.
    const { converted } = deltasFromChanges(records.slice(-40));
    await putLegacyDeltas(
      documentsOf(service),
      service.endpoints.tables.profiles,
      converted.map((change) => change.delta),
    );
    const shard = 3;
    const pending = await services.profiles.queryDeltas(model, shard, 500);
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.length).toBeLessThan(40);
    await services.profiles.putJournal(
      model,
      shard,
      pending.map((delta) => delta.key),
    );

    await admin.post('/v1/monitor/run');

    expect(await traffic(hour)).toBe(40);
    expect(await services.profiles.getJournal(model, shard)).toBeUndefined();
    expect(await services.profiles.getJournal(model, DELTA_SHARDS)).toBeUndefined();
    for (let s = 0; s < DELTA_SHARDS; s++)
      expect(await services.profiles.queryDeltas(model, s, 500)).toEqual([]);
  });

  it('applies a change delivered in two packs once', async () => {
    const hour = HOUR + 2 * 3_600_000;
    await publish('twice', 30, hour);
    const { records } = await service.feed.read(0, Number.POSITIVE_INFINITY);
    const latest = records.slice(-30);
    // The same changes recorded again in other packs, as a retried stream batch would be.
    await recordChanges(services.profiles, latest);
    await recordChanges(services.profiles, latest.slice(10));

    await admin.post('/v1/monitor/run');

    expect(await traffic(hour)).toBe(30);
  });
});
