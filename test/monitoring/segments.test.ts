// Segments end to end: a segment's metrics equal those of a model that received only the segment's events, an
// update moves an event between segments, a segment defined after its events is rebuilt from them, and
// `segment_by` splits the traffic into one segment per value plus `__OTHER__`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHURN_BASELINE_CSV,
  CHURN_MODEL,
  type Client,
  clientFor,
  seedChurnModel,
  startTestService,
  type TestService,
} from '../support/local-service.js';

let service: TestService;
let admin: Client;
const HOUR = 3_600_000;
const START = Date.UTC(2026, 6, 6, 8);
const project = '/v1/projects/bank';
const churn = `${project}/models/churn`;
const range = `start=${START}&end=${START + 3 * HOUR}&bin_size=hour`;
const FILTER = { segment: { in: ['premium'] }, age: { min: 30, max: 60 } };
type Row = Record<string, unknown>;
const passes = (row: Row) =>
  row.segment === 'premium' && typeof row.age === 'number' && row.age >= 30 && row.age <= 60;

/** Deterministic rows over three hours: every column varies, some values are missing or out of range. */
function rows(n: number, prefix: string): Row[] {
  const places = ['France', 'Germany', 'Spain', 'Italy'];
  return Array.from({ length: n }, (_, i) => ({
    event_id: `${prefix}-${i}`,
    event_timestamp: START + (i % 3) * HOUR + i,
    age: i % 17 === 0 ? null : 20 + ((i * 7) % 50),
    balance: (i * 137.5) % 30_000,
    geography: places[i % 4],
    tenure: i % 11,
    probability_churned: ((i * 37) % 100) / 100,
    churned: (i * 13) % 5 < 2,
    decision: i % 3 === 0 ? 'call' : 'keep',
    segment: i % 2 === 0 ? 'premium' : 'retail',
  }));
}

async function publish(model: string, batch: Row[]): Promise<void> {
  const body = batch.map((row) => JSON.stringify(row)).join('\n');
  const answer = await admin.post(`${model}/events/batch`, body, 'application/x-ndjson');
  expect(answer.status, answer.text).toBe(200);
  expect(answer.body.accepted).toBe(batch.length);
}

async function points(model: string, query: string) {
  const answer = await admin.get(`${model}/metrics?${query}&${range}`);
  expect(answer.status, answer.text).toBe(200);
  return answer.body.points;
}

const premiumCsv = [
  CHURN_BASELINE_CSV.split('\n')[0],
  ...CHURN_BASELINE_CSV.split('\n').filter((line) => line.endsWith(',premium')),
].join('\n');

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await seedChurnModel(admin);
  // The same model on the whole baseline, fed only the segment's events: integrity, statistics, performance.
  expect((await admin.put(`${project}/models/whole`, CHURN_MODEL)).status).toBe(201);
  // The same model on the segment's baseline rows only, fed only the segment's events: drift.
  expect((await admin.put(`${project}/datasets/premium`, premiumCsv, 'text/csv')).status).toBe(201);
  const onPremium = { ...CHURN_MODEL, dataset_id: 'premium' };
  expect((await admin.put(`${project}/models/premium`, onPremium)).status).toBe(201);
  for (const model of ['churn', 'premium']) {
    const bins = { bins: { age: { edges: [40, 50] }, balance: { edges: [500, 5000, 20000] } } };
    expect((await admin.put(`${project}/models/${model}/monitoring`, bins)).status).toBe(200);
  }
  const defined = await admin.put(`${churn}/segments/premium_mid`, {
    name: 'Premium, 30-60',
    filter: FILTER,
  });
  expect(defined.status, defined.text).toBe(201);
  const all = rows(240, 'ev');
  await publish(churn, all);
  await publish(`${project}/models/whole`, all.filter(passes));
  await publish(`${project}/models/premium`, all.filter(passes));
  expect((await admin.post('/v1/monitor/run')).status).toBe(200);
}, 120_000);

afterAll(() => service.destroy());

describe('a defined segment', () => {
  it.each([
    'metric=traffic',
    'metric=any_violation_count&column=__ANY__',
    'metric=null_violation_percentage&column=age',
    'metric=range_violation_count&column=balance',
    'metric=mean&column=balance',
    'metric=p95&column=balance',
    'metric=data_count',
    'metric=accuracy',
    'metric=auc',
    'metric=log_loss',
    'metric=f1_score',
    'metric=expected_calibration_error',
  ])('answers %s as a model fed only its events does', async (query) => {
    const segment = await points(churn, `${query}&segment=premium_mid`);
    expect(segment).toEqual(await points(`${project}/models/whole`, query));
    expect(segment.some((point: { count: number }) => point.count > 0)).toBe(true);
  });

  it.each(['metric=jsd&column=age', 'metric=psi&column=balance', 'metric=hellinger&column=age'])(
    'answers %s against the baseline rows passing its filter',
    async (query) => {
      expect(await points(churn, `${query}&segment=premium_mid`)).toEqual(
        await points(`${project}/models/premium`, query),
      );
    },
  );

  it('lists its counts per drift bin as the model fed only its events does', async () => {
    const path = (model: string, segment = '') => `${model}/distributions?column=age&${range}${segment}`;
    const segment = await admin.get(path(churn, '&segment=premium_mid'));
    const direct = await admin.get(path(`${project}/models/premium`));
    expect(segment.status, segment.text).toBe(200);
    expect(segment.body.points).toEqual(direct.body.points);
    expect(segment.body.baseline).toEqual(direct.body.baseline);
  });

  it('refuses a filter on an output column, naming it', async () => {
    const answer = await admin.put(`${churn}/segments/bad`, {
      name: 'bad',
      filter: { probability_churned: { min: 0.5 } },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^filter\.probability_churned/);
  });
});

describe('an alert rule on a segment', () => {
  it("compares the segment's own values, and names the segment on its records and incidents", async () => {
    const rule = await admin.post(`${churn}/alert-rules`, {
      name: 'premium traffic',
      metric: 'traffic',
      bin_size: 'hour',
      compare_to: 'raw_value',
      condition: 'greater',
      critical_threshold: 0,
      priority: 'low',
      segment: 'premium_mid',
    });
    expect(rule.status, rule.text).toBe(201);

    expect((await admin.post('/v1/monitor/run')).status).toBe(200);
    const records = (
      await admin.get(`${churn}/alerts?start=${START}&end=${START + 3 * HOUR}`)
    ).body.items.filter((record: { rule_id: string }) => record.rule_id === rule.body.rule_id);
    const incidents = (await admin.get(`${churn}/incidents`)).body.items.filter(
      (incident: { rule_id: string }) => incident.rule_id === rule.body.rule_id,
    );
    const segmentTraffic = await points(churn, 'metric=traffic&segment=premium_mid');

    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      const bin = segmentTraffic.find((point: { start: number }) => point.start === record.bin_start);
      expect(record.value).toBe(bin.value);
      expect(record.segment).toBe('premium_mid');
      expect(record.message).toContain('in segment premium_mid');
    }
    expect(incidents.map((incident: { segment: string }) => incident.segment)).toEqual(
      incidents.map(() => 'premium_mid'),
    );
  });
});

describe('moving and rebuilding', () => {
  it('moves an event to another segment when a late update changes its metadata', async () => {
    await admin.put(`${churn}/segments/retail`, { name: 'Retail', filter: { segment: { in: ['retail'] } } });
    await admin.put(`${churn}/segments/premium`, {
      name: 'Premium',
      filter: { segment: { in: ['premium'] } },
    });
    await admin.post('/v1/monitor/run');
    const traffic = async (segment: string) =>
      (await points(churn, `metric=traffic&segment=${segment}`)).map((p: { value: number }) => p.value);
    const [retail, premium] = [await traffic('retail'), await traffic('premium')];
    const update = await admin.post(`${churn}/events`, {
      event_id: 'ev-1',
      update_event: true,
      event: { segment: 'premium' },
    });
    expect(update.status, update.text).toBe(200);
    await admin.post('/v1/monitor/run');
    // ev-1 is in the second hour (1 % 3).
    expect(await traffic('retail')).toEqual([retail[0], retail[1] - 1, retail[2]]);
    expect(await traffic('premium')).toEqual([premium[0], premium[1] + 1, premium[2]]);
  });

  it('answers 409 for a segment defined after its events until the run rebuilds it, then counts them all', async () => {
    const filter = { geography: { in: ['Germany'] } };
    expect((await admin.put(`${churn}/segments/germany`, { name: 'Germany', filter })).status).toBe(201);
    const early = await admin.get(`${churn}/metrics?metric=traffic&segment=germany&${range}`);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('segment_not_ready');
    const listed = await admin.get(`${churn}/segments`);
    expect(listed.body.items.find((s: { segment_id: string }) => s.segment_id === 'germany').state).toBe(
      'building',
    );
    await admin.post('/v1/monitor/run');
    const germany = await points(churn, 'metric=traffic&segment=germany');
    const expected = [0, 1, 2].map(
      (h) => rows(240, 'ev').filter((r, i) => r.geography === 'Germany' && i % 3 === h).length,
    );
    expect(germany.map((p: { value: number }) => p.value)).toEqual(expected);
  });
});

describe('segment_by', () => {
  it('splits the traffic into one segment per baseline value and __OTHER__', async () => {
    const set = await admin.put(`${churn}/monitoring`, {
      bins: { age: { edges: [40, 50] }, balance: { edges: [500, 5000, 20000] } },
      segment_by: ['geography'],
    });
    expect(set.status, set.text).toBe(200);
    await admin.post('/v1/monitor/run');
    const listed = await admin.get(`${churn}/segments`);
    const automatic = listed.body.items.filter((s: { automatic: boolean }) => s.automatic);
    expect(automatic.map((s: { segment_id: string }) => s.segment_id).sort()).toEqual([
      'geography=France',
      'geography=Germany',
      'geography=Spain',
      'geography=__OTHER__',
    ]);
    const total = (q: string) => points(churn, q).then((ps) => ps.map((p: { value: number }) => p.value));
    const other = await total('metric=traffic&segment=geography=__OTHER__');
    const italy = [0, 1, 2].map(
      (h) => rows(240, 'ev').filter((r, i) => r.geography === 'Italy' && i % 3 === h).length,
    );
    expect(other).toEqual(italy);
    const sums = [0, 0, 0];
    for (const place of ['France', 'Germany', 'Spain', '__OTHER__']) {
      (await total(`metric=traffic&segment=geography=${place}`)).forEach((v: number, i: number) => {
        sums[i] = (sums[i] as number) + v;
      });
    }
    expect(sums).toEqual(await total('metric=traffic'));
  });

  it('ranks the segments of a segment_by column by a metric in a bin', async () => {
    const answer = await admin.get(
      `${churn}/segments/breakdown?column=geography&metric=traffic&bin_size=hour&at=${START + HOUR}`,
    );
    expect(answer.status, answer.text).toBe(200);
    const values = answer.body.items.map((item: { value: number }) => item.value);
    expect(values).toEqual([...values].sort((a: number, b: number) => b - a));
    expect(answer.body.items[0].previous_count).toBeGreaterThan(0);
  });
});
