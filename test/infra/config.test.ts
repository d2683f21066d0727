// readConfig: the CDK context keys, their defaults, and the errors that name a bad key.
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../infra/config.js';

const configFrom = (context: Record<string, unknown>) => readConfig((key) => context[key]);

describe('readConfig', () => {
  it('defaults to the dev stage, no subscribers, one month of logs and a five-minute monitor', () => {
    const config = configFrom({});

    expect(config).toMatchObject({
      stage: 'dev',
      alertEmails: [],
      alertPhoneNumbers: [],
      logRetention: RetentionDays.ONE_MONTH,
    });
    expect(config.scheduleRate.toMinutes()).toBe(5);
  });

  it.each([
    [{ stage: 'prod' }, 'stage', 'prod'],
    [{ alertEmails: 'a@example.com, b@example.com' }, 'alertEmails', ['a@example.com', 'b@example.com']],
    [{ alertEmails: ['a@example.com'] }, 'alertEmails', ['a@example.com']],
    [
      { alertPhoneNumbers: '+15551234567,+447700900123' },
      'alertPhoneNumbers',
      ['+15551234567', '+447700900123'],
    ],
    [{ retentionDays: '90' }, 'logRetention', RetentionDays.THREE_MONTHS],
    [{ retentionDays: 365 }, 'logRetention', RetentionDays.ONE_YEAR],
  ])('reads %j', (context, field, expected) => {
    expect(configFrom(context)[field as keyof ReturnType<typeof readConfig>]).toEqual(expected);
  });

  it('reads the schedule rate in minutes, from a string or a number', () => {
    expect(configFrom({ scheduleRate: '15' }).scheduleRate.toMinutes()).toBe(15);
    expect(configFrom({ scheduleRate: 1 }).scheduleRate.toMinutes()).toBe(1);
  });

  it.each([
    [{ stage: 'staging' }, /Context key 'stage' must be one of dev, prod; got "staging"/],
    [{ alertEmails: 'ops@example.com,not-an-email' }, /Context key 'alertEmails' holds 'not-an-email'/],
    [{ alertEmails: [42] }, /Context key 'alertEmails' must be a comma-separated string or an array/],
    [
      { alertPhoneNumbers: '5551234567' },
      /Context key 'alertPhoneNumbers' holds '5551234567', which is not an E.164/,
    ],
    [{ retentionDays: '45' }, /Context key 'retentionDays' sets log retention and must be one of/],
    [{ scheduleRate: '2.5' }, /Context key 'scheduleRate' is the monitor's period in whole minutes/],
    [{ scheduleRate: '0' }, /Context key 'scheduleRate'/],
  ])('rejects %j with a sentence naming the key', (context, message) => {
    expect(() => configFrom(context)).toThrow(message);
  });
});
