// The Lambdas' endpoints, built once per container from the environment the CDK stack sets: AWS SDK clients traced
// by X-Ray, the admin token from Secrets Manager, SNS for notifications.
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { lambdaMeter, tracer } from '../lambdas/observability.js';
import { SnsSender } from '../shared/alerts/email-sms-senders.js';
import { SnsRecipients } from '../shared/alerts/recipients.js';
import type { Services } from '../shared/api/services.js';
import { sha256Hex } from '../shared/auth/tokens.js';
import { createDocumentClient } from '../shared/storage/dynamo/client.js';
import { S3BlobStore } from '../shared/storage/s3/blobs.js';
import { LAMBDA_ENV, requiredEnv, tableNamesFromEnv } from './environment.js';
import { buildServices } from './services.js';

/**
 * Reads the admin token from Secrets Manager on first use, keeping only its hash. Lazy, so functions that never
 * authenticate (stream fold, scheduled monitor) need neither the secret's name nor access to it.
 */
function adminHashFromSecret(): () => Promise<string> {
  let hash: Promise<string> | undefined;
  let client: SecretsManagerClient | undefined;
  return () => {
    client ??= tracer.captureAWSv3Client(new SecretsManagerClient({}));
    const secretArn = requiredEnv(LAMBDA_ENV.adminSecretArn);
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
  // Checksums only when required: a presigned PUT must not carry the checksum of an empty body.
  const s3 = tracer.captureAWSv3Client(new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' }));
  // The topic is read when a message is sent: only functions that notify are given it.
  const sns = tracer.captureAWSv3Client(new SNSClient({}));
  const topic = () => requiredEnv(LAMBDA_ENV.alertsTopicArn);
  return buildServices({
    documents: createDocumentClient({}, (client) => tracer.captureAWSv3Client(client)),
    tables: tableNamesFromEnv(),
    blobs: new S3BlobStore(s3, requiredEnv(LAMBDA_ENV.baselineBucket)),
    channel: new SnsSender(sns, topic),
    recipients: new SnsRecipients(sns, topic),
    adminHash: adminHashFromSecret(),
    meter: lambdaMeter,
    // DynamoDB and S3 are regional services: a Lambda that runs can reach them, and faults answer 503 per request.
    health: async () => ({ ok: true }),
    delivery: { pagerdutyUrl: process.env.MODELWATCH_PAGERDUTY_URL },
    dashboardUrl: () => process.env[LAMBDA_ENV.dashboardUrl],
  });
}
