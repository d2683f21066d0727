// Incidents, table-driven: how breaching bins group into incidents, how they escalate and resolve, noise control
// (min_count, consecutive_bins), snooze and acknowledge, and the notifications each change sends. Every case has
// its own model and its own week, and runs the monitor at chosen times (the run's clock decides which bins are
// complete), so the cases do not see each other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxSender } from '../../shared/alerts/email-sms-senders.js';
import { runMonitor } from '../../shared/monitoring/run.js';
import {
  CHURN_BASELINE_CSV,
  CHURN_MODEL,
  type Client,
  clientFor,
  startTestService,
  type TestService,
} from '../support/local-service.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
// Monday 2027-01-04: in the future, so a snooze until one of these hours is accepted by the API's real clock.
const FIRST_WEEK = Date.UTC(2027, 0, 4);

type Step =
  /** Events in hour i: n of them, `violations` with a geography the baseline never saw. */
  | { publish: [hour: number, n: number, violations: number] }
  /** A monitor run five minutes into hour i: every earlier hour is complete. */
  | { runAt: number }
  | { acknowledge: true }
  | { snoozeUntil: number }
  | { patchRule: Record<string, unknown> };

interface Case {
  name: string;
  rule?: Record<string, unknown>;
  steps: Step[];
  /** The model's incidents, newest first; bins as hour indexes. */
  incidents: Array<{ first: number; last: number; count: number; severity: string; state: string }>;
  /** Webhook notifications in order, as `event:severity of the record`. */
  sent: string[];
}

const CASES: Case[] = [
  {
    name: 'opens an incident when a bin breaches',
    steps: [{ publish: [0, 10, 3] }, { runAt: 1 }],
    incidents: [{ first: 0, last: 0, count: 1, severity: 'warning', state: 'open' }],
    sent: ['opened:warning'],
  },
  {
    name: 'extends the incident over consecutive breaching bins, notifying once',
    steps: [{ publish: [0, 10, 3] }, { publish: [1, 10, 4] }, { runAt: 1 }, { runAt: 2 }],
    incidents: [{ first: 0, last: 1, count: 2, severity: 'warning', state: 'open' }],
    sent: ['opened:warning'],
  },
  {
    name: 'escalates when a later bin reaches a higher severity',
    steps: [{ publish: [0, 10, 3] }, { publish: [1, 10, 7] }, { runAt: 1 }, { runAt: 2 }],
    incidents: [{ first: 0, last: 1, count: 2, severity: 'critical', state: 'open' }],
    sent: ['opened:warning', 'escalated:critical'],
  },
  {
    name: 'resolves when the next bin does not breach',
    steps: [{ publish: [0, 10, 3] }, { publish: [1, 10, 0] }, { runAt: 1 }, { runAt: 2 }],
    incidents: [{ first: 0, last: 0, count: 1, severity: 'warning', state: 'resolved' }],
    sent: ['opened:warning', 'resolved:warning'],
  },
  {
    name: 'resolves when the next bin holds no data',
    steps: [{ publish: [0, 10, 3] }, { runAt: 1 }, { runAt: 2 }, { runAt: 3 }],
    incidents: [{ first: 0, last: 0, count: 1, severity: 'warning', state: 'resolved' }],
    sent: ['opened:warning', 'resolved:warning'],
  },
  {
    name: 'resolves when a re-evaluation finds the last bin no longer breaching',
    steps: [
      { publish: [0, 10, 3] },
      { runAt: 1 },
      { patchRule: { warning_threshold: 8, critical_threshold: 9 } },
      { runAt: 1 },
    ],
    incidents: [{ first: 0, last: 0, count: 1, severity: 'warning', state: 'resolved' }],
    sent: ['opened:warning', 'resolved:warning'],
  },
  {
    name: 'opens a new incident when bins breach again after a gap',
    steps: [
      { publish: [0, 10, 3] },
      { publish: [1, 10, 0] },
      { publish: [2, 10, 6] },
      { runAt: 1 },
      { runAt: 2 },
      { runAt: 3 },
    ],
    incidents: [
      { first: 2, last: 2, count: 1, severity: 'critical', state: 'open' },
      { first: 0, last: 0, count: 1, severity: 'warning', state: 'resolved' },
    ],
    sent: ['opened:warning', 'resolved:warning', 'opened:critical'],
  },
  {
    name: 'never fires on a bin with fewer events than min_count',
    rule: { min_count: 20 },
    steps: [{ publish: [0, 10, 9] }, { publish: [1, 30, 9] }, { runAt: 2 }],
    incidents: [{ first: 1, last: 1, count: 1, severity: 'critical', state: 'open' }],
    sent: ['opened:critical'],
  },
  {
    name: 'fires only when consecutive_bins bins in a row breach',
    rule: { consecutive_bins: 2 },
    steps: [
      { publish: [0, 10, 3] },
      { publish: [1, 10, 0] },
      { publish: [2, 10, 3] },
      { publish: [3, 10, 6] },
      { runAt: 4 },
    ],
    incidents: [{ first: 3, last: 3, count: 1, severity: 'critical', state: 'open' }],
    sent: ['opened:critical'],
  },
  {
    name: 'sends nothing while snoozed, and what is due once the snooze ends',
    steps: [
      { publish: [0, 10, 3] },
      { runAt: 1 },
      { snoozeUntil: 3 },
      { publish: [1, 10, 7] },
      { runAt: 2 },
      { runAt: 2 },
      { publish: [2, 10, 7] },
      { runAt: 3 },
    ],
    incidents: [{ first: 0, last: 2, count: 3, severity: 'critical', state: 'open' }],
    sent: ['opened:warning', 'escalated:critical'],
  },
  {
    name: 'sends only the resolve of an acknowledged incident',
    steps: [
      { publish: [0, 10, 3] },
      { runAt: 1 },
      { acknowledge: true },
      { publish: [1, 10, 7] },
      { runAt: 2 },
      { runAt: 3 },
    ],
    incidents: [{ first: 0, last: 1, count: 2, severity: 'critical', state: 'resolved' }],
    sent: ['opened:warning', 'resolved:critical'],
  },
  {
    name: 'tells an incident that opened and resolved between two runs, opened then resolved',
    steps: [
      { publish: [0, 10, 0] },
      { runAt: 1 },
      { publish: [1, 10, 3] },
      { publish: [2, 10, 0] },
      { runAt: 3 },
    ],
    incidents: [{ first: 1, last: 1, count: 1, severity: 'warning', state: 'resolved' }],
    sent: ['opened:warning', 'resolved:warning'],
  },
  {
    name: 'does not page for incidents a new rule finds already over in its history',
    steps: [{ publish: [0, 10, 3] }, { publish: [1, 10, 0] }, { runAt: 2 }, { runAt: 3 }],
    incidents: [{ first: 0, last: 0, count: 1, severity: 'warning', state: 'resolved' }],
    sent: [],
  },
];

let service: TestService;
let admin: Client;
let receiver: WebhookReceiver;

beforeAll(async () => {
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  receiver = await startWebhookReceiver();
  await admin.post('/v1/projects', { project_id: 'inc' });
  await admin.put('/v1/projects/inc/datasets/baseline', CHURN_BASELINE_CSV, 'text/csv');
});

afterAll(async () => {
  await service.destroy();
  await receiver.close();
});

function runAt(time: number) {
  const { registry, blobs, events, profiles, alerts } = service.services;
  const clock = () => time;
  const channel = new OutboxSender(`${service.dataDir}/notifications/outbox.ndjson`, clock);
  return runMonitor(
    {
      registry,
      blobs,
      events,
      profiles,
      clock,
      alerts: { alerts, profiles, channel, clock, delivery: { egress: 'local' } },
    },
    { read: (position, limit) => service.feed.read(position, limit) },
  );
}

async function play(modelId: string, base: number, testCase: Case) {
  const path = `/v1/projects/inc/models/${modelId}`;
  expect((await admin.put(path, CHURN_MODEL)).status).toBe(201);
  const rule = await admin.post(`${path}/alert-rules`, {
    name: testCase.name,
    metric: 'range_violation_count',
    columns: ['geography'],
    bin_size: 'hour',
    condition: 'greater',
    warning_threshold: 2,
    critical_threshold: 5,
    notifications: { webhooks: [receiver.url] },
    ...testCase.rule,
  });
  expect(rule.status).toBe(201);
  const hour = (i: number) => base + i * HOUR;
  const incidentId = async () => (await admin.get(`${path}/incidents`)).body.items[0].incident_id;
  for (const step of testCase.steps) {
    if ('publish' in step) {
      const [i, n, violations] = step.publish;
      const rows = Array.from({ length: n }, (_, j) => ({
        event_id: `h${i}-${j}-${Math.random()}`,
        event_timestamp: hour(i) + j,
        age: 40,
        balance: 100,
        geography: j < violations ? 'Atlantis' : 'France',
        tenure: 3,
        probability_churned: 0.2,
      }));
      expect((await admin.post(`${path}/events/batch`, rows)).body.accepted).toBe(n);
    } else if ('runAt' in step) await runAt(hour(step.runAt) + 5 * 60_000);
    else if ('acknowledge' in step)
      expect((await admin.post(`${path}/incidents/${await incidentId()}/acknowledge`)).status).toBe(200);
    else if ('snoozeUntil' in step) {
      const until = new Date(hour(step.snoozeUntil)).toISOString();
      expect((await admin.post(`${path}/incidents/${await incidentId()}/snooze`, { until })).status).toBe(
        200,
      );
    } else {
      const patched = await admin.request(
        'PATCH',
        `${path}/alert-rules/${rule.body.rule_id}`,
        step.patchRule,
      );
      expect(patched.status).toBe(200);
    }
  }
}

describe('incidents', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, testCase, index) => {
    // Prepare and act
    const modelId = `m${index}`;
    const base = FIRST_WEEK + index * WEEK;
    await play(modelId, base, testCase);

    // Assess
    const listed = (await admin.get(`/v1/projects/inc/models/${modelId}/incidents`)).body.items;
    expect(
      listed.map((i: Record<string, number | string>) => ({
        first: ((i.first_bin as number) - base) / HOUR,
        last: ((i.last_bin as number) - base) / HOUR,
        count: i.record_count,
        severity: i.severity,
        state: i.state,
      })),
    ).toEqual(testCase.incidents);
    const sent = receiver.deliveries
      .map((d) => JSON.parse(d.body))
      .filter((body) => body.model_id === modelId)
      .map((body) => `${body.event}:${body.severity}`);
    expect(sent).toEqual(testCase.sent);
  });
});

describe('incident routes', () => {
  const path = '/v1/projects/inc/models/m0/incidents';

  it('list incidents with the fields of contract section 11', async () => {
    const [incident] = (await admin.get(path)).body.items;
    expect(Object.keys(incident)).toEqual(
      expect.arrayContaining([
        'incident_id',
        'rule_id',
        'column',
        'segment',
        'severity',
        'state',
        'first_bin',
        'last_bin',
        'record_count',
        'snoozed_until',
      ]),
    );
    expect(incident).toMatchObject({ column: 'geography', segment: null, snoozed_until: null });
  });

  it('refuse a snooze that ends in the past with 400 naming until', async () => {
    const [incident] = (await admin.get(path)).body.items;
    const answer = await admin.post(`${path}/${incident.incident_id}/snooze`, {
      until: '2020-01-01T00:00:00Z',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('until');
  });

  it('answer 404 for an incident that does not exist', async () => {
    expect((await admin.post(`${path}/inc_nope/acknowledge`)).status).toBe(404);
  });

  it.each([
    ['min_count 0', { min_count: 0 }, 'min_count'],
    ['a fractional min_count', { min_count: 1.5 }, 'min_count'],
    ['consecutive_bins above 48', { consecutive_bins: 49 }, 'consecutive_bins'],
  ])('reject a rule with %s, naming the field', async (_case, change, field) => {
    const answer = await admin.post('/v1/projects/inc/models/m0/alert-rules', {
      name: 'bad',
      metric: 'traffic',
      bin_size: 'hour',
      condition: 'greater',
      critical_threshold: 1,
      ...change,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain(field);
  });
});
