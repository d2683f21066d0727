// Reads and validates the CDK context the app is deployed with (`cdk deploy -c stage=prod ...` or cdk.json).
import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export const STAGES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

export interface ModelwatchConfig {
  stage: StageName;
  alertEmails: string[];
  alertPhoneNumbers: string[];
  /** Retention of the Lambda and API access logs; how long events are kept is set per model in the API. */
  logRetention: RetentionDays;
  scheduleRate: Duration;
}

/** Reads one context key; `readContext` is `app.node.tryGetContext`. */
export type ContextReader = (key: string) => unknown;

const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
const E164 = /^\+[1-9]\d{1,14}$/;
// CloudWatch Logs accepts only these retention periods.
const LOG_RETENTION_DAYS = Object.values(RetentionDays).filter(
  (days): days is number => typeof days === 'number',
);

export function readConfig(readContext: ContextReader): ModelwatchConfig {
  return {
    stage: readStage(readContext('stage')),
    alertEmails: readList(readContext('alertEmails'), 'alertEmails').map((email) => {
      if (!EMAIL.test(email)) {
        throw new Error(`Context key 'alertEmails' holds '${email}', which is not an email address.`);
      }
      return email;
    }),
    alertPhoneNumbers: readList(readContext('alertPhoneNumbers'), 'alertPhoneNumbers').map((phone) => {
      if (!E164.test(phone)) {
        throw new Error(
          `Context key 'alertPhoneNumbers' holds '${phone}', which is not an E.164 phone number such as +15551234567.`,
        );
      }
      return phone;
    }),
    logRetention: readLogRetention(readContext('retentionDays')),
    scheduleRate: Duration.minutes(readScheduleMinutes(readContext('scheduleRate'))),
  };
}

function readStage(value: unknown): StageName {
  if (value === undefined) return 'dev';
  if (typeof value === 'string' && (STAGES as readonly string[]).includes(value)) return value as StageName;
  throw new Error(`Context key 'stage' must be one of ${STAGES.join(', ')}; got ${JSON.stringify(value)}.`);
}

/** A list given as a JSON array (cdk.json) or a comma-separated string (`-c key=a,b`). */
function readList(value: unknown, key: string): string[] {
  if (value === undefined || value === '') return [];
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || items.some((item) => typeof item !== 'string')) {
    throw new Error(`Context key '${key}' must be a comma-separated string or an array of strings.`);
  }
  return items.map((item: string) => item.trim()).filter((item) => item !== '');
}

function readLogRetention(value: unknown): RetentionDays {
  if (value === undefined) return RetentionDays.ONE_MONTH;
  const days = Number(value);
  if (!LOG_RETENTION_DAYS.includes(days)) {
    throw new Error(
      `Context key 'retentionDays' sets log retention and must be one of ${LOG_RETENTION_DAYS.join(', ')} days; got ${JSON.stringify(value)}.`,
    );
  }
  return days as RetentionDays;
}

function readScheduleMinutes(value: unknown): number {
  if (value === undefined) return 5;
  const minutes = Number(value);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
    throw new Error(
      `Context key 'scheduleRate' is the monitor's period in whole minutes from 1 to 1440; got ${JSON.stringify(value)}.`,
    );
  }
  return minutes;
}
