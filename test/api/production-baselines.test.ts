// `ks_statistic` and `wasserstein` against production baselines over real HTTP (contract section 10): a window of
// hours and the n hours before each hour, for a float column far from 0 and an int column of ties and negative
// values, whole and in a segment, with a bin of 1 event among the hours. Expected: scipy over the raw rows of the
// baseline and of each hour (test/fixtures/metrics/generate_baselines.py, `service`).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RAW_LIMIT } from '../../shared/metrics/numeric/column-stats.js';
import { type Client, clientFor, startTestService, type TestService } from '../support/local-service.js';

interface ExpectedPoint {
  start: number;
  ks: number | null;
  wasserstein: number | null;
  baseline_count: number;
  count: number;
}

interface Service {
  start: number;
  hours: number;
  baseline: Array<Record<string, unknown>>;
  model: Record<string, unknown>;
  segment_by: string[];
  events: Array<Record<string, unknown>>;
  queries: Array<{ column: string; baseline: string; segment: string | null; points: ExpectedPoint[] }>;
}

const fixture = (
  JSON.parse(readFileSync(new URL('../fixtures/metrics/baselines.json', import.meta.url), 'utf8')) as {
    service: Service;
  }
).service;
const HOUR = 3_600_000;
const model = '/v1/projects/plant/models/sensors';

let service: TestService;
let admin: Client;

async function expectStatus(answer: Promise<{ status: number; text: string }>, status: number) {
  const { status: got, text } = await answer;
  expect(got, text).toBe(status);
}

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await expectStatus(admin.post('/v1/projects', { project_id: 'plant' }), 201);
  await expectStatus(admin.put('/v1/projects/plant/datasets/sensors_base', fixture.baseline), 201);
  await expectStatus(admin.put(model, fixture.model), 201);
  await expectStatus(admin.put(`${model}/monitoring`, { segment_by: fixture.segment_by }), 200);
  await expectStatus(admin.post('/v1/monitor/run'), 200);
  const published = await admin.post(`${model}/events/batch`, fixture.events);
  expect(published.body.accepted, published.text).toBe(fixture.events.length);
  await expectStatus(admin.post('/v1/monitor/run'), 200);
}, 120_000);

afterAll(() => service.destroy());

/** Exact when both sides keep their raw values; else the bounds of docs/metrics.md. */
function bound(id: 'ks_statistic' | 'wasserstein', expected: ExpectedPoint, value: number): number {
  if (expected.count <= RAW_LIMIT && expected.baseline_count <= RAW_LIMIT) return 1e-9 * Math.max(1, value);
  return id === 'ks_statistic' ? 0.01 : Math.max(0.02 * value, 0.001);
}

const cases = fixture.queries.flatMap((query) =>
  (['ks_statistic', 'wasserstein'] as const).map(
    (id) => [id, query.column, query.baseline.split(':')[0], query.segment ?? 'none', query] as const,
  ),
);

describe('drift of values against production baselines', () => {
  it.each(cases)(
    'answers %s of %s against a %s baseline (segment %s) as scipy computes it on the rows',
    async (id, column, _kind, _segment, query) => {
      const range = `bin_size=hour&start=${fixture.start}&end=${fixture.start + fixture.hours * HOUR}`;
      const segment = query.segment ? `&segment=${encodeURIComponent(query.segment)}` : '';
      const answer = await admin.get(
        `${model}/metrics?metric=${id}&column=${column}&${range}&baseline=${encodeURIComponent(query.baseline)}${segment}`,
      );
      expect(answer.status, answer.text).toBe(200);
      const points = answer.body.points as Array<{ start: number; value: number | null; count: number }>;
      expect(points.map((point) => point.start)).toEqual(query.points.map((point) => point.start));
      query.points.forEach((expected, hour) => {
        const point = points[hour] as { value: number | null; count: number };
        const want = id === 'ks_statistic' ? expected.ks : expected.wasserstein;
        expect(point.count, `count in hour ${hour}`).toBe(expected.count);
        if (want === null) expect(point.value, `hour ${hour}`).toBeNull();
        else
          expect(
            Math.abs((point.value as number) - want),
            `hour ${hour}: ${point.value} vs ${want}`,
          ).toBeLessThanOrEqual(bound(id, expected, want));
      });
    },
  );

  it('answers the same points in a metrics query as on the metrics route', async () => {
    const query = fixture.queries.find((q) => q.baseline === 'previous:2') as Service['queries'][number];
    const body = {
      bin_size: 'hour',
      start: fixture.start,
      end: fixture.start + fixture.hours * HOUR,
      queries: [{ metric: 'wasserstein', column: query.column, baseline: query.baseline }],
    };
    const [many, one] = await Promise.all([
      admin.post(`${model}/metrics/query`, body),
      admin.get(
        `${model}/metrics?metric=wasserstein&column=${query.column}&bin_size=hour&start=${body.start}&end=${body.end}&baseline=previous:2`,
      ),
    ]);
    expect(many.status, many.text).toBe(200);
    expect(many.body.series[0]).toEqual(one.body);
  });
});
