// `npm run bench:metrics`: fold throughput on one core, read cost of a 30-day hourly query at two traffic
// levels, items read per range with day profiles, the Monitor view's data per series and in one metrics query,
// and publish-to-visible latency on the local service.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynalite } from '../local/dynalite.js';
import { DEMO_MODEL, DEMO_PROJECT, seedDemo } from '../scripts/demo.js';
import { rollUp, stateHolder } from '../shared/fold/rollups.js';
import { absorbEvent, emptyProfile, type HourProfile } from '../shared/metrics/profile.js';
import { PROFILE_LAYOUT } from '../shared/metrics/profile-sections.js';
import { seededRandom } from '../shared/metrics/seeded-random.js';
import { queryMetrics } from '../shared/queries/query.js';
import { metricSeries } from '../shared/queries/series.js';
import { ensureTables } from '../shared/storage/dynamo/create-tables.js';
import { dynamoProfileStore } from '../shared/storage/dynamo/profiles.js';
import type { ModelState, ProfileStore } from '../shared/storage/profiles.js';
import type { ModelRecord } from '../shared/storage/registry.js';
import { foldThroughput, twentyColumnModel } from './fold.js';
import { startBenchService } from './local-service.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const HOUR = 3_600_000;
const START = Date.UTC(2026, 9, 1);

/**
 * A profile store on a dynalite of its own, counting the items its queries read (`reads.items`) and the read
 * units they consume (`reads.units`), both set to 0 before a measured query; `close` stops the dynalite.
 */
async function countingProfileStore(prefix: string, layout = PROFILE_LAYOUT) {
  const dynamo = await startDynalite();
  try {
    const raw = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const tables = {
      registry: `${prefix}-registry`,
      events: `${prefix}-events`,
      profiles: `${prefix}-profiles`,
    };
    await ensureTables(raw, tables);
    const reads = { items: 0, units: 0 };
    raw.middlewareStack.add(
      (next) => async (args) => {
        (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        const output = (result.output ?? {}) as {
          Count?: number;
          Responses?: Record<string, unknown[]>;
          ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }>;
        };
        reads.items += output.Count ?? 0;
        for (const found of Object.values(output.Responses ?? {})) reads.items += found.length;
        const consumed = output.ConsumedCapacity;
        for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : [])
          reads.units += entry.CapacityUnits ?? 0;
        return result;
      },
      { step: 'initialize', name: 'countItemsRead' },
    );
    const profiles = dynamoProfileStore(DynamoDBDocumentClient.from(raw), tables.profiles, layout);
    return { profiles, reads, close: () => dynamo.close() };
  } catch (error) {
    await dynamo.close();
    throw error;
  }
}

const BENCH_MODEL = { project_id: 'bench', model_id: 'model' };
/** The model record a query reads: only its ids and monitoring version matter here. */
const BENCH_RECORD = { info: BENCH_MODEL, monitoring: { version: 1 } } as unknown as ModelRecord;

/**
 * Folds `count` events over 30 days into hour profiles, stores them, and counts the profile items a drift query
 * reads (besides them, one read of the model state and one of the spec, which a process caches).
 */
async function readCost(count: number): Promise<{ items: number; ms: number }> {
  const { spec, event } = twentyColumnModel();
  const hours = new Map<number, HourProfile>();
  const rand = seededRandom(count);
  for (let i = 0; i < count; i++) {
    const hour = START + Math.floor((i / count) * 30 * 24) * HOUR;
    const profile = hours.get(hour) ?? emptyProfile(spec);
    absorbEvent(profile, spec, event(rand), 1);
    hours.set(hour, profile);
  }
  const { profiles, reads, close } = await countingProfileStore('b');
  try {
    for (const [hour, profile] of hours)
      await profiles.putHour(BENCH_MODEL, 1, hour, { profile, rev: 1, applied: [] }, undefined);
    await profiles.putSpec(BENCH_MODEL, 1, spec);
    reads.items = 0;
    const started = performance.now();
    const series = await metricSeries(
      { profiles, registry: undefined as never, blobs: undefined as never },
      BENCH_RECORD,
      {
        metric: 'jsd',
        column: 'x0',
        bin_size: 'hour',
        start: START,
        end: START + 30 * 24 * HOUR,
      },
    );
    const ms = performance.now() - started;
    if (series.points.length !== 720) throw new Error('expected 720 hourly points');
    return { items: reads.items, ms };
  } finally {
    await close();
  }
}

async function freshness(): Promise<{ publishMs: number; runMs: number; visible: boolean }> {
  const { service, close } = await startBenchService('bench-fresh-');
  const call = (method: string, path: string, body?: string, type = 'application/json') =>
    fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: 'Bearer bench', 'content-type': type },
      body,
    });
  try {
    await call('POST', '/v1/projects', JSON.stringify({ project_id: 'fresh' }));
    await call('PUT', '/v1/projects/fresh/datasets/base', 'x,y\n1,0.5\n2,0.7\n3,0.1\n', 'text/csv');
    await call(
      'PUT',
      '/v1/projects/fresh/models/model',
      JSON.stringify({ dataset_id: 'base', task: 'not_set', inputs: ['x'], outputs: ['y'] }),
    );
    const now = Date.now();
    const rows = Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify({ x: i % 3, y: 0.5, event_timestamp: now - 1000 }),
    ).join('\n');
    let started = performance.now();
    await call('POST', '/v1/projects/fresh/models/model/events/batch', rows, 'application/x-ndjson');
    const publishMs = performance.now() - started;
    started = performance.now();
    await call('POST', '/v1/monitor/run');
    const runMs = performance.now() - started;
    const answer = await call(
      'GET',
      `/v1/projects/fresh/models/model/metrics?metric=traffic&start=${now - 2 * HOUR}&end=${now + HOUR}`,
    );
    const points = ((await answer.json()) as { points: Array<{ value: number }> }).points;
    return { publishMs, runMs, visible: points.reduce((sum, p) => sum + (p.value ?? 0), 0) === 1000 };
  } finally {
    await close();
  }
}

/**
 * Items a one-series query reads over 7, 30 and 365 days at hour and day bins, with day profiles (besides them,
 * one read of the model state and one of the spec, which a process caches).
 */
async function itemsPerRange(): Promise<Array<{ days: number; hour: number; day: number; month: number }>> {
  const { spec, event } = twentyColumnModel();
  const rand = seededRandom(365);
  const { profiles, reads, close } = await countingProfileStore('r');
  try {
    const hours = 365 * 24;
    for (let i = 0; i < hours; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, hours - i) }, (_, j) => {
          const profile = emptyProfile(spec);
          for (let k = 0; k < 3; k++) absorbEvent(profile, spec, event(rand), 1);
          return profiles.putHour(
            BENCH_MODEL,
            1,
            START + (i + j) * HOUR,
            { profile, rev: 1, applied: [] },
            undefined,
          );
        }),
      );
    }
    await profiles.putSpec(BENCH_MODEL, 1, spec);
    const state: ModelState = { active_version: 1, rebuild: null, rev: 1 };
    await profiles.putState(BENCH_MODEL, state, undefined);
    await rollUp(profiles, BENCH_MODEL, stateHolder(profiles, BENCH_MODEL, state), async () => {});
    const deps = {
      profiles: profiles as ProfileStore,
      registry: undefined as never,
      blobs: undefined as never,
    };
    const rows: Array<{ days: number; hour: number; day: number; month: number }> = [];
    for (const days of [7, 30, 365]) {
      const read = async (bin_size: 'hour' | 'day' | 'month') => {
        reads.items = 0;
        const end = START + days * 24 * HOUR;
        await queryMetrics(deps, BENCH_RECORD, {
          bin_size,
          start: START,
          end,
          queries: [{ metric: 'jsd', column: 'x0' }],
        });
        return reads.items;
      };
      rows.push({ days, hour: await read('hour'), day: await read('day'), month: await read('month') });
    }
    return rows;
  } finally {
    await close();
  }
}

interface WideRead {
  items: number;
  units: number;
  ms: number;
}

/**
 * A model of 1,000 numeric inputs, 48 hours of 100 events each, stored whole (as before column sections) and
 * split: one column's drift series at hour bins, and every column's (what the summary reads). Median of 3.
 */
async function wideRead(): Promise<Record<'whole' | 'split', { column: WideRead; every: WideRead }>> {
  const { spec, event } = twentyColumnModel(undefined, 1_000);
  const rand = seededRandom(1_000);
  const hours = Array.from({ length: 48 }, () => {
    const profile = emptyProfile(spec);
    for (let i = 0; i < 100; i++) absorbEvent(profile, spec, event(rand), 1);
    return profile;
  });
  const measure = async (layout: typeof PROFILE_LAYOUT) => {
    const { profiles, reads, close } = await countingProfileStore('w', layout);
    try {
      for (const [h, profile] of hours.entries())
        await profiles.putHour(BENCH_MODEL, 1, START + h * HOUR, { profile, rev: 1, applied: [] }, undefined);
      await profiles.putSpec(BENCH_MODEL, 1, spec);
      const deps = { profiles, registry: undefined as never, blobs: undefined as never };
      const median = async (read: () => Promise<unknown>): Promise<WideRead> => {
        const rounds: WideRead[] = [];
        for (let round = 0; round < 3; round++) {
          reads.items = 0;
          reads.units = 0;
          const started = performance.now();
          await read();
          rounds.push({ items: reads.items, units: reads.units, ms: performance.now() - started });
        }
        return rounds.sort((a, b) => a.ms - b.ms)[1] as WideRead;
      };
      const range = { bin_size: 'hour' as const, start: START, end: START + 48 * HOUR };
      return {
        column: await median(() =>
          queryMetrics(deps, BENCH_RECORD, { ...range, queries: [{ metric: 'jsd', column: 'x5' }] }),
        ),
        // Every column decoded, as the summary reads them.
        every: await median(async () => {
          for (const { profile } of await profiles.queryHours(BENCH_MODEL, 1, range.start, range.end - 1))
            for (const tally of profile.columns) void tally.integrity;
        }),
      };
    } finally {
      await close();
    }
  };
  return {
    whole: await measure({ ...PROFILE_LAYOUT, splitFromBytes: Number.POSITIVE_INFINITY }),
    split: await measure(PROFILE_LAYOUT),
  };
}

/**
 * Every series the Monitor view asks for: traffic, the first performance metric, JSD and PSI per column, and
 * any-violation counts per column and for __ANY__ (web/src/monitor/catalog.ts, web/src/views).
 */
function monitorViewQueries(columns: string[]): Array<{ metric: string; column?: string }> {
  return [
    { metric: 'traffic' },
    { metric: 'accuracy' },
    ...columns.map((column) => ({ metric: 'jsd', column })),
    ...columns.map((column) => ({ metric: 'psi', column })),
    ...['__ANY__', ...columns].map((column) => ({ metric: 'any_violation_count', column })),
  ];
}

interface ViewCost {
  requests: number;
  ms: number;
  items: number;
}

/** Per series from hours (as before day profiles), per series with day profiles, and one metrics query. */
interface ViewCosts {
  before: ViewCost;
  perSeries: ViewCost;
  query: ViewCost;
  series: number;
}

/**
 * The demo's Monitor view data over 30 days, as per-series requests (3 in flight, as the dashboard sends them)
 * and as one metrics query, on the local service.
 */
async function monitorView(): Promise<Record<string, ViewCosts>> {
  const { service, close } = await startBenchService('bench-view-');
  let items = 0;
  // Before day profiles, every read merged hours: a state naming no day profiles reads that way still.
  let hoursOnly = false;
  const store = service.services.profiles;
  service.services.profiles = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const result = await value.apply(target, args);
        if (property === 'queryHours' || property === 'queryRollups') items += (result as unknown[]).length;
        if (property === 'getState' && hoursOnly && result) return { ...result, day_items: undefined };
        return result;
      };
    },
  });
  const headers = { authorization: 'Bearer bench', 'content-type': 'application/json' };
  try {
    const now = Date.UTC(2026, 9, 31);
    await seedDemo({
      url: service.url,
      adminToken: 'bench',
      now,
      days: 30,
      eventsPerHour: 10,
      log: () => {},
    });
    await fetch(`${service.url}/v1/monitor/run`, { method: 'POST', headers });
    const model = `${service.url}/v1/projects/${DEMO_PROJECT}/models/${DEMO_MODEL}`;
    const info = (await (await fetch(model, { headers })).json()) as { inputs: string[]; outputs: string[] };
    const queries = monitorViewQueries([...info.inputs, ...info.outputs]);
    const start = now - 30 * 24 * HOUR;
    const results: Record<string, ViewCosts> = {};
    for (const bin_size of ['day', 'hour'] as const) {
      const perSeriesCost = async (): Promise<ViewCost> => {
        items = 0;
        const started = performance.now();
        const pending = [...queries];
        const worker = async () => {
          for (let next = pending.shift(); next; next = pending.shift()) {
            const column = next.column ? `&column=${encodeURIComponent(next.column)}` : '';
            const path = `${model}/metrics?metric=${next.metric}${column}&bin_size=${bin_size}&start=${start}&end=${now}`;
            const answer = await fetch(path, { headers });
            if (answer.status !== 200) throw new Error(`${path}: ${await answer.text()}`);
            await answer.json();
          }
        };
        await Promise.all([worker(), worker(), worker()]);
        return { requests: queries.length, ms: performance.now() - started, items };
      };
      hoursOnly = true;
      const before = await perSeriesCost();
      hoursOnly = false;
      const perSeries = await perSeriesCost();
      items = 0;
      const started = performance.now();
      const answer = await fetch(`${model}/metrics/query`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ bin_size, start, end: now, queries }),
      });
      if (answer.status !== 200) throw new Error(`metrics/query: ${await answer.text()}`);
      await answer.json();
      results[bin_size] = {
        before,
        perSeries,
        query: { requests: 1, ms: performance.now() - started, items },
        series: queries.length,
      };
    }
    return results;
  } finally {
    await close();
  }
}

const fold = foldThroughput();
const millions = (rate: number) => `${(rate / 1e6).toFixed(1)} M`;
console.log(
  `fold: ${fold.events} events x 20 columns on one core: best ${millions(fold.best)}, median ${millions(fold.median)} column values/s (goal: 10 M)`,
);
if (process.env.BENCH_FOLD_ONLY) process.exit(0);
for (const count of [10_000, 1_000_000]) {
  const cost = await readCost(count);
  console.log(
    `read cost, 30-day hourly jsd query, ${count} events: ${cost.items} items read, ${cost.ms.toFixed(0)} ms`,
  );
}
if (!process.env.BENCH_SKIP_RANGES) {
  for (const row of await itemsPerRange()) {
    console.log(
      `items read, one series over ${row.days} days: ${row.hour} at hour bins, ${row.day} at day bins, ${row.month} at month bins`,
    );
  }
}
const wide = await wideRead();
const wideCost = (r: WideRead) => `${r.items} items, ${r.units.toFixed(0)} RCU, ${r.ms.toFixed(0)} ms`;
for (const [layout, label] of [
  ['whole', 'stored whole'],
  ['split', 'stored in column sections'],
] as const) {
  console.log(
    `1,000-column model, 48 hours, ${label}: one column's jsd ${wideCost(wide[layout].column)}; ` +
      `every column ${wideCost(wide[layout].every)}`,
  );
}
const cost = (c: ViewCost) => `${c.requests} requests ${c.ms.toFixed(0)} ms ${c.items} items`;
for (const [bin, { before, perSeries, query, series }] of Object.entries(await monitorView())) {
  console.log(
    `Monitor view, 30 days at ${bin} bins, ${series} series: per series from hours ${cost(before)}; ` +
      `per series with day profiles ${cost(perSeries)}; one metrics/query ${cost(query)} ` +
      `(${(before.ms / query.ms).toFixed(0)}x faster than per series from hours)`,
  );
}
const fresh = await freshness();
console.log(
  `freshness (local): 1,000 events published in ${fresh.publishMs.toFixed(0)} ms; one monitor run ${fresh.runMs.toFixed(0)} ms; visible after it: ${fresh.visible}`,
);
