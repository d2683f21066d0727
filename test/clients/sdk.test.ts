// The TypeScript SDK against a real local service: every route, retries, exactly-once publishing,
// the buffered publisher and paginated lists.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Modelwatch, ModelwatchError } from '../../sdk/src/index.js';
import {
  CHURN_BASELINE_CSV,
  CHURN_MODEL,
  type Client,
  clientFor,
  startTestService,
  type TestService,
} from '../support/local-service.js';
import {
  failingFetch,
  HOUR_MS,
  losingFirstAnswer,
  PAST_HOUR,
  prediction,
  trafficBetween,
} from './support.js';

let service: TestService;
let admin: Client;
let client: Modelwatch;
const clientWith = (options: Partial<ConstructorParameters<typeof Modelwatch>[0]> = {}) =>
  new Modelwatch({ url: service.url, token: service.adminToken, retryBaseMs: 1, ...options });

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  client = clientWith();
  await client.createProject('bank');
  await client.uploadDataset('bank', 'baseline', CHURN_BASELINE_CSV);
  await client.registerModel('bank', 'churn', CHURN_MODEL as Parameters<Modelwatch['registerModel']>[2]);
});

afterAll(() => service.destroy());

const collect = async <T>(items: AsyncIterable<T>) => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

describe('projects and tokens', () => {
  it('iterates over every project across pages of the given limit', async () => {
    for (const id of ['page_a', 'page_b', 'page_c', 'page_d', 'page_e']) await client.createProject(id);
    const { fetch: counting, calls } = failingFetch(0);
    const ids = (await collect(clientWith({ fetch: counting }).listProjects({ limit: 2 }))).map(
      (p) => p.project_id,
    );
    expect(ids).toEqual(expect.arrayContaining(['bank', 'page_a', 'page_b', 'page_c', 'page_d', 'page_e']));
    expect(new Set(ids).size).toBe(ids.length);
    // A full last page may still carry a next_token, answered by an empty page.
    expect(calls.length).toBeGreaterThanOrEqual(Math.ceil(ids.length / 2));
    expect(calls.length).toBeLessThanOrEqual(Math.ceil(ids.length / 2) + 1);
  });

  it('creates a scoped token that sees its project only, until it is revoked', async () => {
    const created = await client.createToken('ci', ['bank']);
    const scoped = clientWith({ token: created.token });
    expect((await collect(scoped.listProjects())).map((p) => p.project_id)).toEqual(['bank']);
    await client.revokeToken(created.token_id);
    await expect(scoped.listProjectsPage()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('throws ModelwatchError with the status, code and message of the error body', async () => {
    const error = await client.createProject('bank').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelwatchError);
    expect(error).toMatchObject({ status: 409, code: 'already_exists', replayed: false });
    expect((error as Error).message).toContain('bank');
  });
});

describe('datasets and models', () => {
  it('answers the inferred schema of an uploaded baseline, and reads it back', async () => {
    const info = await client.getDataset('bank', 'baseline');
    expect(info.row_count).toBe(6);
    expect(info.columns.find((c) => c.name === 'geography')).toMatchObject({
      data_type: 'category',
      categories: ['France', 'Germany', 'Spain'],
    });
  });

  it('uploads a baseline over the size limit through a presigned upload', async () => {
    const rows = [
      { score: 1, label: 'a' },
      { score: 2.5, label: 'b' },
    ];
    const info = await client.uploadDataset('bank', 'big', rows, { largeUploadBytes: 10 });
    expect(info).toMatchObject({ dataset_id: 'big', row_count: 2 });
    expect(info.columns.map((c) => [c.name, c.data_type])).toEqual([
      ['score', 'float'],
      ['label', 'category'],
    ]);
  });

  it('registers a model, reads it back and sets its drift bins', async () => {
    const model = await client.getModel('bank', 'churn');
    expect(model).toMatchObject({ task: 'binary_classification', outputs: ['probability_churned'] });
    const updated = await client.setMonitoring('bank', 'churn', { bins: { age: { edges: [30, 50] } } });
    expect(updated.monitoring.bins).toEqual({ age: { edges: [30, 50] } });
  });
});

describe('publishing events', () => {
  it('publishes an event under a client-generated id, updates its target and reads it back', async () => {
    const { event_id } = await client.publishEvent('bank', 'churn', prediction(), {
      eventTimestamp: PAST_HOUR,
    });
    expect(event_id).toMatch(/^[0-9a-f-]{36}$/);
    await client.updateEvent('bank', 'churn', event_id, { churned: true });
    const stored = await client.getEvent('bank', 'churn', event_id);
    expect(stored).toEqual({
      event_id,
      event_timestamp: PAST_HOUR,
      event: { ...prediction(), churned: true },
    });
  });

  it('publishes rows in chunks and reports rejected rows by their index in the whole batch', async () => {
    const rows = [
      prediction(),
      prediction(),
      prediction({ event_timestamp: 'soon' }),
      prediction(),
      prediction(),
    ];
    const chunks: number[] = [];
    const result = await client.publishBatch('bank', 'churn', rows, {
      chunkRows: 2,
      onChunk: (chunk) => chunks.push(chunk.rows),
    });
    expect(result).toMatchObject({ rows: 5, accepted: 4, rejected: 1 });
    expect(result.errors).toEqual([expect.objectContaining({ row: 2, code: 'invalid_timestamp' })]);
    expect(chunks).toEqual([2, 2, 1]);
  });

  it('publishes CSV text and streamed NDJSON, giving ids to rows without one', async () => {
    const csv = [
      'event_id,age,balance,geography,tenure,probability_churned',
      'csv-1,41,10,Spain,2,0.3',
      ',42,11,Spain,2,0.4',
    ];
    const fromCsv = await client.publishBatch('bank', 'churn', csv.join('\n'));
    expect(fromCsv).toMatchObject({ rows: 2, accepted: 2, rejected: 0 });
    expect((await client.getEvent('bank', 'churn', 'csv-1')).event.age).toBe(41);
    const lines = [JSON.stringify(prediction({ event_id: 'nd-1' })), '{broken', JSON.stringify(prediction())];
    const stream = new Blob([lines.join('\n')]).stream();
    const fromNdjson = await client.publishBatch('bank', 'churn', stream, { chunkRows: 1 });
    expect(fromNdjson).toMatchObject({ rows: 3, accepted: 2, rejected: 1 });
    expect(fromNdjson.errors).toEqual([expect.objectContaining({ row: 1, code: 'invalid_row' })]);
  });
});

describe('retries', () => {
  it('retries a 503 with backoff until the service answers', async () => {
    const { fetch: flaky, calls } = failingFetch(2);
    const project = await clientWith({ fetch: flaky }).createProject('retried');
    expect(project.project_id).toBe('retried');
    expect(calls).toHaveLength(3);
  });

  it('retries a network error', async () => {
    let failures = 0;
    const broken: typeof fetch = async (input, init) => {
      if (failures++ < 2) throw new TypeError('fetch failed');
      return fetch(input, init);
    };
    expect((await clientWith({ fetch: broken }).getModel('bank', 'churn')).model_id).toBe('churn');
  });

  it('never retries a 4xx other than 429, and gives up after the configured retries', async () => {
    const { fetch: refusing, calls } = failingFetch(10, 400);
    await expect(clientWith({ fetch: refusing }).getModel('bank', 'churn')).rejects.toMatchObject({
      status: 400,
    });
    expect(calls).toHaveLength(1);
    const { fetch: down, calls: downCalls } = failingFetch(10, 503);
    await expect(clientWith({ fetch: down, retries: 2 }).getModel('bank', 'churn')).rejects.toMatchObject({
      status: 503,
      code: 'unavailable',
    });
    expect(downCalls).toHaveLength(3);
  });

  it('counts a publish and a batch whose answers were lost exactly once', async () => {
    await client.registerModel('bank', 'once', CHURN_MODEL as Parameters<Modelwatch['registerModel']>[2]);
    const single = losingFirstAnswer((url) => url.endsWith('/models/once/events'));
    const answer = await clientWith({ fetch: single.fetch }).publishEvent('bank', 'once', prediction(), {
      eventTimestamp: PAST_HOUR,
    });
    const batch = losingFirstAnswer((url) => url.includes('/models/once/events/batch'));
    const rows = Array.from({ length: 7 }, () => prediction({ event_timestamp: PAST_HOUR + 1000 }));
    const result = await clientWith({ fetch: batch.fetch }).publishBatch('bank', 'once', rows);
    expect([single.lostCount(), batch.lostCount()]).toEqual([1, 1]);
    expect(answer.event_id).toBeTruthy();
    expect(result).toMatchObject({ accepted: 7, rejected: 0 });
    await client.runMonitor();
    expect(
      await trafficBetween(admin, 'bank', 'once', PAST_HOUR - 24 * HOUR_MS, PAST_HOUR + 24 * HOUR_MS),
    ).toBe(8);
  });
});

describe('the buffered publisher', () => {
  it('flushes as soon as maxRows events wait', async () => {
    const publisher = client.bufferedPublisher('bank', 'churn', { maxRows: 3, flushIntervalMs: 0 });
    const ids = [1, 2, 3].map(() => publisher.publish(prediction()));
    await expect.poll(() => publisher.pending).toBe(0);
    await publisher.flush();
    for (const id of ids) expect((await client.getEvent('bank', 'churn', id)).event_id).toBe(id);
    await publisher.close();
  });

  it('flushes waiting events every flushIntervalMs', async () => {
    const publisher = client.bufferedPublisher('bank', 'churn', { maxRows: 100, flushIntervalMs: 50 });
    const id = publisher.publish(prediction(), { eventTimestamp: PAST_HOUR });
    await expect
      .poll(
        () =>
          client.getEvent('bank', 'churn', id).then(
            (e) => e.event_timestamp,
            () => null,
          ),
        { timeout: 5000 },
      )
      .toBe(PAST_HOUR);
    await publisher.close();
  });

  it('sends what is left on close() and reports it', async () => {
    const publisher = client.bufferedPublisher('bank', 'churn', { maxRows: 100, flushIntervalMs: 60_000 });
    const id = publisher.publish(prediction());
    publisher.publish({ ...prediction(), event_timestamp: 'ignored column' });
    const result = await publisher.close();
    expect(result).toMatchObject({ rows: 2, accepted: 2 });
    expect((await client.getEvent('bank', 'churn', id)).event_id).toBe(id);
    expect(() => publisher.publish(prediction())).toThrow(/after close/);
  });

  it('sends waiting events when the process is about to exit', async () => {
    const script = fileURLToPath(new URL('./fixtures/publish-then-exit.ts', import.meta.url));
    const args = [
      '--import',
      'tsx',
      script,
      service.url,
      service.adminToken,
      'bank',
      'churn',
      'exit-1',
      'exit-2',
    ];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, args, { stdio: 'inherit' });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    expect(code).toBe(0);
    expect((await client.getEvent('bank', 'churn', 'exit-1')).event_id).toBe('exit-1');
    expect((await client.getEvent('bank', 'churn', 'exit-2')).event_id).toBe('exit-2');
  });
});

describe('metrics and the monitor', () => {
  it('answers traffic per bin after a monitor run', async () => {
    await client.registerModel('bank', 'metered', CHURN_MODEL as Parameters<Modelwatch['registerModel']>[2]);
    await client.publishBatch('bank', 'metered', [
      prediction({ event_timestamp: PAST_HOUR }),
      prediction({ event_timestamp: PAST_HOUR + 60_000 }),
      prediction({ event_timestamp: PAST_HOUR + HOUR_MS }),
    ]);
    const run = await client.runMonitor();
    expect(run.changes_read).toBeGreaterThanOrEqual(3);
    const series = await client.getMetrics('bank', 'metered', {
      metric: 'traffic',
      binSize: 'hour',
      start: new Date(PAST_HOUR),
      end: PAST_HOUR + 2 * HOUR_MS,
    });
    expect(series.points).toEqual([
      { start: PAST_HOUR, value: 2, count: 2 },
      { start: PAST_HOUR + HOUR_MS, value: 1, count: 1 },
    ]);
  });

  it('answers many series in one query, each as getMetrics answers it', async () => {
    const range = { binSize: 'hour' as const, start: PAST_HOUR, end: new Date(PAST_HOUR + 2 * HOUR_MS) };
    const answer = await client.queryMetrics(
      'bank',
      'metered',
      [{ metric: 'traffic' }, { metric: 'jsd', column: 'geography' }],
      range,
    );
    expect(answer.series[0]).toEqual(
      await client.getMetrics('bank', 'metered', { metric: 'traffic', ...range }),
    );
    expect(answer.series[1]).toEqual(
      await client.getMetrics('bank', 'metered', { metric: 'jsd', column: 'geography', ...range }),
    );
  });

  it("answers a column's distribution over its drift bins", async () => {
    const distribution = await client.distributions('bank', 'metered', 'geography', {
      start: PAST_HOUR,
      end: PAST_HOUR + 2 * HOUR_MS,
    });
    expect(distribution.bins.map((bin) => bin.label)).toEqual(['France', 'Germany', 'Spain', '__OTHER__']);
    expect(distribution.points.map((point) => point.counts)).toEqual([
      [2, 0, 0, 0],
      [1, 0, 0, 0],
    ]);
  });

  it('answers the confusion counts and calibration buckets of a classification model', async () => {
    await client.registerModel('bank', 'scored', CHURN_MODEL as Parameters<Modelwatch['registerModel']>[2]);
    const labelled = [
      [0.42, true],
      [0.81, true],
      [0.64, false],
      [0.12, false],
      [0.05, false],
    ] as const;
    await client.publishBatch(
      'bank',
      'scored',
      labelled.map(([probability, churned], i) =>
        prediction({ event_timestamp: PAST_HOUR + i * 60_000, probability_churned: probability, churned }),
      ),
    );
    await client.runMonitor();
    const details = await client.performance('bank', 'scored', {
      binSize: 'hour',
      start: PAST_HOUR,
      end: PAST_HOUR + HOUR_MS,
    });
    expect(details).toMatchObject({ task: 'binary_classification', classes: [false, true], threshold: 0.5 });
    expect(details.points[0]).toMatchObject({ data_count: 5, tp: 1, fp: 1, tn: 2, fn: 1 });
    expect(details.points[0]?.calibration?.map((bucket) => bucket.count)).toEqual([
      1, 1, 0, 0, 1, 0, 1, 0, 1, 0,
    ]);
  });

  it("answers the model's summary", async () => {
    const summary = await client.summary('bank', 'metered', {
      binSize: 'day',
      start: PAST_HOUR,
      end: PAST_HOUR + 2 * HOUR_MS,
    });
    expect(summary.traffic.total).toBe(3);
    expect(summary.columns.map((column) => column.column)).toEqual(
      CHURN_MODEL.inputs.concat(CHURN_MODEL.outputs),
    );
  });
});

describe('the model list', () => {
  it("lists a project's models across pages", async () => {
    const ids: string[] = [];
    for await (const model of client.listModels('bank', { limit: 1 })) ids.push(model.model_id);
    expect(ids.length).toBeGreaterThan(1);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('segments', () => {
  it('defines a segment, builds it from the events already stored, and reads its metrics', async () => {
    await client.registerModel('bank', 'sliced', CHURN_MODEL as Parameters<Modelwatch['registerModel']>[2]);
    await client.publishBatch('bank', 'sliced', [
      prediction({ event_timestamp: PAST_HOUR, geography: 'France' }),
      prediction({ event_timestamp: PAST_HOUR + 1, geography: 'Spain' }),
      prediction({ event_timestamp: PAST_HOUR + 2, geography: 'Spain' }),
    ]);
    await client.runMonitor();

    const defined = await client.putSegment('bank', 'sliced', 'spain', {
      name: 'Spain',
      filter: { geography: { in: ['Spain'] } },
    });
    await client.runMonitor();
    const listed = await client.listSegments('bank', 'sliced');
    const range = { binSize: 'hour' as const, start: PAST_HOUR, end: PAST_HOUR + HOUR_MS };
    const traffic = await client.getMetrics('bank', 'sliced', {
      metric: 'traffic',
      segment: 'spain',
      ...range,
    });
    const [queried] = (
      await client.queryMetrics('bank', 'sliced', [{ metric: 'traffic', segment: 'spain' }], range)
    ).series;

    expect(defined.segment_id).toBe('spain');
    expect(listed.map((segment) => segment.segment_id)).toContain('spain');
    expect(traffic.points).toEqual([{ start: PAST_HOUR, value: 2, count: 2 }]);
    expect(queried?.points).toEqual(traffic.points);
    await client.deleteSegment('bank', 'sliced', 'spain');
    expect((await client.listSegments('bank', 'sliced')).map((segment) => segment.segment_id)).not.toContain(
      'spain',
    );
  });
});

describe('alert rules and alerts', () => {
  const rule = {
    name: 'traffic spike',
    metric: 'traffic',
    bin_size: 'hour' as const,
    compare_to: 'raw_value' as const,
    condition: 'greater' as const,
    critical_threshold: 1,
    priority: 'high' as const,
  };

  it('creates, lists, reads, updates and deletes a rule', async () => {
    const created = await client.createAlertRule('bank', 'churn', rule);
    expect(created).toMatchObject({ ...rule, rule_id: expect.any(String) });
    expect((await collect(client.listAlertRules('bank', 'churn'))).map((r) => r.rule_id)).toContain(
      created.rule_id,
    );
    expect((await client.getAlertRule('bank', 'churn', created.rule_id)).name).toBe(rule.name);
    const updated = await client.updateAlertRule('bank', 'churn', created.rule_id, { critical_threshold: 5 });
    expect(updated.critical_threshold).toBe(5);
    await client.deleteAlertRule('bank', 'churn', created.rule_id);
    await expect(client.getAlertRule('bank', 'churn', created.rule_id)).rejects.toMatchObject({
      status: 404,
    });
  });

  it('lists the alerts a rule triggered after a monitor run', async () => {
    await client.registerModel('bank', 'alerting', CHURN_MODEL as Parameters<Modelwatch['registerModel']>[2]);
    await client.publishBatch(
      'bank',
      'alerting',
      [1, 2, 3].map(() => prediction({ event_timestamp: PAST_HOUR })),
    );
    const created = await client.createAlertRule('bank', 'alerting', rule);
    await client.runMonitor();
    const alerts = await collect(
      client.listAlerts('bank', 'alerting', { start: PAST_HOUR, end: PAST_HOUR + HOUR_MS }),
    );
    expect(alerts).toEqual([
      expect.objectContaining({
        rule_id: created.rule_id,
        severity: 'critical',
        bin_start: PAST_HOUR,
        value: 3,
      }),
    ]);
  });
});
