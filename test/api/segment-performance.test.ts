// Performance metrics of a segment over real HTTP, for a multiclass and a regression model: every metric of the
// model's task, in a defined segment and in each automatic one (`channel=<value>` and `channel=__OTHER__`), equals
// what scikit-learn computes on the rows the segment keeps (test/fixtures/segments/generate.py), after late
// labels and after updates that move events from one channel to another.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, clientFor, startTestService, type TestService } from '../support/local-service.js';

interface ExpectedPoint {
  start: number;
  metrics: Record<string, number | null>;
}

interface FixtureModel {
  model_id: string;
  dataset_id: string;
  baseline: Array<Record<string, unknown>>;
  model: Record<string, unknown> & { task: string };
  segment_by: string[];
  defined: { segment_id: string; name: string; filter: Record<string, unknown> };
  events: Array<Record<string, unknown>>;
  updates: Array<Record<string, unknown>>;
  series: Record<string, ExpectedPoint[]>;
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/segments/segments.json', import.meta.url), 'utf8'),
) as { start: number; days: number; models: FixtureModel[] };
const PROJECT = 'segperf';
const DAY = 24 * 3_600_000;

let service: TestService;
let admin: Client;
const modelPath = (model: FixtureModel) => `/v1/projects/${PROJECT}/models/${model.model_id}`;

async function expectStatus(answer: Promise<{ status: number; text: string }>, status: number) {
  const { status: got, text } = await answer;
  expect(got, text).toBe(status);
}

async function seed(model: FixtureModel): Promise<void> {
  await expectStatus(admin.put(`/v1/projects/${PROJECT}/datasets/${model.dataset_id}`, model.baseline), 201);
  await expectStatus(admin.put(modelPath(model), model.model), 201);
  await expectStatus(admin.put(`${modelPath(model)}/monitoring`, { segment_by: model.segment_by }), 200);
  const { segment_id, ...segment } = model.defined;
  await expectStatus(admin.put(`${modelPath(model)}/segments/${segment_id}`, segment), 201);
  await expectStatus(admin.post('/v1/monitor/run'), 200);
  const published = await admin.post(`${modelPath(model)}/events/batch`, model.events);
  expect(published.body.accepted, published.text).toBe(model.events.length);
  const updated = await admin.post(`${modelPath(model)}/events/batch?update_event=true`, model.updates);
  expect(updated.body.accepted, updated.text).toBe(model.updates.length);
}

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await expectStatus(admin.post('/v1/projects', { project_id: PROJECT }), 201);
  for (const model of fixture.models) await seed(model);
  await expectStatus(admin.post('/v1/monitor/run'), 200);
}, 120_000);

afterAll(() => service.destroy());

/** Every metric of the fixture's points, for each segment, in one metrics query per model. */
async function querySegments(model: FixtureModel) {
  const requests = Object.entries(model.series).flatMap(([segment, points]) =>
    Object.keys(points[0]?.metrics ?? {}).map((metric) => ({ metric, segment })),
  );
  const answer = await admin.post(`${modelPath(model)}/metrics/query`, {
    bin_size: 'day',
    start: fixture.start,
    end: fixture.start + fixture.days * DAY,
    queries: requests,
  });
  expect(answer.status, answer.text).toBe(200);
  return requests.map((request, i) => ({ ...request, series: answer.body.series[i] }));
}

const cases = fixture.models.flatMap((model) =>
  Object.keys(model.series).map((segment) => [model.model.task, segment, model] as const),
);

describe('performance of a segment', () => {
  it.each(cases)(
    'answers every %s metric of segment %s as scikit-learn computes it on the rows the segment keeps',
    async (_task, segment, model) => {
      const expected = model.series[segment] as ExpectedPoint[];
      const series = (await querySegments(model)).filter((entry) => entry.segment === segment);
      expect(series.map((entry) => entry.metric).sort()).toEqual(
        Object.keys(expected[0]?.metrics ?? {}).sort(),
      );
      for (const { metric, series: answered } of series) {
        const points = answered.points as Array<{ start: number; value: number | null; count: number }>;
        expect(points.map((point) => point.start)).toEqual(expected.map((point) => point.start));
        points.forEach((point, p) => {
          const want = (expected[p] as ExpectedPoint).metrics;
          expect(point.count, `${metric} count in bin ${p}`).toBe(want.data_count);
          const value = want[metric] as number | null;
          if (value === null) expect(point.value, `${metric} in bin ${p}`).toBeNull();
          else
            expect(
              Math.abs((point.value as number) - value),
              `${metric} in bin ${p}: ${point.value} vs ${value}`,
            ).toBeLessThanOrEqual(1e-9 * Math.abs(value) + 1e-12);
        });
      }
    },
  );

  it("splits each model's traffic into its channels, whose data counts add up to the model's", async () => {
    for (const model of fixture.models) {
      const answer = await admin.get(
        `${modelPath(model)}/metrics?metric=data_count&bin_size=day&start=${fixture.start}&end=${fixture.start + fixture.days * DAY}`,
      );
      const channels = Object.entries(model.series).filter(([segment]) => segment.startsWith('channel='));
      const summed = (answer.body.points as Array<{ value: number }>).map((_, p) =>
        channels.reduce(
          (sum, [, points]) => sum + ((points[p] as ExpectedPoint).metrics.data_count as number),
          0,
        ),
      );
      expect(answer.body.points.map((point: { value: number }) => point.value)).toEqual(summed);
    }
  });
});
