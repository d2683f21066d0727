// The environment of the Lambdas: the variables the CDK stack sets on each function (infra/constructs/
// service-function.ts) and the Lambdas' composition reads (aws.ts), so both name them from one list.
import type { TableNames } from '../shared/storage/dynamo/client.js';

/** Environment variables naming the physical resources, set by the stack only on the functions that use them. */
export const LAMBDA_ENV = {
  registryTable: 'MODELWATCH_REGISTRY_TABLE',
  eventsTable: 'MODELWATCH_EVENTS_TABLE',
  profilesTable: 'MODELWATCH_PROFILES_TABLE',
  baselineBucket: 'MODELWATCH_BASELINE_BUCKET',
  alertsTopicArn: 'MODELWATCH_ALERTS_TOPIC_ARN',
  adminSecretArn: 'MODELWATCH_ADMIN_SECRET_ARN',
  dashboardUrl: 'MODELWATCH_DASHBOARD_URL',
} as const;

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The physical table names the stack gave this function. */
export function tableNamesFromEnv(): TableNames {
  return {
    registry: requiredEnv(LAMBDA_ENV.registryTable),
    events: requiredEnv(LAMBDA_ENV.eventsTable),
    profiles: requiredEnv(LAMBDA_ENV.profilesTable),
  };
}
