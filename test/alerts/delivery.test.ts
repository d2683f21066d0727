// Delivery guarantees: a run dying around a notification never sends it twice, a dead receiver costs a run no
// more than its delivery budget, what the budget leaves is sent by the next run, and webhooks retry, time out
// and speak Slack's format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxChannel } from '../../shared/alerts/channels.js';
import type { DeliveryOptions } from '../../shared/alerts/delivery.js';
import type { AlertRecord } from '../../shared/alerts/types.js';
import { postWebhook, type WebhookTransport } from '../../shared/alerts/webhooks.js';
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

function runWith(alerts: AlertStore, delivery: DeliveryOptions = {}) {
  const { registry, blobs, events, profiles } = service.services;
  const channel = new OutboxChannel(`${service.dataDir}/notifications/outbox.ndjson`);
  return runMonitor(
    {
      registry,
      blobs,
      events,
      profiles,
      clock: Date.now,
      alerts: { alerts, profiles, channel, clock: Date.now, delivery: { egress: 'local', ...delivery } },
    },
    {
      read: (position, limit) => service.feed.read(position, limit),
    },
  );
}

async function breachingHour(hour: number, prefix: string, webhooks = [url]): Promise<string> {
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
    notifications: { webhooks },
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
    await expect(runWith(dyingWhenMarkingNotified(service.services.alerts))).rejects.toThrow(
      /simulated crash/,
    );
    expect(deliveriesOf(ruleId).length).toBeGreaterThan(0);
    await runWith(service.services.alerts);
    await runWith(service.services.alerts);
    const records = await recordsOf(ruleId);
    expectOneDeliveryPerRecord(records, ruleId, true);
    expect(records.every((r: { notified_severity: string }) => r.notified_severity === 'critical')).toBe(
      true,
    );
  });
});

/** A store that dies on the first write marking a record notified: after its webhook was sent. */
function dyingWhenMarkingNotified(store: AlertStore): AlertStore {
  let died = false;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property !== 'putRecord') return value.bind(target);
      return async (record: AlertRecord) => {
        if (!died && record.notified_severity !== null) {
          died = true;
          throw new Error('simulated crash in putRecord');
        }
        return value.call(target, record);
      };
    },
  });
}

describe('a dead receiver', () => {
  let dead: WebhookReceiver;

  beforeAll(async () => {
    dead = await startWebhookReceiver();
    dead.hang(true);
  });

  afterAll(async () => {
    await dead.close();
  });

  it('costs a run no more than its delivery budget, and what it leaves is sent by the next run once', async () => {
    // Prepare: a rule firing on several hours, each notification going to a dead and a live receiver.
    await breachingHour(Date.UTC(2026, 2, 3, 1), 'dead-a');
    const ruleId = await breachingHour(Date.UTC(2026, 2, 3, 2), 'dead-b', [dead.url, url]);
    const budgetMs = 1_000;

    // Act: one notification at a time, so the dead receiver holds the budget and the rest wait.
    const started = performance.now();
    await runWith(service.services.alerts, { budgetMs, concurrency: 1, attemptTimeoutMs: 3_000 });
    const elapsed = performance.now() - started;
    const afterFirstRun = deliveriesOf(ruleId).length;
    dead.hang(false);
    await runWith(service.services.alerts);
    await runWith(service.services.alerts);

    // Assess
    expect(elapsed).toBeLessThan(budgetMs + 1_500);
    expect(afterFirstRun).toBe(1);
    const records = await recordsOf(ruleId);
    expect(records.length).toBeGreaterThan(1);
    expectOneDeliveryPerRecord(records, ruleId);
    // The notification the dead receiver held failed there and is not sent again; the others reach it once.
    const revived = dead.deliveries.map((d) => JSON.parse(d.body).alert_id as string);
    expect(revived.length).toBe(records.length - 1);
    expect(new Set(revived).size).toBe(revived.length);
    const failed = (
      await service.services.alerts.listRecords(
        { project_id: 'bank', model_id: 'churn' },
        0,
        Date.UTC(9999, 0),
        1_000,
      )
    ).items.filter((r) => r.rule_id === ruleId && r.delivery_failures.length > 0);
    expect(failed).toEqual([
      expect.objectContaining({
        delivery_failures: [
          expect.objectContaining({
            channel: 'webhook',
            target: dead.url,
            error: expect.stringMatching(/budget/),
          }),
        ],
      }),
    ]);
  }, 20_000);

  it('sends the notifications of one run concurrently', async () => {
    dead.hang(true);
    try {
      const ruleId = await breachingHour(Date.UTC(2026, 2, 4, 1), 'parallel', [dead.url, url]);
      const started = performance.now();
      await runWith(service.services.alerts, { budgetMs: 5_000, attemptTimeoutMs: 500, attempts: 1 });
      const elapsed = performance.now() - started;
      const records = await recordsOf(ruleId);
      // Several notifications each waited 0.5 s on the dead receiver, together rather than one after another.
      expect(records.length).toBeGreaterThan(2);
      expect(elapsed).toBeLessThan(500 * records.length);
      expectOneDeliveryPerRecord(records, ruleId);
    } finally {
      dead.hang(false);
    }
  }, 20_000);
});

describe('webhooks', () => {
  const record = { alert_id: 'al_x', severity: 'warning', message: 'WARNING: traffic is 3' } as AlertRecord;

  it('retries a failing receiver with backoff until it answers', async () => {
    receiver.failNext(2);
    const failedBefore = receiver.failed();
    const before = receiver.deliveries.length;
    await postWebhook(url, record, 'secret', { egress: 'local', backoffMs: 10 });
    expect(receiver.failed() - failedBefore).toBe(2);
    expect(receiver.deliveries.length).toBe(before + 1);
    expect(receiver.deliveries.at(-1)?.headers['x-modelwatch-delivery']).toBe('al_x:warning');
  });

  it('gives up on a receiver that does not answer within the attempt timeout', async () => {
    receiver.hang(true);
    const started = performance.now();
    await expect(
      postWebhook(url, record, 'secret', { egress: 'local', attempts: 1, attemptTimeoutMs: 200 }),
    ).rejects.toThrow(/no answer within 0.2 s/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    receiver.hang(false);
  });

  it('stops retrying when the deadline leaves no room for another attempt', async () => {
    receiver.failNext(10);
    const started = performance.now();
    await expect(
      postWebhook(url, record, 'secret', { egress: 'local', backoffMs: 400 }, performance.now() + 300),
    ).rejects.toThrow(/HTTP 503/);
    receiver.failNext(0);
    expect(performance.now() - started).toBeLessThan(300);
  });

  it("sends Slack incoming webhooks Slack's text format", async () => {
    const sent: Array<{ url: string; body: string }> = [];
    const transport: WebhookTransport = async (destination, request) => {
      sent.push({ url: destination.url.href, body: request.body });
      return 200;
    };
    const lookup = async () => [{ address: '3.5.140.2', family: 4 }];
    await postWebhook('https://hooks.slack.com/services/T0/B0/x', record, 'secret', { transport, lookup });
    expect(JSON.parse(sent[0]?.body ?? '{}')).toEqual({ text: 'WARNING: traffic is 3' });
  });
});
