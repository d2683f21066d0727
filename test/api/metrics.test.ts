// Contract section 5 end to end: baselines and events published over HTTP, folded by POST /v1/monitor/run,
// and every metric read back through GET .../metrics compared with the numpy/scipy fixtures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetProfile } from '../../shared/schema/types.js';
import { expectClose, type FixtureCase, loadFixture } from '../metrics/fixtures.js';
import { type Client, clientFor, startTestService, type TestService } from '../support/local-service.js';

let service: TestService;
let admin: Client;
const DAY = Date.UTC(2026, 2, 10);
const HOUR = 3_600_000;

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  expect((await admin.post('/v1/projects', { project_id: 'fixtures' })).status).toBe(201);
});

afterAll(() => service.destroy());

/** Baseline rows whose inferred profile is the fixture's: its values, padded with nulls. */
function baselineRows(fixture: FixtureCase, filler: string | null): Array<Record<string, unknown>> {
  const profile: DatasetProfile = fixture.dataset_profile;
  const columns = new Map<string, unknown[]>();
  for (const column of profile.columns) {
    let values: unknown[];
    if (column.data_type === 'int' || column.data_type === 'float')
      values = fixture.baseline_values[column.name] ?? [];
    else if (column.data_type === 'category') {
      values = (column.categories ?? []).flatMap((category, i) =>
        Array(column.category_counts?.[i] ?? 0).fill(category),
      );
    } else if (column.data_type === 'bool') {
      const [no, yes] = column.bool_counts ?? [0, 0];
      values = [...Array(no).fill(false), ...Array(yes).fill(true)];
    } else values = Array.from({ length: column.value_count }, (_, i) => `text-${i}`);
    columns.set(column.name, values);
  }
  return Array.from({ length: profile.row_count }, (_, row) => {
    const record: Record<string, unknown> = filler ? { [filler]: 1 } : {};
    for (const [name, values] of columns) record[name] = values[row] ?? null;
    return record;
  });
}

/** Registers the fixture's model over HTTP; models without inputs get a constant one (it changes no metric). */
async function register(fixture: FixtureCase, modelId: string, withBins = true): Promise<string | null> {
  const filler = fixture.model.inputs.length === 0 ? 'constant_input' : null;
  const rows = baselineRows(fixture, filler);
  const dataset = await admin.put(
    `/v1/projects/fixtures/datasets/${modelId}?max_inferred_cardinality=100`,
    rows.map((r) => JSON.stringify(r)).join('\n'),
    'application/x-ndjson',
  );
  expect(dataset.status, dataset.text).toBe(201);
  for (const column of fixture.dataset_profile.columns) {
    const inferred = dataset.body.columns.find((c: { name: string }) => c.name === column.name);
    expect(inferred, column.name).toMatchObject({
      data_type: column.data_type,
      min: column.min,
      max: column.max,
      categories: column.categories,
    });
  }
  const { project_id: _p, model_id: _m, created_at: _c, dataset_id: _d, ...info } = fixture.model;
  const model = await admin.put(`/v1/projects/fixtures/models/${modelId}`, {
    ...info,
    dataset_id: modelId,
    inputs: filler ? [filler] : info.inputs,
  });
  expect(model.status, model.text).toBe(201);
  if (withBins) await setBins(fixture, modelId);
  return filler;
}

async function setBins(fixture: FixtureCase, modelId: string): Promise<void> {
  if (!fixture.config?.bins) return;
  const bins = Object.fromEntries(
    Object.entries(fixture.config.bins).map(([column, { edges }]) => [
      column,
      { edges: [...new Set(edges)].sort((a, b) => a - b) },
    ]),
  );
  const answer = await admin.put(`/v1/projects/fixtures/models/${modelId}/monitoring`, { bins });
  expect(answer.status).toBe(200);
}

/** Publishes the events spread over three hours of one day, so a day answer is a merge of hour profiles. */
async function publish(
  fixture: FixtureCase,
  modelId: string,
  filler: string | null,
  events = fixture.events,
): Promise<void> {
  const lines = events.map((event, i) =>
    JSON.stringify({
      ...event,
      ...(filler ? { [filler]: 1 } : {}),
      event_id: `e${i}`,
      event_timestamp: DAY + (i % 3) * HOUR,
    }),
  );
  const answer = await admin.post(
    `/v1/projects/fixtures/models/${modelId}/events/batch`,
    lines.join('\n'),
    'application/x-ndjson',
  );
  expect(answer.body.rejected, answer.text).toBe(0);
}

async function expectMetrics(fixture: FixtureCase, modelId: string): Promise<void> {
  for (const expected of fixture.expected.metrics) {
    const column = expected.column ? `&column=${encodeURIComponent(expected.column)}` : '';
    const answer = await admin.get(
      `/v1/projects/fixtures/models/${modelId}/metrics?metric=${expected.metric}${column}&bin_size=day&start=${DAY}&end=${DAY + 24 * HOUR}`,
    );
    expect(answer.status, `${expected.metric} ${answer.text}`).toBe(200);
    const [point] = answer.body.points;
    expect(answer.body.points).toHaveLength(1);
    expect(point.count, `${expected.metric} ${expected.column} count`).toBe(expected.count);
    // AUC comes from score histograms: within 0.005 of exact, as the contract allows.
    expectClose(point.value, expected.value, expected.metric === 'auc' ? 0.01 : 1e-9);
  }
}

const families = ['drift', 'integrity', 'binary', 'multiclass', 'regression'] as const;
const cases = families.flatMap((family) =>
  loadFixture(family).map((fixture, index) => ({ family, fixture, modelId: `${family}-${index}` })),
);

describe('metrics through HTTP match the numpy/scipy fixtures', () => {
  it.each(cases.map((c) => [`${c.family}: ${c.fixture.name}`, c] as const))(
    '%s',
    async (_name, { fixture, modelId }) => {
      const filler = await register(fixture, modelId);
      const target = fixture.model.targets[0];
      if (fixture.updates && target) {
        // Publish the predictions with their first labels, fold, then let late labels change them.
        await publish(fixture, modelId, filler);
        await admin.post('/v1/monitor/run');
        const updates = fixture.updates.map((u) =>
          JSON.stringify({ event_id: `e${u.index}`, [target]: u.label }),
        );
        const updated = await admin.post(
          `/v1/projects/fixtures/models/${modelId}/events/batch?update_event=true`,
          updates.join('\n'),
          'application/x-ndjson',
        );
        expect(updated.body.rejected, updated.text).toBe(0);
        // The last update of an event is the label it keeps: the stored event must say so.
        const last = fixture.updates.at(-1);
        if (last) {
          const stored = await admin.get(`/v1/projects/fixtures/models/${modelId}/events/e${last.index}`);
          expect(stored.body.event[target]).toEqual(last.label);
        }
      } else {
        await publish(fixture, modelId, filler);
      }
      expect((await admin.post('/v1/monitor/run')).status).toBe(200);
      await expectMetrics(fixture, modelId);
    },
  );
});

describe('new drift bins', () => {
  it.each(cases.filter((c) => c.fixture.config?.bins).map((c) => [c.fixture.name, c] as const))(
    'rebuild the profiles of events already folded: %s',
    async (_name, { fixture, modelId }) => {
      const id = `${modelId}-later`;
      const filler = await register(fixture, id, false);
      await publish(fixture, id, filler);
      await admin.post('/v1/monitor/run');
      await setBins(fixture, id);
      const run = await admin.post('/v1/monitor/run');
      expect(run.body.hours_rebuilt).toBe(3);
      await expectMetrics(fixture, id);
    },
  );
});

describe('bins and ranges', () => {
  it('answers each point for its whole bin, even when end falls inside the last bin', async () => {
    const fixture = loadFixture('drift')[1] as FixtureCase;
    const filler = await register(fixture, 'whole-bins');
    await publish(fixture, 'whole-bins', filler);
    await admin.post('/v1/monitor/run');
    const answer = await admin.get(
      `/v1/projects/fixtures/models/whole-bins/metrics?metric=traffic&bin_size=day&start=${DAY}&end=${DAY + 1}`,
    );
    expect(answer.body.points).toEqual([
      { start: DAY, value: fixture.events.length, count: fixture.events.length },
    ]);
  });
});
