// Contract section 7, "folding is isolated", over HTTP against the local service: changes that cannot be folded
// are quarantined and listed, other projects' metrics stay current, and a model whose metrics cannot be computed
// is reported without failing the run.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChangeRecord, changeRecord } from '../../shared/feed/change-record.js';
import { recordChanges } from '../../shared/fold/record.js';
import {
  type Client,
  clientFor,
  seedChurnModel,
  startTestService,
  type TestService,
} from '../support/local-service.js';

let service: TestService;
let admin: Client;
const HOUR = Date.UTC(2026, 4, 4, 10);
const HOUR_MS = 3_600_000;

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await seedChurnModel(admin, 'poisoned');
  await seedChurnModel(admin, 'healthy');
});

afterAll(() => service.destroy());

async function publish(projectId: string, n: number, prefix: string, hour = HOUR): Promise<void> {
  const rows = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      event_id: `${prefix}-${i}`,
      event_timestamp: hour + i,
      age: 40,
      balance: 100,
      geography: 'France',
      tenure: 3,
      probability_churned: 0.2,
    }),
  );
  const answer = await admin.post(
    `/v1/projects/${projectId}/models/churn/events/batch`,
    rows.join('\n'),
    'application/x-ndjson',
  );
  expect(answer.body.accepted, answer.text).toBe(n);
}

async function traffic(projectId: string, hour = HOUR): Promise<number | null> {
  const answer = await admin.get(
    `/v1/projects/${projectId}/models/churn/metrics?metric=traffic&start=${hour}&end=${hour + HOUR_MS}`,
  );
  expect(answer.status, answer.text).toBe(200);
  return answer.body.points[0].value;
}

/** An events-table item of project `poisoned` as the events store writes it, with raw encoded values. */
function eventItem(eventId: string, ev: Record<string, string>, rev = 1): Record<string, unknown> {
  return {
    pk: `poisoned/churn/${eventId}`,
    project_id: 'poisoned',
    model_id: 'churn',
    event_id: eventId,
    ts: HOUR + 30_000,
    received_at: Date.now(),
    expires_at: Math.floor(Date.now() / 1000) + 86_400,
    hour_shard: `poisoned/churn/${HOUR}/0`,
    ev,
    rev,
    written_at: Date.now(),
  };
}

const fine = { age: '40', balance: '100', geography: '"France"', tenure: '3', probability_churned: '0.2' };
const DEEP = 5_000;
const bigSegment = JSON.stringify('s'.repeat(220_000));

/** Poison beside normal changes of the same project, written straight into the feed as the stream would hold them. */
function poisonRecords(): ChangeRecord[] {
  const now = Date.now();
  return [
    changeRecord(
      'INSERT',
      eventItem('deep', { ...fine, segment: `${'['.repeat(DEEP)}${']'.repeat(DEEP)}` }),
      undefined,
      now,
    ),
    changeRecord('INSERT', eventItem('undecodable', { ...fine, segment: '{"not": json' }), undefined, now),
    // A 220 KB metadata value, then a label: the delta carries both images, 440 KB, over the 400 KB item limit.
    changeRecord(
      'MODIFY',
      eventItem('oversized', { ...fine, segment: bigSegment, churned: 'true' }, 2),
      eventItem('oversized', { ...fine, segment: bigSegment }),
      now,
    ),
    changeRecord('INSERT', eventItem('normal', fine), undefined, now),
  ];
}

async function quarantined(): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let token: string | undefined;
  do {
    const page = await admin.get(`/v1/admin/quarantine?limit=2${token ? `&next_token=${token}` : ''}`);
    expect(page.status, page.text).toBe(200);
    items.push(...page.body.items);
    token = page.body.next_token;
  } while (token);
  return items;
}

describe('changes that cannot be folded', () => {
  it('are quarantined with their reason while another project is folded', async () => {
    await publish('healthy', 12, 'ok');
    await service.feed.append(poisonRecords());
    await publish('healthy', 3, 'after');

    const run = await admin.post('/v1/monitor/run');

    expect(run.status, run.text).toBe(200);
    expect(run.body.failed).toEqual([]);
    expect(await traffic('healthy')).toBe(15);
    expect(await traffic('poisoned')).toBe(1);
    const items = await quarantined();
    const reasons = Object.fromEntries(items.map((item) => [item.event_id, item.reason]));
    expect(reasons).toMatchObject({
      deep: expect.stringMatching(/RangeError/),
      undecodable: expect.stringMatching(/SyntaxError/),
    });
    // A 440 KB delta is poison only where the delta encoding cannot store it; then it is quarantined too.
    const rest = Object.keys(reasons).filter((id) => id !== 'deep' && id !== 'undecodable');
    expect(rest).toEqual(rest.length > 0 ? ['oversized'] : []);
    if (rest.length > 0) expect(reasons.oversized).toMatch(/ValidationException|size/i);
    expect(run.body.changes_quarantined).toBe(items.length);
    for (const item of items) {
      expect(item).toMatchObject({ project_id: 'poisoned', model_id: 'churn' });
      expect(item.sequence_number).toMatch(/^\d+$/);
      expect(Buffer.byteLength(item.record_excerpt as string)).toBeLessThanOrEqual(16 * 1024);
    }
  });

  it('are listed once however often they are run or redelivered', async () => {
    const before = await quarantined();
    const { records } = await service.feed.read(0, Number.POSITIVE_INFINITY);
    const poison = records.filter((record) =>
      before.some((item) => record.dynamodb.Keys.pk?.S === `poisoned/churn/${item.event_id}`),
    );
    expect(poison.length).toBeGreaterThanOrEqual(2);
    expect(poison).toHaveLength(before.length);

    await recordChanges(service.services.profiles, poison, service.services.quarantine);
    const run = await admin.post('/v1/monitor/run');

    expect(run.status, run.text).toBe(200);
    expect(await quarantined()).toEqual(before);
  });

  it('are listed to the admin token only', async () => {
    const created = await admin.post('/v1/tokens', { name: 'scoped', projects: ['healthy'] });
    const scoped = admin.withToken(created.body.token);

    expect((await scoped.get('/v1/admin/quarantine')).status).toBe(403);
    expect((await admin.withToken().get('/v1/admin/quarantine')).status).toBe(401);
    expect((await admin.get('/v1/admin/quarantine?next_token=bogus')).status).toBe(400);
  });

  it('are described in the OpenAPI document, as is the failed list of a run', async () => {
    const document = await admin.get('/openapi.json');

    expect(document.status).toBe(200);
    expect(document.body.paths['/v1/admin/quarantine'].get.responses['200']).toBeDefined();
    expect(document.body.components.schemas.MonitorRun.properties.failed).toBeDefined();
  });
});

describe('a model whose metrics cannot be computed', () => {
  it('is listed in failed while another model is brought up to date, and is retried by the next run', async () => {
    await seedChurnModel(admin, 'lost');
    const baselines = join(service.dataDir, 'blobs', 'baselines', 'lost');
    expect(await readdir(baselines)).not.toHaveLength(0);
    await rm(baselines, { recursive: true, force: true });
    const hour = HOUR + 5 * HOUR_MS;
    await publish('lost', 4, 'lost', hour);
    await publish('healthy', 6, 'later', hour);

    const run = await admin.post('/v1/monitor/run');

    expect(run.status, run.text).toBe(200);
    expect(run.body.failed).toEqual([
      { project_id: 'lost', model_id: 'churn', reason: expect.stringMatching(/baseline/) },
    ]);
    expect(await traffic('healthy', hour)).toBe(6);
    const dirty = await service.services.profiles.listDirty();
    expect(dirty.map(({ model }) => model)).toContainEqual({ project_id: 'lost', model_id: 'churn' });
    const again = await admin.post('/v1/monitor/run');
    expect(again.status).toBe(200);
    expect(again.body.failed).toHaveLength(1);
  });
});
