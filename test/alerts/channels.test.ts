// The PagerDuty, Teams and Slack channels over real HTTP: an incident's opening and resolve reach local receivers
// (MODELWATCH_PAGERDUTY_URL points at one) in each service's own format, in words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  clientFor,
  seedChurnModel,
  startTestService,
  type TestService,
} from '../support/local-service.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const model = '/v1/projects/bank/models/churn';
const HOUR_0 = Date.UTC(2026, 4, 4, 10);

let service: TestService;
let admin: Client;
let pagerduty: WebhookReceiver;
let teams: WebhookReceiver;
let slack: WebhookReceiver;
let incidentId: string;

beforeAll(async () => {
  pagerduty = await startWebhookReceiver();
  teams = await startWebhookReceiver();
  slack = await startWebhookReceiver();
  process.env.MODELWATCH_PAGERDUTY_URL = pagerduty.url;
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await seedChurnModel(admin);
  const rows = Array.from({ length: 12 }, (_, i) => ({
    event_id: `e${i}`,
    event_timestamp: HOUR_0 + i,
    age: 40,
    balance: 100,
    geography: i < 9 ? 'Atlantis' : 'France',
    tenure: 3,
    probability_churned: 0.2,
  }));
  await admin.post(`${model}/events/batch`, rows);
  const rule = await admin.post(`${model}/alert-rules`, {
    name: 'unknown countries',
    metric: 'range_violation_count',
    columns: ['geography'],
    bin_size: 'hour',
    condition: 'greater',
    warning_threshold: 2,
    critical_threshold: 5,
    priority: 'high',
    notifications: {
      pagerduty: [{ routing_key: 'R0UT1NGKEY0000000000000000000001' }],
      teams: [teams.url],
      slack: [slack.url],
    },
  });
  expect(rule.status).toBe(201);
  // The first run opens the incident; the second finds the next hour complete and empty, and resolves it.
  await admin.post('/v1/monitor/run');
  await admin.post('/v1/monitor/run');
  incidentId = (await admin.get(`${model}/incidents`)).body.items[0].incident_id;
});

afterAll(async () => {
  delete process.env.MODELWATCH_PAGERDUTY_URL;
  await service.destroy();
  await Promise.all([pagerduty.close(), teams.close(), slack.close()]);
});

const bodies = (receiver: WebhookReceiver) => receiver.deliveries.map((d) => JSON.parse(d.body));

describe('PagerDuty Events API v2', () => {
  it('triggers an alert deduplicated on the incident id, with summary, source and severity', () => {
    const [trigger] = bodies(pagerduty);
    expect(trigger).toMatchObject({
      routing_key: 'R0UT1NGKEY0000000000000000000001',
      event_action: 'trigger',
      dedup_key: incidentId,
      client: 'Modelwatch',
      payload: {
        source: 'modelwatch:bank/churn',
        severity: 'critical',
        component: 'range violation count of geography',
        custom_details: expect.objectContaining({ value: 9, threshold: 5, event_count: 12 }),
      },
    });
    expect(trigger.payload.summary).toMatch(/^Incident opened: CRITICAL: range violation count of geography/);
    expect(trigger.payload.summary).toContain('(12 events)');
    expect(trigger.payload.summary.length).toBeLessThanOrEqual(1024);
  });

  it('resolves the same alert when the incident resolves', () => {
    expect(bodies(pagerduty).slice(1)).toEqual([
      { routing_key: 'R0UT1NGKEY0000000000000000000001', dedup_key: incidentId, event_action: 'resolve' },
    ]);
  });
});

describe('Microsoft Teams', () => {
  it('posts an Adaptive Card message with the incident in words and its facts', () => {
    const [opened, resolved] = bodies(teams);
    expect(opened.type).toBe('message');
    const [attachment] = opened.attachments;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    const [title, facts] = attachment.content.body;
    expect(title.text).toContain('range violation count of geography');
    expect(facts.facts).toEqual(
      expect.arrayContaining([
        { title: 'Watching', value: 'range violation count of geography' },
        { title: 'Bin', value: 'the hour starting 2026-05-04 10:00 UTC, 12 events' },
        { title: 'Value', value: '9' },
      ]),
    );
    expect(resolved.attachments[0].content.body[0].text).toMatch(/^Resolved: /);
  });
});

describe('Slack', () => {
  it("posts the opening and the resolve in Slack's text format", () => {
    expect(bodies(slack).map((body) => Object.keys(body))).toEqual([['text'], ['text']]);
    expect(bodies(slack)[1].text).toMatch(/^Resolved: range violation count of geography on bank\/churn/);
  });
});
