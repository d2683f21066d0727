// Delivery guarantees: a run dying around a notification never sends it twice, and webhooks retry, time out
// and speak Slack's format.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

let service: TestService;
let admin: Client;
let receiver: Server;
let url: string;
const deliveries: Array<{ body: string; headers: IncomingMessage['headers'] }> = [];
let behaviour: 'ok' | 'fail-twice' | 'hang' = 'ok';
let failures = 0;
const model = '/v1/projects/bank/models/churn';

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await seedChurnModel(admin);
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      if (behaviour === 'hang') return; // never answers
      if (behaviour === 'fail-twice' && failures < 2) {
        failures++;
        response.writeHead(500).end();
        return;
      }
      deliveries.push({ body, headers: request.headers });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  await service.destroy();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
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

const deliveriesOf = (ruleId: string) => deliveries.filter((d) => JSON.parse(d.body).rule_id === ruleId);

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
    behaviour = 'fail-twice';
    failures = 0;
    const before = deliveries.length;
    await postWebhook(url, record, 'secret', { backoffMs: 10 });
    expect(failures).toBe(2);
    expect(deliveries.length).toBe(before + 1);
    expect(deliveries.at(-1)?.headers['x-modelwatch-delivery']).toBe('al_x:warning');
    behaviour = 'ok';
  });

  it('gives up on a receiver that does not answer within 5 s per attempt', async () => {
    behaviour = 'hang';
    const started = Date.now();
    await expect(postWebhook(url, record, 'secret', { attempts: 1 })).rejects.toThrow(/no answer within 5 s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
    behaviour = 'ok';
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
