// The SDK and the CLI on incidents and rules: list, acknowledge and snooze an incident, update, mute and enable a
// rule, against the local service over real HTTP.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Incident, Modelwatch } from '../../sdk/src/client.js';
import { runCli } from '../clients/cli-process.js';
import { clientFor, seedChurnModel, startTestService, type TestService } from '../support/local-service.js';

const HOUR = Date.UTC(2026, 5, 1, 9);
let service: TestService;
let sdk: Modelwatch;
let ruleId: string;
let incident: Incident;
let configDir: string;
const cli = (...args: string[]) =>
  runCli([...args, '--project', 'bank', '--model', 'churn'], {
    config: join(configDir, 'config.json'),
    env: { MODELWATCH_URL: service.url, MODELWATCH_TOKEN: service.adminToken },
  });

beforeAll(async () => {
  service = await startTestService();
  configDir = await mkdtemp(join(tmpdir(), 'modelwatch-cli-'));
  const admin = clientFor(service.url, service.adminToken);
  await seedChurnModel(admin);
  sdk = new Modelwatch({ url: service.url, token: service.adminToken });
  const rows = Array.from({ length: 10 }, (_, i) => ({
    event_id: `e${i}`,
    event_timestamp: HOUR + i,
    age: 40,
    balance: 100,
    geography: 'Atlantis',
    tenure: 3,
    probability_churned: 0.2,
  }));
  await admin.post('/v1/projects/bank/models/churn/events/batch', rows);
  const rule = await sdk.createAlertRule('bank', 'churn', {
    name: 'unknown countries',
    metric: 'range_violation_count',
    columns: ['geography'],
    bin_size: 'hour',
    condition: 'greater',
    critical_threshold: 5,
  });
  ruleId = rule.rule_id;
  await sdk.runMonitor();
  for await (const found of sdk.listIncidents('bank', 'churn')) incident = found;
});

afterAll(async () => {
  await service.destroy();
  await rm(configDir, { recursive: true, force: true });
});

describe('the SDK', () => {
  it('lists incidents, newest first', () => {
    expect(incident).toMatchObject({ rule_id: ruleId, state: 'open', severity: 'critical', first_bin: HOUR });
  });

  it('snoozes an incident until a time given as a Date', async () => {
    const until = new Date(Date.now() + 3_600_000);
    const snoozed = await sdk.snoozeIncident('bank', 'churn', incident.incident_id, until);
    expect(snoozed.snoozed_until).toBe(until.getTime());
  });

  it('updates a rule’s noise control', async () => {
    const rule = await sdk.updateAlertRule('bank', 'churn', ruleId, { min_count: 5, consecutive_bins: 2 });
    expect(rule).toMatchObject({ min_count: 5, consecutive_bins: 2 });
  });
});

describe('the CLI', () => {
  it('lists incidents as JSON', async () => {
    const run = await cli('incidents', 'list', '--output', 'json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)[0].incident_id).toBe(incident.incident_id);
  });

  it('acknowledges an incident', async () => {
    const run = await cli('incidents', 'ack', incident.incident_id);
    expect(run.stdout).toContain('acknowledged');
  });

  it('mutes, unmutes, disables and enables a rule', async () => {
    for (const verb of ['mute', 'unmute', 'disable', 'enable'])
      expect((await cli('rules', verb, ruleId)).code).toBe(0);
    const rule = await sdk.getAlertRule('bank', 'churn', ruleId);
    expect(rule).toMatchObject({ muted: false, enabled: true });
  });

  it('updates a rule from flags', async () => {
    const run = await cli('rules', 'update', ruleId, '--critical', '7', '--pagerduty', 'KEY1');
    expect(run.code).toBe(0);
    const rule = await sdk.getAlertRule('bank', 'churn', ruleId);
    expect(rule).toMatchObject({
      critical_threshold: 7,
      notifications: { pagerduty: [{ routing_key: 'KEY1' }] },
    });
  });
});
