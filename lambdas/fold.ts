// The events table's stream consumer: turns each change into a delta (idempotent by event revision), then
// brings the touched models' profiles up to date when no other process holds their lease.
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../shared/aws/logger.js';
import { awsServices } from '../shared/aws/services.js';
import type { ChangeRecord } from '../shared/feed/change-record.js';
import { deltasFromChanges } from '../shared/monitoring/deltas.js';
import { maintainModel } from '../shared/monitoring/maintain.js';
import { recordChanges } from '../shared/monitoring/run.js';

const services = awsServices();
const owner = `fold-${process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? 'local'}`;

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const records = event.Records as unknown as ChangeRecord[];
  try {
    await recordChanges(services.profiles, records);
  } catch (error) {
    // Writing deltas again is harmless, so the whole batch is retried from its first record.
    logger.error('writing deltas failed; the batch will be retried', { error: error as Error });
    const first = records[0]?.dynamodb.SequenceNumber;
    return { batchItemFailures: first ? [{ itemIdentifier: first }] : [] };
  }
  const touched = new Map(
    deltasFromChanges(records).map((delta) => [
      `${delta.model.project_id}/${delta.model.model_id}`,
      delta.model,
    ]),
  );
  for (const model of touched.values()) {
    // Best effort: the deltas are durable, and the scheduled monitor folds whatever is left.
    await maintainModel(services, model, owner, { rebuildHourBudget: 0 }).catch((error: unknown) =>
      logger.warn('compaction after the stream batch failed; the schedule will retry', {
        model,
        error: error as Error,
      }),
    );
  }
  return { batchItemFailures: [] };
};
