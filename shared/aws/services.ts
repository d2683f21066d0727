// Services for the Lambda runtime, built once per container from the environment the CDK stack sets.
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SnsChannel } from '../alerts/channels.js';
import { SnsRecipients } from '../alerts/recipients.js';
import type { Services } from '../api/services.js';
import { Authenticator, sha256Hex } from '../auth/tokens.js';
import { runMonitor } from '../monitoring/run.js';
import { DynamoAlertStore } from '../storage/dynamo/alerts.js';
import { createDocumentClient } from '../storage/dynamo/client.js';
import { DynamoEventStore } from '../storage/dynamo/events.js';
import { DynamoProfileStore } from '../storage/dynamo/profiles.js';
import { DynamoQuarantineStore } from '../storage/dynamo/quarantine.js';
import { DynamoRegistryStore } from '../storage/dynamo/registry.js';
import { S3BlobStore } from '../storage/s3/blobs.js';
import { ENV } from '../storage/tables.js';
import { lambdaMeter, tracer } from './observability.js';

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/**
 * Reads the admin token from Secrets Manager on first use, keeping only its hash. Lazy, so functions that never
 * authenticate (stream fold, scheduled monitor) need neither the secret's name nor access to it.
 */
function adminHashFromSecret(): () => Promise<string> {
  let hash: Promise<string> | undefined;
  let client: SecretsManagerClient | undefined;
  return () => {
    client ??= tracer.captureAWSv3Client(new SecretsManagerClient({}));
    const secretArn = requiredEnv(ENV.adminSecretArn);
    hash ??= client.send(new GetSecretValueCommand({ SecretId: secretArn })).then((secret) => {
      if (!secret.SecretString) throw new Error('the admin token secret has no string value');
      return sha256Hex(secret.SecretString.trim());
    });
    // A failed read is retried on the next request rather than cached.
    hash.catch(() => {
      hash = undefined;
    });
    return hash;
  };
}

export function awsServices(): Services {
  const documents = createDocumentClient({}, (client) => tracer.captureAWSv3Client(client));
  const registry = new DynamoRegistryStore(documents, requiredEnv(ENV.registryTable));
  const events = new DynamoEventStore(documents, requiredEnv(ENV.eventsTable));
  // Checksums only when required: a presigned PUT must not carry the checksum of an empty body.
  const blobs = new S3BlobStore(
    tracer.captureAWSv3Client(new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' })),
    requiredEnv(ENV.baselineBucket),
  );
  const profiles = new DynamoProfileStore(documents, requiredEnv(ENV.profilesTable));
  const alerts = new DynamoAlertStore(documents, requiredEnv(ENV.profilesTable));
  const quarantine = new DynamoQuarantineStore(documents, requiredEnv(ENV.profilesTable));
  // The topic is read when a message is sent: only functions that notify are given it.
  const sns = tracer.captureAWSv3Client(new SNSClient({}));
  const channel = new SnsChannel(sns, () => requiredEnv(ENV.alertsTopicArn));
  return {
    registry,
    events,
    blobs,
    profiles,
    alerts,
    recipients: new SnsRecipients(sns, () => requiredEnv(ENV.alertsTopicArn)),
    quarantine,
    auth: new Authenticator(registry, adminHashFromSecret()),
    clock: Date.now,
    meter: lambdaMeter,
    // The stream Lambda has already turned changes into deltas: the run folds them and finishes rebuilds.
    // DynamoDB and S3 are regional services: a Lambda that runs can reach them, and faults answer 503 per request.
    health: async () => ({ ok: true }),
    runMonitor: () =>
      runMonitor({
        registry,
        events,
        blobs,
        profiles,
        quarantine,
        clock: Date.now,
        alerts: {
          alerts,
          profiles,
          channel,
          clock: Date.now,
          dashboardUrl: process.env[ENV.dashboardUrl],
          delivery: { pagerdutyUrl: process.env.MODELWATCH_PAGERDUTY_URL },
        },
      }),
  };
}
