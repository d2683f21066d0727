// Contract section 8 over real HTTP: POST .../metrics/query answers, for every query, exactly what
// GET .../metrics answers for it, and names the index of an invalid query.
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
const START = Date.UTC(2026, 0, 5);
const model = '/v1/projects/bank/models/churn';
const GEOGRAPHIES = ['France', 'Spain', 'Germany', 'Italy'];

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await seedChurnModel(admin);
  // Three days, two events an hour, drifting and breaking the schema more as time goes on; every other one labelled.
  const rows = Array.from({ length: 3 * 24 * 2 }, (_, i) => {
    const drift = i / 144;
    return JSON.stringify({
      event_id: `q-${i}`,
      event_timestamp: START + Math.floor(i / 2) * HOUR + (i % 2) * 60_000,
      age: i % 17 === 0 ? null : 20 + ((i * 7) % 50) + Math.round(drift * 20),
      balance: i % 13 === 0 ? 'lots' : (i * 997) % 30_000,
      geography: GEOGRAPHIES[(i + Math.floor(drift * 3)) % (drift > 0.6 ? 4 : 3)],
      tenure: i % 10,
      probability_churned: ((i * 37) % 100) / 100,
      ...(i % 2 === 0 ? { churned: i % 3 === 0 } : {}),
    });
  });
  const published = await admin.post(`${model}/events/batch`, rows.join('\n'), 'application/x-ndjson');
  expect(published.body.accepted, published.text).toBe(rows.length);
  expect((await admin.post('/v1/monitor/run')).status).toBe(200);
});

afterAll(() => service.destroy());

const QUERIES = [
  { metric: 'traffic' },
  { metric: 'jsd', column: 'age' },
  { metric: 'jsd', column: 'geography' },
  { metric: 'psi', column: 'balance' },
  { metric: 'psi', column: 'probability_churned' },
  { metric: 'any_violation_count', column: '__ANY__' },
  { metric: 'null_violation_percentage', column: 'age' },
  { metric: 'type_violation_count', column: 'balance' },
  { metric: 'range_violation_percentage', column: 'geography' },
  { metric: 'data_count' },
  { metric: 'accuracy' },
  { metric: 'auc' },
  { metric: 'log_loss' },
  { metric: 'jsd', column: 'tenure', baseline: 'dataset' },
];

async function single(query: { metric: string; column?: string }, range: string) {
  const column = query.column ? `&column=${encodeURIComponent(query.column)}` : '';
  const answer = await admin.get(`${model}/metrics?metric=${query.metric}${column}&${range}`);
  expect(answer.status, answer.text).toBe(200);
  return answer.body;
}

describe('POST .../metrics/query', () => {
  it.each([
    ['hour', START, START + 3 * DAY],
    ['day', START - DAY, START + 4 * DAY],
    ['week', START, START + 3 * DAY],
    ['month', START, START + 3 * DAY],
  ] as const)(
    'answers each of %s-binned series exactly as GET .../metrics does',
    async (binSize, start, end) => {
      const answer = await admin.post(`${model}/metrics/query`, {
        bin_size: binSize,
        start,
        end: new Date(end).toISOString(),
        queries: QUERIES,
      });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body.series).toHaveLength(QUERIES.length);
      const range = `bin_size=${binSize}&start=${start}&end=${end}`;
      for (const [i, query] of QUERIES.entries()) {
        expect(answer.body.series[i], `${query.metric} ${query.column}`).toEqual(await single(query, range));
      }
    },
  );

  it('defaults to hourly bins over the 7 days before now, as the single route does', async () => {
    const answer = await admin.post(`${model}/metrics/query`, { queries: [{ metric: 'traffic' }] });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.series[0].bin_size).toBe('hour');
    expect(answer.body.series[0].points.length).toBeGreaterThanOrEqual(168);
  });

  it.each([
    [[{ metric: 'nope' }], 'queries[0].metric'],
    [[{ metric: 'traffic' }, { metric: 'jsd' }], 'queries[1].column'],
    [
      [{ metric: 'traffic' }, { metric: 'traffic' }, { metric: 'jsd', column: 'decision' }],
      'queries[2].column',
    ],
    [[{ metric: 'mae' }], 'queries[0].metric'],
    [[{ metric: 'traffic' }, { metric: '' }], 'queries[1].metric'],
    [[{ metric: 'traffic', baseline: 'previous:2' }], 'queries[0].baseline'],
    [
      [
        { metric: 'jsd', column: 'age' },
        { metric: 'jsd', column: 'age', baseline: 'previous:0' },
      ],
      'queries[1].baseline',
    ],
  ])('answers 400 naming the field of the invalid query: %j', async (queries, field) => {
    const answer = await admin.post(`${model}/metrics/query`, {
      bin_size: 'day',
      start: START,
      end: START + DAY,
      queries,
    });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body.error.message.startsWith(`${field}:`), answer.body.error.message).toBe(true);
  });

  it('answers 404 for a segment the model does not have and 400 for a rolling baseline of a statistic', async () => {
    const segment = await admin.post(`${model}/metrics/query`, {
      queries: [{ metric: 'traffic', segment: 'geography=France' }],
    });
    expect(segment.status, segment.text).toBe(404);
    expect(segment.body.error.message).toMatch(/segment 'geography=France' does not exist/);
    const baseline = await admin.get(`${model}/metrics?metric=median&column=age&baseline=previous:3`);
    expect(baseline.status).toBe(400);
    expect(baseline.body.error.message).toMatch(/applies to drift metrics/);
  });

  it('refuses 501 queries and an empty list with 400 naming queries', async () => {
    const many = Array.from({ length: 501 }, () => ({ metric: 'traffic' }));
    const tooMany = await admin.post(`${model}/metrics/query`, { queries: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/^queries: .*500/);
    const none = await admin.post(`${model}/metrics/query`, { queries: [] });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/^queries: /);
  });

  it('answers 500 queries in one request', async () => {
    const many = Array.from({ length: 500 }, (_, i) => ({
      metric: 'jsd',
      column: i % 2 ? 'age' : 'geography',
    }));
    const answer = await admin.post(`${model}/metrics/query`, {
      bin_size: 'day',
      start: START,
      end: START + 3 * DAY,
      queries: many,
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.series).toHaveLength(500);
    expect(answer.body.series[499]).toEqual(answer.body.series[1]);
  });

  it('answers 400 for a bad time and 404 for an unknown model', async () => {
    const badTime = await admin.post(`${model}/metrics/query`, {
      start: 'yesterday',
      queries: [{ metric: 'traffic' }],
    });
    expect(badTime.status).toBe(400);
    expect(badTime.body.error.message).toMatch(/^start/);
    const unknown = await admin.post('/v1/projects/bank/models/nope/metrics/query', {
      queries: [{ metric: 'traffic' }],
    });
    expect(unknown.status).toBe(404);
  });
});
