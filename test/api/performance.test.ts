// GET .../performance over real HTTP: confusion matrices and calibration buckets per time bin, equal to what
// scikit-learn and numpy compute from the same events (test/fixtures/performance/generate.py), after late labels,
// in hour, day and week bins and in a segment; and the answers to input it cannot serve.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, clientFor, startTestService, type TestService } from '../support/local-service.js';

interface ExpectedBucket {
  lower: number;
  upper: number;
  count: number;
  mean_predicted: number | null;
  mean_label: number | null;
}

interface ExpectedPoint {
  start: number;
  data_count: number;
  confusion: number[][];
  tp?: number;
  fp?: number;
  tn?: number;
  fn?: number;
  calibration?: ExpectedBucket[];
}

interface FixtureQuery {
  bin_size: string;
  start: number;
  end: number;
  segment: string | null;
  points: ExpectedPoint[];
}

interface FixtureModel {
  model_id: string;
  dataset_id: string;
  baseline: Array<Record<string, unknown>>;
  model: Record<string, unknown>;
  segment_by: string[];
  classes: Array<string | boolean>;
  threshold: number | null;
  events: Array<Record<string, unknown>>;
  labels: Array<Record<string, unknown>>;
  queries: FixtureQuery[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/performance/performance.json', import.meta.url), 'utf8'),
) as { start: number; models: FixtureModel[] };
const [binary, multiclass] = fixture.models as [FixtureModel, FixtureModel];
const PROJECT = 'perf';
const DAY = 24 * 3_600_000;

let service: TestService;
let admin: Client;
const modelPath = (modelId: string) => `/v1/projects/${PROJECT}/models/${modelId}`;

async function expectStatus(answer: Promise<{ status: number; text: string }>, status: number) {
  const { status: got, text } = await answer;
  expect(got, text).toBe(status);
}

async function seed(model: FixtureModel): Promise<void> {
  await expectStatus(admin.put(`/v1/projects/${PROJECT}/datasets/${model.dataset_id}`, model.baseline), 201);
  await expectStatus(admin.put(modelPath(model.model_id), model.model), 201);
  if (model.segment_by.length > 0) {
    await expectStatus(
      admin.put(`${modelPath(model.model_id)}/monitoring`, { segment_by: model.segment_by }),
      200,
    );
    await expectStatus(admin.post('/v1/monitor/run'), 200);
  }
  const published = await admin.post(`${modelPath(model.model_id)}/events/batch`, model.events);
  expect(published.body.accepted, published.text).toBe(model.events.length);
  if (model.labels.length > 0) {
    const labelled = await admin.post(
      `${modelPath(model.model_id)}/events/batch?update_event=true`,
      model.labels,
    );
    expect(labelled.body.accepted, labelled.text).toBe(model.labels.length);
  }
}

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await expectStatus(admin.post('/v1/projects', { project_id: PROJECT }), 201);
  for (const model of fixture.models) await seed(model);
  await expectStatus(
    admin.put(`/v1/projects/${PROJECT}/models/prices`, {
      dataset_id: multiclass.dataset_id,
      task: 'regression',
      inputs: ['x'],
      outputs: ['p_cat'],
      targets: ['p_dog'],
    }),
    201,
  );
  await expectStatus(admin.post('/v1/monitor/run'), 200);
}, 60_000);

afterAll(() => service.destroy());

const queryString = (query: Pick<FixtureQuery, 'bin_size' | 'start' | 'end' | 'segment'>) =>
  `bin_size=${query.bin_size}&start=${query.start}&end=${query.end}` +
  (query.segment ? `&segment=${encodeURIComponent(query.segment)}` : '');

const caseName = (model: FixtureModel, query: FixtureQuery) =>
  `${model.model.task} in ${query.bin_size} bins${query.segment ? ` of segment ${query.segment}` : ''}`;

const cases = fixture.models.flatMap((model) =>
  model.queries.map((query) => [caseName(model, query), model, query] as const),
);

describe('GET .../performance', () => {
  it.each(cases)('answers the counts scikit-learn finds for %s', async (_name, model, query) => {
    const answer = await admin.get(`${modelPath(model.model_id)}/performance?${queryString(query)}`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({
      task: model.model.task,
      bin_size: query.bin_size,
      segment: query.segment,
      classes: model.classes,
      threshold: model.threshold,
    });
    const points = answer.body.points as ExpectedPoint[];
    expect(points.map(({ calibration: _c, ...counts }) => counts)).toEqual(
      query.points.map(({ calibration: _c, ...counts }) => counts),
    );
  });

  it.each(cases.filter(([, model]) => model === binary))(
    'answers the calibration buckets numpy finds for %s',
    async (_name, model, query) => {
      const answer = await admin.get(`${modelPath(model.model_id)}/performance?${queryString(query)}`);
      const points = answer.body.points as ExpectedPoint[];
      query.points.forEach((expected, p) => {
        const buckets = points[p]?.calibration ?? [];
        expect(buckets).toHaveLength(10);
        expected.calibration?.forEach((bucket, b) => {
          const got = buckets[b] as ExpectedBucket;
          expect({ lower: got.lower, upper: got.upper, count: got.count }).toEqual({
            lower: bucket.lower,
            upper: bucket.upper,
            count: bucket.count,
          });
          for (const field of ['mean_predicted', 'mean_label'] as const) {
            if (bucket[field] === null) expect(got[field]).toBeNull();
            else expect(got[field]).toBeCloseTo(bucket[field] as number, 12);
          }
        });
      });
    },
  );

  it('adds up to the data_count the metrics route answers, bin by bin', async () => {
    const query = binary.queries[0] as FixtureQuery;
    const [details, series] = await Promise.all([
      admin.get(`${modelPath(binary.model_id)}/performance?${queryString(query)}`),
      admin.get(`${modelPath(binary.model_id)}/metrics?metric=data_count&${queryString(query)}`),
    ]);
    const counts = (details.body.points as ExpectedPoint[]).map(
      (p) => (p.tp ?? 0) + (p.fp ?? 0) + (p.tn ?? 0) + (p.fn ?? 0),
    );
    expect(counts).toEqual((series.body.points as Array<{ value: number }>).map((p) => p.value));
  });

  it('answers 400 not_classification for a regression model', async () => {
    const answer = await admin.get(
      `${modelPath('prices')}/performance?bin_size=day&start=${fixture.start}&end=${fixture.start + DAY}`,
    );
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body.error.code).toBe('not_classification');
    expect(answer.body.error.message).toMatch(/prices is a regression model/);
  });

  it.each([
    ['an unknown bin size', 'bin_size=minute', /^bin_size/],
    ['a start that is not a time', 'start=yesterday', /^start/],
    ['an end that is not a time', 'end=2026-02-30T00:00:00Z', /^end/],
    [
      'an end before the start',
      `start=${fixture.start}&end=${fixture.start - DAY}`,
      /end must be after start/,
    ],
    ['an empty segment', `segment=&start=${fixture.start}&end=${fixture.start + DAY}`, /^segment/],
  ])('answers 400 naming the field for %s', async (_what, query, message) => {
    const answer = await admin.get(`${modelPath(binary.model_id)}/performance?${query}`);
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body.error.message).toMatch(message);
  });

  it('answers 404 for a segment or a model that does not exist', async () => {
    const range = `bin_size=day&start=${fixture.start}&end=${fixture.start + DAY}`;
    const segment = await admin.get(
      `${modelPath(binary.model_id)}/performance?${range}&segment=model_version=v9`,
    );
    expect(segment.status, segment.text).toBe(404);
    const model = await admin.get(`${modelPath('nothing')}/performance?${range}`);
    expect(model.status, model.text).toBe(404);
  });

  it('answers 401 without a token and 403 to a token of another project', async () => {
    const path = `${modelPath(multiclass.model_id)}/performance?bin_size=day`;
    expect((await clientFor(service.url).get(path)).status).toBe(401);
    await expectStatus(admin.post('/v1/projects', { project_id: 'elsewhere' }), 201);
    const token = await admin.post('/v1/tokens', { name: 'elsewhere', projects: ['elsewhere'] });
    expect((await clientFor(service.url, token.body.token).get(path)).status).toBe(403);
  });
});
