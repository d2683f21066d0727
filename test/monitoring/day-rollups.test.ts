// Day and month profiles: a daily query reads one item per day instead of 24 and a monthly query one per month,
// answers exactly what merging the hours answers, follows late labels and rebuilds, and falls back to hours for
// days whose day profile is stale (and to days for the month holding one).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../shared/api/services.js';
import { type MetricsQuery, queryMetrics } from '../../shared/queries/query.js';
import type { ProfileStore } from '../../shared/storage/profiles.js';
import { dyingOnce } from '../support/dying-once.js';
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
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 1, 2);
const DAYS = 30;
const ref = { project_id: 'bank', model_id: 'churn' };
const events = '/v1/projects/bank/models/churn/events';

const QUERIES: MetricsQuery['queries'] = [
  { metric: 'traffic' },
  { metric: 'jsd', column: 'age' },
  { metric: 'jsd', column: 'geography' },
  { metric: 'any_violation_percentage', column: '__ANY__' },
  { metric: 'accuracy' },
  { metric: 'auc' },
];

/** The store, counting the profile items its queries return. */
function counting(store: ProfileStore) {
  const reads = { hours: 0, days: 0, months: 0 };
  const counted = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const result = await value.apply(target, args);
        const found = (result as unknown[]).length;
        if (property === 'queryHours') reads.hours += found;
        if (property === 'queryRollups') reads[args[0] === 'day' ? 'days' : 'months'] += found;
        return result;
      };
    },
  });
  return { store: counted, reads };
}

/** The store as a model from before day profiles saw it: its state names no day profiles, so hours are merged. */
function hoursOnly(store: ProfileStore): ProfileStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === 'getState') {
        return async (...args: Parameters<ProfileStore['getState']>) => {
          const state = await target.getState(...args);
          return state && { ...state, day_items: undefined };
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function daily(profiles: ProfileStore, start = START, days = DAYS) {
  const record = await services.registry.getModel('bank', 'churn');
  if (!record) throw new Error('no model');
  const deps = { registry: services.registry, blobs: services.blobs, profiles };
  return queryMetrics(deps, record, { bin_size: 'day', start, end: start + days * DAY, queries: QUERIES });
}

/** Monthly points over the data (February and March), a rolling baseline of the month before included. */
async function monthly(profiles: ProfileStore) {
  const record = await services.registry.getModel('bank', 'churn');
  if (!record) throw new Error('no model');
  const deps = { registry: services.registry, blobs: services.blobs, profiles };
  // The rolling baseline first: its read of the month before serves every query (one read per request).
  const queries = [{ metric: 'jsd', column: 'age', baseline: 'previous:1' }, ...QUERIES];
  return queryMetrics(deps, record, { bin_size: 'month', start: START, end: START + DAYS * DAY, queries });
}

async function publish(rows: Array<Record<string, unknown>>): Promise<void> {
  const body = rows.map((row) => JSON.stringify(row)).join('\n');
  const answer = await admin.post(`${events}/batch`, body, 'application/x-ndjson');
  expect(answer.body.accepted, answer.text).toBe(rows.length);
}

const prediction = (id: string, at: number, i: number) => ({
  event_id: id,
  event_timestamp: at,
  age: 20 + (i % 45),
  balance: (i * 311) % 20_000,
  geography: ['France', 'Spain', 'Germany', 'Italy'][i % (i % 5 === 0 ? 4 : 3)],
  tenure: i % 9,
  probability_churned: ((i * 53) % 100) / 100,
  churned: i % 4 === 0,
});

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  services = service.services;
  await seedChurnModel(admin);
  await publish(Array.from({ length: DAYS * 24 }, (_, i) => prediction(`h-${i}`, START + i * HOUR, i)));
  expect((await admin.post('/v1/monitor/run')).status).toBe(200);
});

afterAll(() => service.destroy());

describe('day profiles', () => {
  it('answer a 30-day daily query from 30 items, exactly as merging its 720 hours does', async () => {
    const fromDays = counting(services.profiles);
    const fromHours = counting(hoursOnly(services.profiles));
    const answer = await daily(fromDays.store);
    expect(fromDays.reads).toEqual({ hours: 0, days: DAYS, months: 0 });
    expect(answer).toEqual(await daily(fromHours.store));
    expect(fromHours.reads).toEqual({ hours: DAYS * 24, days: 0, months: 0 });
    expect(answer.series[0]?.points.every((point) => point.value === 24)).toBe(true);
  });

  it('follow a late label folded after the day profile was written', async () => {
    const day = START + 9 * DAY;
    const before = await daily(services.profiles, day, 1);
    const flip = await admin.post(events, {
      event_id: 'h-216',
      update_event: true,
      event: { churned: false },
    });
    expect(flip.status, flip.text).toBe(200);
    await admin.post('/v1/monitor/run');
    const after = await daily(services.profiles, day, 1);
    expect(after.series[4]?.points[0]?.value).not.toBe(before.series[4]?.points[0]?.value);
    expect(after).toEqual(await daily(hoursOnly(services.profiles), day, 1));
    expect((await services.profiles.getState(ref))?.stale_days ?? []).toEqual([]);
  });

  it('are read from hours for a day left stale by a run that died before writing its day profile', async () => {
    const day = START + 11 * DAY;
    await publish([prediction('late-1', day + 3 * HOUR, 1), prediction('late-2', day + 20 * HOUR, 2)]);
    await expect(
      runWith(service, { stores: ({ profiles }) => ({ profiles: dyingOnce(profiles, 'putRollup') }) }),
    ).rejects.toThrow(/simulated crash/);
    expect((await services.profiles.getState(ref))?.stale_days).toEqual([day]);
    const reader = counting(services.profiles);
    const answer = await daily(reader.store);
    expect(answer.series[0]?.points[11]?.value).toBe(26);
    expect(answer).toEqual(await daily(hoursOnly(services.profiles)));
    // The one query of day profiles returns the stale day's too; its hours stand in for it.
    expect(reader.reads).toEqual({ hours: 24, days: DAYS, months: 0 });

    await runWith(service);
    expect((await services.profiles.getState(ref))?.stale_days).toEqual([]);
    const fresh = counting(services.profiles);
    expect(await daily(fresh.store)).toEqual(answer);
    expect(fresh.reads).toEqual({ hours: 0, days: DAYS, months: 0 });
  });

  it('are made for every day of a model that had none, by its next run, and hours answer meanwhile', async () => {
    const state = await services.profiles.getState(ref);
    if (!state) throw new Error('no state');
    expect(
      await services.profiles.putState(
        ref,
        { ...state, day_items: undefined, rev: state.rev + 1 },
        state.rev,
      ),
    ).toBe(true);
    const meanwhile = counting(services.profiles);
    const expected = await daily(meanwhile.store);
    expect(meanwhile.reads.days).toBe(0);

    await publish([prediction('wake-up', START + 2 * DAY + 5 * HOUR, 7)]);
    await admin.post('/v1/monitor/run');
    const after = counting(services.profiles);
    const answer = await daily(after.store);
    expect(after.reads).toEqual({ hours: 0, days: DAYS, months: 0 });
    expect(answer.series[0]?.points[2]?.value).toBe((expected.series[0]?.points[2]?.value as number) + 1);
    expect(answer).toEqual(await daily(hoursOnly(services.profiles)));
  });

  it('answer a monthly query from one item per month, exactly as merging its hours does', async () => {
    const fromMonths = counting(services.profiles);
    const answer = await monthly(fromMonths.store);
    expect(fromMonths.reads).toEqual({ hours: 0, days: 0, months: 2 });
    expect(answer).toEqual(await monthly(hoursOnly(services.profiles)));
    expect(answer.series[1]?.points.map((point) => point.value)).toEqual([27 * 24 + 3, 3 * 24]);
  });

  it('read a month holding a stale day from its days, and that day from its hours', async () => {
    const day = START + 20 * DAY;
    await publish([prediction('late-3', day + 7 * HOUR, 3)]);
    // The day profile is written, then the run dies writing its month's.
    await expect(
      runWith(service, { stores: ({ profiles }) => ({ profiles: dyingOnce(profiles, 'putRollup', 2) }) }),
    ).rejects.toThrow(/simulated crash/);
    expect((await services.profiles.getState(ref))?.stale_days).toEqual([day]);
    const reader = counting(services.profiles);
    const answer = await monthly(reader.store);
    // February from its 27 days (the stale one's hours stand in for it), March from its month profile: the one
    // query of months (January to March) returns February's too, unused.
    expect(reader.reads).toEqual({ hours: 24, days: 27, months: 2 });
    expect(answer).toEqual(await monthly(hoursOnly(services.profiles)));

    await runWith(service);
    const fresh = counting(services.profiles);
    expect(await monthly(fresh.store)).toEqual(answer);
    expect(fresh.reads).toEqual({ hours: 0, days: 0, months: 2 });
  });

  it('are made for a model that had day profiles but none for months, and days answer meanwhile', async () => {
    const state = await services.profiles.getState(ref);
    if (!state) throw new Error('no state');
    const withoutMonths = { ...state, month_items: undefined, rev: state.rev + 1 };
    expect(await services.profiles.putState(ref, withoutMonths, state.rev)).toBe(true);
    const meanwhile = counting(services.profiles);
    const expected = await monthly(meanwhile.store);
    expect(meanwhile.reads).toEqual({ hours: 0, days: DAYS, months: 0 });

    // The model's next run (its first change since) makes them.
    await publish([prediction('wake-up-march', START + 28 * DAY + 5 * HOUR, 8)]);
    await admin.post('/v1/monitor/run');
    const after = counting(services.profiles);
    const answer = await monthly(after.store);
    expect(after.reads).toEqual({ hours: 0, days: 0, months: 2 });
    expect(answer.series[1]?.points.map((point) => point.value)).toEqual(
      expected.series[1]?.points.map((point, index) => (point.value as number) + index),
    );
    expect(answer).toEqual(await monthly(hoursOnly(services.profiles)));
  });

  it('are made for the new version when new drift bins are rebuilt', async () => {
    const set = await admin.put('/v1/projects/bank/models/churn/monitoring', {
      bins: { age: { edges: [30, 45] } },
    });
    expect(set.status, set.text).toBe(200);
    const run = await admin.post('/v1/monitor/run');
    expect(run.body.hours_rebuilt, run.text).toBe(DAYS * 24);
    const state = await services.profiles.getState(ref);
    expect(state?.day_items).toBe(state?.active_version);
    expect(state?.active_version).toBe(set.body.monitoring.version);
    const reader = counting(services.profiles);
    const answer = await daily(reader.store);
    expect(reader.reads).toEqual({ hours: 0, days: DAYS, months: 0 });
    expect(answer).toEqual(await daily(hoursOnly(services.profiles)));
    // Rebuilding every hour of the range takes far longer than a query on a loaded two-core machine.
  }, 180_000);
});
