// Contract section 6 over real HTTP: rules, evaluation per completed bin, records, and notifications
// delivered to a local webhook receiver and the local SNS outbox.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  clientFor,
  seedChurnModel,
  startTestService,
  type TestService,
} from '../support/local-service.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

let service: TestService;
let admin: Client;
let receiver: WebhookReceiver;
let receiverUrl: string;
const model = '/v1/projects/bank/models/churn';
const DAY = Date.UTC(2026, 0, 5); // a Monday, long past: every bin is complete
const HOUR = 3_600_000;

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await seedChurnModel(admin);
  receiver = await startWebhookReceiver();
  receiverUrl = receiver.url;
});

afterAll(async () => {
  await service.destroy();
  await receiver.close();
});

/** n events in one hour, `outOfRange` of them with a geography the baseline never saw. */
async function publish(hour: number, n: number, outOfRange: number, prefix: string): Promise<void> {
  const rows = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      event_id: `${prefix}-${i}`,
      event_timestamp: hour + i,
      age: 40,
      balance: 100,
      geography: i < outOfRange ? 'Atlantis' : 'France',
      tenure: 3,
      probability_churned: 0.2,
    }),
  );
  const answer = await admin.post(`${model}/events/batch`, rows.join('\n'), 'application/x-ndjson');
  expect(answer.body.accepted).toBe(n);
}

const integrityRule = (extra: Record<string, unknown> = {}) => ({
  name: 'unknown countries',
  metric: 'range_violation_count',
  columns: ['geography'],
  bin_size: 'hour',
  compare_to: 'raw_value',
  condition: 'greater',
  warning_threshold: 2,
  critical_threshold: 5,
  priority: 'high',
  notifications: { emails: ['oncall@example.com'], sms: ['+14155550123'], webhooks: [receiverUrl] },
  ...extra,
});

describe('alert rules', () => {
  it('creates a rule with 201, shows its webhook secret once, and lists it', async () => {
    const created = await admin.post(`${model}/alert-rules`, integrityRule({ name: 'listed' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      rule_id: expect.stringMatching(/^rule_/),
      enabled: true,
      muted: false,
      compare_bin_delta: 1,
    });
    expect(created.body.webhook_secret).toEqual(expect.any(String));
    const listed = await admin.get(`${model}/alert-rules`);
    const found = listed.body.items.find((r: { rule_id: string }) => r.rule_id === created.body.rule_id);
    expect(found.name).toBe('listed');
    expect(found).not.toHaveProperty('webhook_secret');
    expect((await admin.delete(`${model}/alert-rules/${created.body.rule_id}`)).status).toBe(204);
    expect((await admin.get(`${model}/alert-rules/${created.body.rule_id}`)).status).toBe(404);
  });

  it.each([
    ['an unknown metric', { metric: 'vibes' }, 'metric'],
    ['a metric of another task', { metric: 'mae', columns: [] }, 'metric'],
    ['a column that is not in the model', { columns: ['shoe_size'] }, 'columns[0]'],
    ['no column for a per-column metric', { columns: [] }, 'columns'],
    ['columns for a metric that has none', { metric: 'traffic', columns: ['age'] }, 'columns'],
    ['a warning above critical for greater', { warning_threshold: 9 }, 'warning_threshold'],
    [
      'a warning below critical for lesser',
      { condition: 'lesser', warning_threshold: 1 },
      'warning_threshold',
    ],
    ['compare_bin_delta 0', { compare_to: 'time_period', compare_bin_delta: 0 }, 'compare_bin_delta'],
    ['a monthly bin', { bin_size: 'month' }, 'bin_size'],
    ['a bad email', { notifications: { emails: ['nobody'] } }, 'emails'],
    ['a phone number that is not E.164', { notifications: { sms: ['555-0123'] } }, 'sms'],
    ['a webhook that is not http(s)', { notifications: { webhooks: ['ftp://x'] } }, 'webhooks'],
  ])('rejects %s with 400 naming the field', async (_case, change, field) => {
    const answer = await admin.post(`${model}/alert-rules`, integrityRule(change));
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain(field);
  });

  it('accepts __ANY__ for integrity metrics and no columns for traffic', async () => {
    const any = await admin.post(
      `${model}/alert-rules`,
      integrityRule({ metric: 'any_violation_count', columns: ['__ANY__'], enabled: false }),
    );
    expect(any.status).toBe(201);
    const traffic = await admin.post(
      `${model}/alert-rules`,
      integrityRule({ metric: 'traffic', columns: undefined, enabled: false }),
    );
    expect(traffic.status).toBe(201);
  });

  it('takes a rolling baseline on every drift metric, and refuses it on a metric that is not drift', async () => {
    for (const metric of ['jsd', 'ks_statistic', 'wasserstein']) {
      const rule = await admin.post(
        `${model}/alert-rules`,
        integrityRule({ metric, columns: ['age'], baseline: 'previous:3', enabled: false }),
      );
      expect(rule.status, metric).toBe(201);
    }
    const notDrift = await admin.post(
      `${model}/alert-rules`,
      integrityRule({ metric: 'mean', columns: ['age'], baseline: 'previous:3', enabled: false }),
    );
    expect(notDrift.status).toBe(400);
    expect(notDrift.body.error.message).toMatch(/baseline: previous:3 applies to drift metrics, not mean/);
  });

  it('edits thresholds with PATCH and checks their order', async () => {
    const created = await admin.post(`${model}/alert-rules`, integrityRule({ enabled: false }));
    const patched = await admin.request('PATCH', `${model}/alert-rules/${created.body.rule_id}`, {
      critical_threshold: 50,
      muted: true,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ critical_threshold: 50, muted: true, warning_threshold: 2 });
    const bad = await admin.request('PATCH', `${model}/alert-rules/${created.body.rule_id}`, {
      warning_threshold: 60,
    });
    expect(bad.status).toBe(400);
    expect((await admin.request('PATCH', `${model}/alert-rules/rule_nope`, { muted: true })).status).toBe(
      404,
    );
  });
});

describe('evaluation and notification', () => {
  let ruleId: string;
  let secret: string;

  beforeAll(async () => {
    await publish(DAY, 10, 3, 'h0'); // 3 violations: warning
    await publish(DAY + HOUR, 10, 4, 'h1'); // 4: warning
    const created = await admin.post(`${model}/alert-rules`, integrityRule());
    ruleId = created.body.rule_id;
    secret = created.body.webhook_secret;
    expect((await admin.post('/v1/monitor/run')).status).toBe(200);
  });

  const recordsOf = async () =>
    (await admin.get(`${model}/alerts?start=${DAY}&end=${DAY + 24 * HOUR}`)).body.items.filter(
      (r: { rule_id: string }) => r.rule_id === ruleId,
    );
  const incidentsOf = async () =>
    (await admin.get(`${model}/incidents`)).body.items.filter(
      (i: { rule_id: string }) => i.rule_id === ruleId,
    );
  const mine = () => receiver.deliveries.filter((r) => JSON.parse(r.body).rule_id === ruleId);

  it('writes one record per breaching bin, newest first, with severity, value, threshold and event count', async () => {
    const records = await recordsOf();
    expect(
      records.map((r: { bin_start: number; severity: string; value: number; threshold: number }) => [
        r.bin_start,
        r.severity,
        r.value,
        r.threshold,
      ]),
    ).toEqual([
      [DAY + HOUR, 'warning', 4, 2],
      [DAY, 'warning', 3, 2],
    ]);
    expect(records[0]).toMatchObject({
      metric: 'range_violation_count',
      column: 'geography',
      bin_size: 'hour',
      resolved: false,
      revision: 1,
      event_count: 10,
      incident_id: expect.stringMatching(/^inc_/),
    });
    expect(records[0].message).toContain('range violation count of geography');
    expect(records[0].message).toContain('(10 events)');
  });

  it('groups the consecutive breaching bins into one open incident', async () => {
    expect(await incidentsOf()).toEqual([
      expect.objectContaining({
        first_bin: DAY,
        last_bin: DAY + HOUR,
        record_count: 2,
        severity: 'warning',
        state: 'open',
        column: 'geography',
        segment: null,
      }),
    ]);
  });

  it('posts the opening of the incident once to the webhook, signed with the rule secret', async () => {
    const [incident] = await incidentsOf();
    expect(mine().map((d) => JSON.parse(d.body))).toEqual([
      expect.objectContaining({ event: 'opened', incident_id: incident.incident_id, bin_start: DAY + HOUR }),
    ]);
    for (const delivery of mine()) {
      const expected = `sha256=${createHmac('sha256', secret).update(delivery.body).digest('hex')}`;
      expect(delivery.headers['x-modelwatch-signature']).toBe(expected);
    }
  });

  it('keeps emails and SMS in the local outbox in words, the SMS under 140 characters', async () => {
    const outbox = await admin.get('/v1/admin/notifications');
    expect(outbox.status).toBe(200);
    const emails = outbox.body.items.filter((m: { channel: string }) => m.channel === 'email');
    const sms = outbox.body.items.filter((m: { channel: string }) => m.channel === 'sms');
    expect(emails.length).toBeGreaterThanOrEqual(1);
    expect(emails[0].subject).toMatch(/WARNING opened\] range violation count of geography/);
    expect(emails[0].text).toContain('Threshold');
    expect(emails[0].text).toContain('10 events');
    expect(sms.every((m: { text: string }) => m.text.length < 140)).toBe(true);
    expect((await clientFor(service.url).get('/v1/admin/notifications')).status).toBe(401);
  });

  it('resolves the incident once the next bin is complete without breaching, notifying each change once', async () => {
    await admin.post('/v1/monitor/run');
    await admin.post('/v1/monitor/run');
    await admin.post('/v1/monitor/run');
    expect((await incidentsOf())[0].state).toBe('resolved');
    expect(mine().map((d) => JSON.parse(d.body).event)).toEqual(['opened', 'resolved']);
  });

  it('updates a record in place when late data raises its severity, without opening its ended incident again', async () => {
    await publish(DAY + HOUR, 3, 3, 'h1-late'); // hour 1: 7 violations now: critical
    await admin.post('/v1/monitor/run');
    const records = await recordsOf();
    expect(records).toHaveLength(2);
    const last = records.find((r: { bin_start: number }) => r.bin_start === DAY + HOUR);
    expect(last).toMatchObject({ severity: 'critical', value: 7, revision: 2, event_count: 13 });
    expect(await incidentsOf()).toEqual([
      expect.objectContaining({ severity: 'critical', state: 'resolved' }),
    ]);
    expect(mine()).toHaveLength(2);
  });

  it('keeps the record of a bin that stops breaching, marked resolved', async () => {
    await admin.request('PATCH', `${model}/alert-rules/${ruleId}`, {
      warning_threshold: 8,
      critical_threshold: 9,
    });
    await admin.post('/v1/monitor/run');
    const records = await recordsOf();
    expect(records).toHaveLength(2);
    expect(records.every((r: { resolved: boolean }) => r.resolved)).toBe(true);
  });

  it('records a failing webhook on the record and retries it, without failing the run', async () => {
    const hour = DAY + 5 * HOUR;
    await publish(hour, 10, 9, 'h5');
    receiver.failNext(5); // more than the attempts: delivery fails
    const run = await admin.post('/v1/monitor/run');
    receiver.failNext(0);
    expect(run.status).toBe(200);
    const record = (await recordsOf()).find((r: { bin_start: number }) => r.bin_start === hour);
    expect(record.delivery_failures).toEqual([
      expect.objectContaining({ channel: 'webhook', error: 'HTTP 503' }),
    ]);
  });

  it('filters records on bin_start with start and end', async () => {
    const answer = await admin.get(`${model}/alerts?start=${DAY + HOUR}&end=${DAY + 2 * HOUR}`);
    expect(answer.body.items.every((r: { bin_start: number }) => r.bin_start === DAY + HOUR)).toBe(true);
  });
});

describe('comparisons with an earlier bin', () => {
  it('fires on the relative change and stays silent when the earlier value is 0', async () => {
    const base = Date.UTC(2026, 1, 2); // another Monday
    await publish(base, 10, 0, 'tp0');
    await publish(base + HOUR, 30, 0, 'tp1'); // traffic x3: +200%
    const created = await admin.post(`${model}/alert-rules`, {
      name: 'traffic surge',
      metric: 'traffic',
      bin_size: 'hour',
      compare_to: 'time_period',
      compare_bin_delta: 1,
      condition: 'greater',
      critical_threshold: 1.5,
      priority: 'low',
    });
    await admin.post('/v1/monitor/run');
    const records = (
      await admin.get(`${model}/alerts?start=${base}&end=${base + 2 * HOUR}`)
    ).body.items.filter((r: { rule_id: string }) => r.rule_id === created.body.rule_id);
    expect(records).toEqual([
      expect.objectContaining({ bin_start: base + HOUR, value: 2, baseline_value: 10, metric_value: 30 }),
    ]);
  });
});
