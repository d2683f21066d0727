// Contract section 7: every model as wide as the API accepts (2,000 columns, 500 classes, 100,000 categories in a
// column) is stored, folded and queried, against dynalite and its real 400 KB item limit; wider ones are a 400
// naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaselineProfiler, MAX_INFERRED_CARDINALITY } from '../../shared/baselines/infer.js';
import { type Client, clientFor, startTestService, type TestService } from '../support/local-service.js';

let service: TestService;
let admin: Client;
const HOUR = Date.UTC(2026, 3, 14, 10);
const project = '/v1/projects/wide';

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  expect((await admin.post('/v1/projects', { project_id: 'wide' })).status).toBe(201);
});

afterAll(() => service.destroy());

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const csv = (header: string[], rows: unknown[][]) =>
  [header.join(','), ...rows.map((row) => row.join(','))].join('\n');

interface WideCase {
  name: string;
  baseline: string;
  cardinality?: number;
  model: Record<string, unknown>;
  events: Array<Record<string, unknown>>;
  driftColumn: string;
  /** A performance metric and its expected value, where the case can tell. */
  performance?: { metric: string; value: number };
}

async function uploadAndRegister(id: string, wide: WideCase): Promise<void> {
  const query = wide.cardinality ? `?max_inferred_cardinality=${wide.cardinality}` : '';
  const dataset = await admin.put(`${project}/datasets/${id}${query}`, wide.baseline, 'text/csv');
  expect(dataset.status, dataset.text.slice(0, 300)).toBe(201);
  const model = await admin.put(`${project}/models/${id}`, { dataset_id: id, ...wide.model });
  expect(model.status, model.text.slice(0, 300)).toBe(201);
}

async function metric(id: string, name: string, column?: string) {
  const columnQuery = column ? `&column=${column}` : '';
  const answer = await admin.get(
    `${project}/models/${id}/metrics?metric=${name}${columnQuery}&bin_size=hour&start=${HOUR}&end=${HOUR + 3_600_000}`,
  );
  expect(answer.status, answer.text.slice(0, 300)).toBe(200);
  return answer.body.points[0] as { value: number | null; count: number };
}

const numericColumns = range(1998).map((i) => `f${i}`);
const classes = range(500);
const categoryColumns = range(200).map((i) => `c${i}`);

const cases: WideCase[] = [
  {
    name: '2,000 numeric columns (binary, decile bins)',
    baseline: csv(
      [...numericColumns, 'score', 'label'],
      range(12).map((row) => [
        ...numericColumns.map((_, i) => (row * 37 + i) % 100),
        row / 12,
        row % 2 === 0,
      ]),
    ),
    model: { task: 'binary_classification', inputs: numericColumns, outputs: ['score'], targets: ['label'] },
    events: range(6).map((e) => ({
      ...Object.fromEntries(numericColumns.map((name, i) => [name, (e * 53 + i) % 100])),
      score: e % 2 === 0 ? 0.9 : 0.1,
      label: e % 2 === 0,
    })),
    driftColumn: 'f1000',
    performance: { metric: 'accuracy', value: 1 },
  },
  {
    name: '500 classes (multiclass)',
    baseline: csv(
      ['x', ...classes.map((c) => `p${c}`), 'label'],
      range(10).map((row) => [row, ...classes.map((c) => ((row + c) % 10) / 10), row]),
    ),
    model: {
      task: 'multiclass_classification',
      inputs: ['x'],
      outputs: classes.map((c) => `p${c}`),
      targets: ['label'],
      target_class_order: classes,
    },
    // Each event puts its highest probability on its own label: accuracy 1.
    events: range(5).map((e) => ({
      x: e,
      ...Object.fromEntries(classes.map((c) => [`p${c}`, c === e * 97 ? 0.9 : 0.0002])),
      label: e * 97,
    })),
    driftColumn: 'p97',
    performance: { metric: 'accuracy', value: 1 },
  },
  {
    name: 'one column of 100,000 categories',
    baseline: csv(
      ['city', 'score', 'label'],
      range(100_000).map((row) => [`k${row}`, (row % 10) / 10, row % 2]),
    ),
    cardinality: 100_000,
    model: { task: 'binary_classification', inputs: ['city'], outputs: ['score'], targets: ['label'] },
    events: range(5).map((e) => ({ city: `k${e * 19_999}`, score: 0.8, label: 1 })),
    driftColumn: 'city',
  },
  {
    name: '200 columns of 100 categories',
    baseline: csv(
      [...categoryColumns, 'score', 'label'],
      range(100).map((row) => [...categoryColumns.map((_, i) => `value-${(row + i) % 100}`), 0.5, row % 2]),
    ),
    model: { task: 'binary_classification', inputs: categoryColumns, outputs: ['score'], targets: ['label'] },
    events: range(5).map((e) => ({
      ...Object.fromEntries(categoryColumns.map((name, i) => [name, `value-${(e * 7 + i) % 100}`])),
      score: 0.2,
      label: 0,
    })),
    driftColumn: 'c150',
  },
];

describe('models at the widths the API accepts', () => {
  it.each(cases.map((wide, index) => [wide.name, index] as const))(
    'stores, folds and queries a model with %s',
    async (_name, index) => {
      const wide = cases[index] as WideCase;
      const id = `wide-${index}`;
      await uploadAndRegister(id, wide);
      const rows = wide.events.map((event, i) =>
        JSON.stringify({ event_id: `${id}-${i}`, event_timestamp: HOUR + i * 1000, ...event }),
      );

      const batch = await admin.post(
        `${project}/models/${id}/events/batch`,
        rows.join('\n'),
        'application/x-ndjson',
      );
      const run = await admin.post('/v1/monitor/run');

      expect(batch.body).toMatchObject({ accepted: wide.events.length, rejected: 0 });
      expect(run.status, run.text.slice(0, 500)).toBe(200);
      expect(run.body.failed ?? []).toEqual([]);
      expect(await metric(id, 'traffic')).toMatchObject({ value: wide.events.length });
      const drift = await metric(id, 'jsd', wide.driftColumn);
      expect(drift.count).toBe(wide.events.length);
      expect(drift.value).toBeGreaterThan(0);
      expect(drift.value).toBeLessThanOrEqual(1);
      if (wide.performance) {
        expect((await metric(id, wide.performance.metric)).value).toBeCloseTo(wide.performance.value, 12);
      }
      expect((await admin.get(`${project}/models/${id}`)).status).toBe(200);
    },
  );

  it('keeps 100 drift edges on each of 2,000 columns and rebuilds the profiles with them', async () => {
    const edges = range(100).map((i) => i - 0.5);
    const bins = Object.fromEntries(numericColumns.map((name) => [name, { edges }]));

    const set = await admin.put(`${project}/models/wide-0/monitoring`, { bins });
    const run = await admin.post('/v1/monitor/run');

    expect(set.status, set.text.slice(0, 300)).toBe(200);
    expect(run.status, run.text.slice(0, 500)).toBe(200);
    expect(run.body.failed ?? []).toEqual([]);
    const model = await admin.get(`${project}/models/wide-0`);
    expect(model.body.monitoring.bins.f1997).toEqual({ edges });
    const drift = await metric('wide-0', 'jsd', 'f1000');
    expect(drift.count).toBe(6);
    expect(drift.value).toBeGreaterThan(0);
  });
});

describe('wider than the API accepts', () => {
  it('refuses a baseline of 2,001 columns, naming the columns', async () => {
    const names = range(2001).map((i) => `g${i}`);

    const answer = await admin.put(
      `${project}/datasets/too-wide`,
      csv(names, [names.map(() => 1)]),
      'text/csv',
    );

    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^columns: .*2000/);
  });

  it('refuses a column name longer than 256 characters, naming the columns', async () => {
    const answer = await admin.put(
      `${project}/datasets/long-name`,
      csv(['a', 'n'.repeat(257)], [[1, 2]]),
      'text/csv',
    );

    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^columns: .*256/);
  });

  it('refuses a max_inferred_cardinality over 100,000, naming it', async () => {
    const answer = await admin.put(
      `${project}/datasets/card?max_inferred_cardinality=100001`,
      'a\nx',
      'text/csv',
    );

    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/max_inferred_cardinality/);
  });

  it('infers a column of more than 100,000 distinct strings as str', () => {
    const profiler = new BaselineProfiler(MAX_INFERRED_CARDINALITY);
    for (let row = 0; row <= MAX_INFERRED_CARDINALITY; row++) profiler.absorb({ city: `k${row}` });

    const { profile } = profiler.finish('cities');

    expect(profile.columns[0]).toMatchObject({ name: 'city', data_type: 'str', categories: null });
  });

  it('refuses a multiclass model of 501 classes given in target_class_order, naming it', async () => {
    const many = range(501);
    const dataset = await admin.put(
      `${project}/datasets/classes-501`,
      csv(['x', ...many.map((c) => `p${c}`), 'label'], [[1, ...many.map(() => 0.1), 0]]),
      'text/csv',
    );
    expect(dataset.status).toBe(201);

    const answer = await admin.put(`${project}/models/classes-501`, {
      dataset_id: 'classes-501',
      task: 'multiclass_classification',
      inputs: ['x'],
      outputs: many.map((c) => `p${c}`),
      targets: ['label'],
      target_class_order: many,
    });

    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^target_class_order/);
  });

  it('refuses a multiclass model whose target has 501 categories, naming target_class_order', async () => {
    const dataset = await admin.put(
      `${project}/datasets/labels-501?max_inferred_cardinality=1000`,
      csv(
        ['x', 'p0', 'p1', 'label'],
        range(501).map((row) => [row, 0.5, 0.5, `class-${row}`]),
      ),
      'text/csv',
    );
    expect(dataset.status).toBe(201);

    const answer = await admin.put(`${project}/models/labels-501`, {
      dataset_id: 'labels-501',
      task: 'multiclass_classification',
      inputs: ['x'],
      outputs: ['p0', 'p1'],
      targets: ['label'],
    });

    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^target_class_order.*at most 500 classes/);
  });

  it('refuses a model naming a column longer than 256 characters, naming the field', async () => {
    const answer = await admin.put(`${project}/models/long-input`, {
      dataset_id: 'wide-0',
      task: 'binary_classification',
      inputs: ['n'.repeat(257)],
      outputs: ['score'],
    });

    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^inputs\.0/);
  });
});
