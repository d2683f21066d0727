// Delivery guarantees: a run dying around an incident's notification never sends it twice, a dead receiver costs
// a run no more than its delivery budget, what the budget leaves is sent by the next run, and webhooks retry,
// time out and speak Slack's format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryOptions } from '../../shared/alerts/delivery.js';
import type { AlertRecord } from '../../shared/alerts/types.js';
import { postWebhook, type WebhookTransport } from '../../shared/alerts/webhooks.js';
import type { AlertStore } from '../../shared/storage/alerts.js';
import { dyingOnce } from '../support/dying-once.js';
import {
  type Client,
  clientFor,
  runWith,
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

/** A monitor run of the service with its alert store replaced (a store that dies at a chosen call). */
function runWithAlerts(alerts: (store: AlertStore) => AlertStore, delivery: DeliveryOptions = {}) {
  return runWith(service, { stores: (stores) => ({ alerts: alerts(stores.alerts) }), delivery });
}

const asBuilt = (store: AlertStore) => store;

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

async function incidentsOf(ruleId: string): Promise<Array<{ incident_id: string }>> {
  return (await admin.get(`${model}/incidents`)).body.items.filter(
    (i: { rule_id: string }) => i.rule_id === ruleId,
  );
}

/**
 * A new rule fires on every breaching hour (its own and earlier tests'), in one incident per run of consecutive
 * hours: no notification (incident, event, severity) reaches a receiver twice, and every incident was told opened
 * (but perhaps one, when a run died after claiming its notification).
 */
function expectEachNotificationOnce(
  deliveries: Array<{ headers: Record<string, unknown>; body: string }>,
  incidents: Array<{ incident_id: string }>,
  diedAfterClaim = false,
): void {
  const ids = deliveries.map((d) => d.headers['x-modelwatch-delivery']);
  expect(new Set(ids).size).toBe(ids.length);
  const opened = new Set(
    deliveries
      .map((d) => JSON.parse(d.body))
      .filter((body) => body.event === 'opened')
      .map((body) => body.incident_id),
  );
  expect(incidents.length).toBeGreaterThan(0);
  if (diedAfterClaim) expect(opened.size).toBeGreaterThanOrEqual(incidents.length - 1);
  else expect(opened.size).toBe(incidents.length);
}

describe('a run dying around a notification', () => {
  it('sends it once when the run dies before claiming it', async () => {
    const ruleId = await breachingHour(Date.UTC(2026, 2, 2, 1), 'before-claim');
    await expect(runWithAlerts((alerts) => dyingOnce(alerts, 'claimNotification', 1))).rejects.toThrow(
      /simulated crash/,
    );
    await runWithAlerts(asBuilt);
    await runWithAlerts(asBuilt);
    expectEachNotificationOnce(deliveriesOf(ruleId), await incidentsOf(ruleId));
  });

  it('never sends it twice when the run dies after sending, before recording it', async () => {
    const ruleId = await breachingHour(Date.UTC(2026, 2, 2, 3), 'after-send');
    await expect(runWithAlerts((alerts) => dyingWhenMarkingNotified(alerts, ruleId))).rejects.toThrow(
      /simulated crash/,
    );
    expect(deliveriesOf(ruleId).length).toBeGreaterThan(0);
    await runWithAlerts(asBuilt);
    await runWithAlerts(asBuilt);
    expectEachNotificationOnce(deliveriesOf(ruleId), await incidentsOf(ruleId), true);
  });
});

/** A store that dies on the first write marking a record of the rule notified: after its webhook was sent. */
function dyingWhenMarkingNotified(store: AlertStore, ruleId: string): AlertStore {
  let died = false;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property !== 'putRecord') return value.bind(target);
      return async (record: AlertRecord) => {
        if (!died && record.rule_id === ruleId && record.notified_severity !== null) {
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

    // Act: one notification at a time, so the dead receiver holds the budget and the rest wait. An attempt may
    // wait 30 s: only the budget can end the run sooner.
    const started = performance.now();
    await runWithAlerts(asBuilt, { budgetMs, concurrency: 1, attemptTimeoutMs: 30_000 });
    const elapsed = performance.now() - started;
    const afterFirstRun = deliveriesOf(ruleId).length;
    dead.hang(false);
    await runWithAlerts(asBuilt);
    await runWithAlerts(asBuilt);

    // Assess
    // Folding takes its own time on a busy machine; what matters is that the 30 s attempt did not run out.
    expect(elapsed).toBeLessThan(15_000);
    expect(afterFirstRun).toBe(1);
    const incidents = await incidentsOf(ruleId);
    expect(incidents.length).toBeGreaterThan(1);
    expectEachNotificationOnce(deliveriesOf(ruleId), incidents);
    // The opening the dead receiver held failed there and is not sent again; the others reach it once.
    const revived = dead.deliveries.filter((d) => JSON.parse(d.body).rule_id === ruleId);
    expectEachNotificationOnce(revived, incidents, true);
    expect(revived.filter((d) => JSON.parse(d.body).event === 'opened')).toHaveLength(incidents.length - 1);
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
  }, 60_000);

  it('sends the notifications of one run concurrently', async () => {
    dead.hang(true);
    try {
      const ruleId = await breachingHour(Date.UTC(2026, 2, 4, 1), 'parallel', [dead.url, url]);
      const firstArrival = dead.arrivals.length;
      await runWithAlerts(asBuilt, { budgetMs: 10_000, attemptTimeoutMs: 3_000, attempts: 1 });
      const incidents = await incidentsOf(ruleId);
      const arrivals = dead.arrivals.slice(firstArrival);
      // Each notification waits 3 s on the dead receiver: one after another, they would arrive 3 s apart.
      expect(incidents.length).toBeGreaterThan(2);
      expect(arrivals.length).toBeGreaterThan(2);
      expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeLessThan(2_500);
      expectEachNotificationOnce(deliveriesOf(ruleId), incidents);
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
      postWebhook(url, record, 'secret', {
        egress: 'local',
        backoffMs: 400,
        deadline: performance.now() + 300,
      }),
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
