// Delivery guarantees: a run dying around a notification never sends it twice, and webhooks retry, time out
// and speak Slack's format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxChannel } from '../../shared/alerts/channels.js';
import type { AlertRecord } from '../../shared/alerts/types.js';
import { postWebhook } from '../../shared/alerts/webhooks.js';
import { runMonitor } from '../../shared/monitoring/run.js';
import type { AlertStore } from '../../shared/storage/alerts.js';
import { dyingOnce } from '../support/dying-once.js';
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
let url: string;
const model = '/v1/projects/bank/models/churn';

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await seedChurnModel(admin);
  receiver = await startWebhookReceiver();
  url = receiver.url;
});

afterAll(async () => {
  await service.destroy();
  await receiver.close();
});

function runWith(alerts: AlertStore) {
  const { registry, blobs, events, profiles } = service.services;
  const channel = new OutboxChannel(`${service.dataDir}/notifications/outbox.ndjson`);
  return runMonitor(
    {
      registry,
      blobs,
      events,
      profiles,
      clock: Date.now,
      alerts: { alerts, profiles, channel, clock: Date.now },
    },
    {
      read: (position, limit) => service.feed.read(position, limit),
    },
  );
}

async function breachingHour(hour: number, prefix: string): Promise<string> {
  const rows = Array.from({ length: 5 }, (_, i) =>
    JSON.stringify({
      event_id: `${prefix}-${i}`,
      event_timestamp: hour + i,
      age: 40,
      balance: 1,
      geography: 'Atlantis',
      tenure: 1,
      probability_churned: 0.1,
    }),
  );
  await admin.post(`${model}/events/batch`, rows.join('\n'), 'application/x-ndjson');
  const rule = await admin.post(`${model}/alert-rules`, {
    name: `${prefix} unknown countries`,
    metric: 'range_violation_count',
    columns: ['geography'],
    bin_size: 'hour',
    condition: 'greater',
    critical_threshold: 1,
    priority: 'high',
    notifications: { webhooks: [url] },
  });
  return rule.body.rule_id;
}

const deliveriesOf = (ruleId: string) =>
  receiver.deliveries.filter((d) => JSON.parse(d.body).rule_id === ruleId);

async function recordsOf(ruleId: string): Promise<Array<{ alert_id: string; notified_severity: string }>> {
  return (await admin.get(`${model}/alerts`)).body.items.filter(
    (r: { rule_id: string }) => r.rule_id === ruleId,
  );
}

/** A new rule fires on every breaching hour (its own and earlier tests'): each record is delivered at most once. */
function expectOneDeliveryPerRecord(
  records: Array<{ alert_id: string }>,
  ruleId: string,
  diedAfterClaim = false,
): void {
  const delivered = deliveriesOf(ruleId).map((d) => JSON.parse(d.body).alert_id as string);
  expect(records.length).toBeGreaterThan(0);
  expect(new Set(delivered).size).toBe(delivered.length);
  // A run that died after claiming a notification may have sent it or not; never twice.
  if (diedAfterClaim) expect(delivered.length).toBeGreaterThanOrEqual(records.length - 1);
  else expect(delivered.length).toBe(records.length);
}

describe('a run dying around a notification', () => {
  it('sends it once when the run dies before claiming it', async () => {
    const ruleId = await breachingHour(Date.UTC(2026, 2, 2, 1), 'before-claim');
    await expect(runWith(dyingOnce(service.services.alerts, 'claimNotification', 1))).rejects.toThrow(
      /simulated crash/,
    );
    await runWith(service.services.alerts);
    await runWith(service.services.alerts);
    expectOneDeliveryPerRecord(await recordsOf(ruleId), ruleId);
  });

  it('never sends it twice when the run dies after sending, before recording it', async () => {
    const ruleId = await breachingHour(Date.UTC(2026, 2, 2, 3), 'after-send');
    // The record is written twice per notification: once with its severity, once marked notified.
    await expect(runWith(dyingOnce(service.services.alerts, 'putRecord', 2))).rejects.toThrow(
      /simulated crash/,
    );
    await runWith(service.services.alerts);
    await runWith(service.services.alerts);
    const records = await recordsOf(ruleId);
    expectOneDeliveryPerRecord(records, ruleId, true);
    expect(records.every((r: { notified_severity: string }) => r.notified_severity === 'critical')).toBe(
      true,
    );
  });
});

describe('webhooks', () => {
  const record = { alert_id: 'al_x', severity: 'warning', message: 'WARNING: traffic is 3' } as AlertRecord;

  it('retries a failing receiver with backoff until it answers', async () => {
    receiver.failNext(2);
    const failedBefore = receiver.failed();
    const before = receiver.deliveries.length;
    await postWebhook(url, record, 'secret', { backoffMs: 10 });
    expect(receiver.failed() - failedBefore).toBe(2);
    expect(receiver.deliveries.length).toBe(before + 1);
    expect(receiver.deliveries.at(-1)?.headers['x-modelwatch-delivery']).toBe('al_x:warning');
  });

  it('gives up on a receiver that does not answer within 5 s per attempt', async () => {
    receiver.hang(true);
    const started = Date.now();
    await expect(postWebhook(url, record, 'secret', { attempts: 1 })).rejects.toThrow(/no answer within 5 s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
    receiver.hang(false);
  }, 15_000);

  it("sends Slack incoming webhooks Slack's text format", async () => {
    const sent: Array<{ url: string; body: string }> = [];
    const fakeFetch = (async (target: string, init: RequestInit) => {
      sent.push({ url: target, body: String(init.body) });
      return new Response(null, { status: 200 });
    }) as typeof fetch;
    await postWebhook('https://hooks.slack.com/services/T0/B0/x', record, 'secret', { fetch: fakeFetch });
    expect(JSON.parse(sent[0]?.body ?? '{}')).toEqual({ text: 'WARNING: traffic is 3' });
  });
});
