// GET .../distributions (contract section 8) and GET .../summary over real HTTP: drift-bin counts equal to the
// events published, and a health view that names the drifting column and the labelled share of events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  clientFor,
  seedChurnModel,
  startTestService,
  type TestService,
} from '../support/local-service.js';

let service: TestService;
let admin: Client;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 2, 2);
const churn = '/v1/projects/bank/models/churn';
const flags = '/v1/projects/bank/models/flags';
const twoDays = `bin_size=day&start=${START}&end=${START + 2 * DAY}`;

async function publish(path: string, rows: Array<Record<string, unknown>>): Promise<void> {
  const body = rows.map((row) => JSON.stringify(row)).join('\n');
  const answer = await admin.post(`${path}/events/batch`, body, 'application/x-ndjson');
  expect(answer.body.accepted, answer.text).toBe(rows.length);
}

const usual = (i: number, extra: Record<string, unknown> = {}) => ({
  event_timestamp: START + (i % 20) * HOUR,
  age: [42, 35, 58, 23, 47, 31][i % 6],
  balance: [1000.5, 0, 25000.25, 310.75, 12000, 800.5][i % 6],
  geography: ['France', 'Spain', 'Germany'][i % 3],
  tenure: [3, 7, 1, 9, 4, 2][i % 6],
  probability_churned: [0.12, 0.81, 0.64, 0.05, 0.33, 0.72][i % 6],
  ...extra,
});

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await seedChurnModel(admin);
  const bins = await admin.put(`${churn}/monitoring`, { bins: { age: { edges: [30, 45] } } });
  expect(bins.status, bins.text).toBe(200);
  // Day 1 looks like the baseline, half of it labelled; day 2 moves geography to Italy and Germany, unlabelled.
  await publish(churn, [
    ...Array.from({ length: 12 }, (_, i) => usual(i, i % 2 === 0 ? { churned: i % 4 === 0 } : {})),
    ...Array.from({ length: 10 }, (_, i) =>
      usual(i, { event_timestamp: START + DAY + i * HOUR, geography: i < 7 ? 'Italy' : 'Germany' }),
    ),
  ]);

  const flagsBase = await admin.put(
    '/v1/projects/bank/datasets/flagsbase?max_inferred_cardinality=2',
    'active,note,score\ntrue,a,0.2\nfalse,b,0.4\ntrue,c,0.9\n',
    'text/csv',
  );
  expect(flagsBase.status, flagsBase.text).toBe(201);
  const model = await admin.put(flags, {
    dataset_id: 'flagsbase',
    task: 'not_set',
    inputs: ['active', 'note'],
    outputs: ['score'],
  });
  expect(model.status, model.text).toBe(201);
  await publish(
    flags,
    [true, true, false, 'yes', 1, true, null].map((active) => ({
      event_timestamp: START + HOUR,
      active,
      note: 'x',
      score: 0.5,
    })),
  );
  expect((await admin.post('/v1/monitor/run')).status).toBe(200);
});

afterAll(() => service.destroy());

describe('GET .../distributions', () => {
  it('counts a numeric column per (lower, upper] bin, leaving out missing and mistyped values', async () => {
    await publish(churn, [
      ...[20, 30, 31, 45, 46, 100, null, 'old'].map((age) =>
        usual(0, { event_timestamp: START + 5 * DAY, age }),
      ),
    ]);
    await admin.post('/v1/monitor/run');
    const answer = await admin.get(
      `${churn}/distributions?column=age&bin_size=day&start=${START + 5 * DAY}&end=${START + 7 * DAY}`,
    );
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual({
      column: 'age',
      kind: 'numeric',
      bins: [
        { label: '(-inf, 30]', lower: null, upper: 30 },
        { label: '(30, 45]', lower: 30, upper: 45 },
        { label: '(45, +inf)', lower: 45, upper: null },
      ],
      baseline: [1 / 6, 3 / 6, 2 / 6],
      points: [
        { start: START + 5 * DAY, count: 6, counts: [2, 2, 2] },
        { start: START + 6 * DAY, count: 0, counts: [0, 0, 0] },
      ],
    });
  });

  it('counts a category column per baseline category, then values outside the baseline as __OTHER__', async () => {
    const answer = await admin.get(`${churn}/distributions?column=geography&${twoDays}`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.kind).toBe('category');
    expect(answer.body.bins.map((bin: { label: string }) => bin.label)).toEqual([
      'France',
      'Germany',
      'Spain',
      '__OTHER__',
    ]);
    expect(answer.body.baseline).toEqual([1 / 3, 1 / 3, 1 / 3, 0]);
    expect(answer.body.points).toEqual([
      { start: START, count: 12, counts: [4, 4, 4, 0] },
      { start: START + DAY, count: 10, counts: [0, 3, 0, 7] },
    ]);
  });

  it('counts a bool column as false, true, with 1 read as true', async () => {
    const answer = await admin.get(
      `${flags}/distributions?column=active&bin_size=day&start=${START}&end=${START + DAY}`,
    );
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({
      kind: 'bool',
      bins: [
        { label: 'false', lower: null, upper: null },
        { label: 'true', lower: null, upper: null },
      ],
      baseline: [1 / 3, 2 / 3],
      points: [{ start: START, count: 5, counts: [1, 4] }],
    });
  });

  it.each([
    ['a str column', `${flags}/distributions?column=note&${twoDays}`, /^column note/],
    ['an unknown column', `${churn}/distributions?column=nope&${twoDays}`, /^column nope/],
    ['no column', `${churn}/distributions?${twoDays}`, /^column/],
  ])('answers 400 for %s', async (_what, path, message) => {
    const answer = await admin.get(path);
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body.error.message).toMatch(message);
  });

  it('answers 404 for a segment the model does not have', async () => {
    const answer = await admin.get(`${churn}/distributions?column=age&segment=ab&${twoDays}`);
    expect(answer.status, answer.text).toBe(404);
    expect(answer.body.error.message).toMatch(/segment 'ab' does not exist/);
  });
});

describe('GET .../summary', () => {
  it('names the drifting column as the worst, with its bin', async () => {
    const answer = await admin.get(`${churn}/summary?${twoDays}`);
    expect(answer.status, answer.text).toBe(200);
    const columns = answer.body.columns as Array<{
      column: string;
      jsd: { worst: { start: number; value: number } };
    }>;
    const worst = [...columns].sort((a, b) => b.jsd.worst.value - a.jsd.worst.value)[0];
    expect(worst?.column).toBe('geography');
    expect(worst?.jsd.worst.start).toBe(START + DAY);
    expect(answer.body.traffic).toEqual({
      total: 22,
      points: [
        { start: START, value: 12 },
        { start: START + DAY, value: 10 },
      ],
    });
  });

  it('gives the labelled share of events per bin, null without traffic, and the latest performance', async () => {
    const answer = await admin.get(`${churn}/summary?bin_size=day&start=${START}&end=${START + 3 * DAY}`);
    expect(answer.body.label_coverage).toEqual([
      { start: START, data_count: 6, traffic: 12, value: 0.5 },
      { start: START + DAY, data_count: 0, traffic: 10, value: 0 },
      { start: START + 2 * DAY, data_count: 0, traffic: 0, value: null },
    ]);
    const accuracy = answer.body.performance.find((entry: { metric: string }) => entry.metric === 'accuracy');
    expect(accuracy.latest).toMatchObject({ start: START, data_count: 6 });
    expect(answer.body.performance.map((entry: { metric: string }) => entry.metric)).toContain('auc');
  });

  it('lists the open alert records of the range', async () => {
    const rule = await admin.post(`${churn}/alert-rules`, {
      name: 'geography drift',
      metric: 'jsd',
      columns: ['geography'],
      bin_size: 'day',
      condition: 'greater',
      critical_threshold: 0.3,
    });
    expect(rule.status, rule.text).toBe(201);
    await admin.post('/v1/monitor/run');
    const answer = await admin.get(`${churn}/summary?${twoDays}`);
    expect(answer.body.open_alerts).toEqual([
      expect.objectContaining({ rule_id: rule.body.rule_id, column: 'geography', bin_start: START + DAY }),
    ]);
  });

  it('has no performance or label coverage for a model without a task', async () => {
    const answer = await admin.get(`${flags}/summary?${twoDays}`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.performance).toEqual([]);
    expect(answer.body.label_coverage).toEqual([]);
    expect(answer.body.columns.find((c: { column: string }) => c.column === 'note').jsd).toBeNull();
  });
});
