// The fold stays exactly once with segments on: segment profiles are written under the same journal, digests and
// revision conditions as the model's, so redelivered records and a run dying between any two segment writes
// neither double count nor lose an event in any segment.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../shared/api/services.js';
import { type PollableFeed, recordChanges } from '../../shared/fold/record.js';
import { runMonitor } from '../../shared/monitoring/run.js';
import type { ProfileStore } from '../../shared/storage/profiles.js';
import { dyingOnce } from '../support/dying-once.js';
import {
  type Client,
  clientFor,
  seedChurnModel,
  startTestService,
  type TestService,
} from '../support/local-service.js';

let service: TestService;
let admin: Client;
let services: Services;
const HOUR = Date.UTC(2026, 5, 1, 9);
const churn = '/v1/projects/bank/models/churn';
const PLACES = ['France', 'Germany', 'Spain', 'Italy'];
let nextId = 0;

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  services = service.services;
  await seedChurnModel(admin);
  await admin.put(`${churn}/monitoring`, { segment_by: ['geography'] });
  await admin.put(`${churn}/segments/premium`, { name: 'Premium', filter: { segment: { in: ['premium'] } } });
  await admin.post('/v1/monitor/run');
});

afterAll(() => service.destroy());

beforeEach(async () => {
  await admin.post('/v1/monitor/run');
});

/** n events in one hour, spread over the places and the two metadata values. */
async function publish(n: number, hour = HOUR): Promise<void> {
  const rows = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      event_id: `ev-${nextId++}`,
      event_timestamp: hour + i,
      age: 40,
      balance: 100,
      geography: PLACES[i % 4],
      tenure: 3,
      probability_churned: 0.2,
      segment: i % 2 === 0 ? 'premium' : 'retail',
    }),
  );
  const answer = await admin.post(`${churn}/events/batch`, rows.join('\n'), 'application/x-ndjson');
  expect(answer.body.accepted).toBe(n);
}

async function traffic(segment?: string, hour = HOUR): Promise<number> {
  const scope = segment ? `&segment=${segment}` : '';
  const answer = await admin.get(
    `${churn}/metrics?metric=traffic${scope}&start=${hour}&end=${hour + 3_600_000}`,
  );
  expect(answer.status, answer.text).toBe(200);
  return answer.body.points[0].value;
}

const SEGMENTS = ['premium', 'geography=France', 'geography=Germany', 'geography=__OTHER__'];

async function snapshot(hour = HOUR): Promise<number[]> {
  return [await traffic(undefined, hour), ...(await Promise.all(SEGMENTS.map((s) => traffic(s, hour))))];
}

/** Each count of `before` plus the matching delta. */
const plus = (before: number[], deltas: number[]) => before.map((value, i) => value + (deltas[i] ?? 0));

function deps(profiles: ProfileStore = services.profiles) {
  return {
    registry: services.registry,
    blobs: services.blobs,
    events: services.events,
    profiles,
    clock: Date.now,
  };
}

const allOf: PollableFeed = { read: (position, limit) => service.feed.read(position, limit) };

describe('folding into segments exactly once', () => {
  it('counts a change record delivered twice once in every segment', async () => {
    const before = await snapshot();
    await publish(40);
    const { records } = await service.feed.read(0, Number.POSITIVE_INFINITY);
    const latest = records.slice(-40);
    await recordChanges(services.profiles, latest);
    await recordChanges(services.profiles, latest.slice(0, 20));
    await recordChanges(services.profiles, latest.slice(20));
    await admin.post('/v1/monitor/run');
    // 40 events: 20 premium, 10 each in France and Germany, 10 in Italy (__OTHER__).
    expect(await snapshot()).toEqual(plus(before, [40, 20, 10, 10, 10]));
  });

  it.each([1, 2, 3, 4, 6])(
    'recovers from a run dying at hour-profile write %i without double counting any segment',
    async (onCall) => {
      const before = await snapshot();
      await publish(40);
      await expect(runMonitor(deps(dyingOnce(services.profiles, 'putHour', onCall)), allOf)).rejects.toThrow(
        /simulated crash/,
      );
      await runMonitor(deps(), allOf);
      expect(await snapshot()).toEqual(plus(before, [40, 20, 10, 10, 10]));
    },
  );

  it('recovers from a run dying before the step journal is removed', async () => {
    const before = await snapshot();
    await publish(12);
    await expect(runMonitor(deps(dyingOnce(services.profiles, 'deleteJournal', 1)), allOf)).rejects.toThrow(
      /simulated crash/,
    );
    await runMonitor(deps(), allOf);
    expect(await snapshot()).toEqual(plus(before, [12, 6, 3, 3, 3]));
  });

  it('moves an updated event between segments once, even when the run dies midway', async () => {
    await publish(4, HOUR + 3_600_000);
    await admin.post('/v1/monitor/run');
    const before = await snapshot(HOUR + 3_600_000);
    const id = `ev-${nextId - 3}`; // the second of the four: Germany, retail
    await admin.post(`${churn}/events`, { event_id: id, update_event: true, event: { segment: 'premium' } });
    await expect(runMonitor(deps(dyingOnce(services.profiles, 'putHour', 2)), allOf)).rejects.toThrow(
      /simulated/,
    );
    await runMonitor(deps(), allOf);
    expect(await snapshot(HOUR + 3_600_000)).toEqual(plus(before, [0, 1, 0, 0, 0]));
  });
});
