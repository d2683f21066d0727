// The events table's stream consumer: turns each change into a delta (idempotent by event revision), then
// brings the touched models' profiles up to date when no other process holds their lease.
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { awsServices } from '../compose/aws.js';
import type { ChangeRecord } from '../shared/feed/change-record.js';
import { FoldInterrupted, recordChanges } from '../shared/fold/record.js';
import { maintainModel } from '../shared/monitoring/maintain.js';
import { METRIC_NAMES } from '../shared/observability/meter.js';
import { lambdaMeter, logger, metrics } from './observability.js';

const services = awsServices();
const owner = `fold-${process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? 'local'}`;

export const handler = async (
  event: DynamoDBStreamEvent,
  context?: Context,
): Promise<DynamoDBBatchResponse> => {
  if (context) logger.addContext(context);
  try {
    return await foldBatch(event.Records as unknown as ChangeRecord[]);
  } finally {
    metrics.publishStoredMetrics();
  }
};

async function foldBatch(records: ChangeRecord[]): Promise<DynamoDBBatchResponse> {
  let outcome: Awaited<ReturnType<typeof recordChanges>>;
  try {
    // Poison records are quarantined inside; only a transient failure comes out here.
    outcome = await recordChanges(services.profiles, records, services.quarantine);
  } catch (error) {
    // Records before the failing one are done: reporting it makes the stream retry from there, not from the start.
    const failed = error instanceof FoldInterrupted ? error.record : records[0];
    // The cause alone: the record holds event values, which do not belong in logs.
    logger.error('folding a stream batch stopped; it will be retried from the failed record', {
      error: (error instanceof FoldInterrupted ? error.cause : error) as Error,
      sequenceNumber: failed?.dynamodb.SequenceNumber,
    });
    lambdaMeter.count(METRIC_NAMES.foldBatchesRetried, 1);
    const itemIdentifier = failed?.dynamodb.SequenceNumber;
    return { batchItemFailures: itemIdentifier ? [{ itemIdentifier }] : [] };
  }
  lambdaMeter.count(METRIC_NAMES.changesFolded, outcome.deltas);
  lambdaMeter.count(METRIC_NAMES.changesQuarantined, outcome.quarantined);
  if (outcome.quarantined > 0) logger.error('changes quarantined', { count: outcome.quarantined });
  for (const model of outcome.models) {
    // Best effort: the deltas are durable, and the scheduled monitor folds whatever is left.
    await maintainModel(services, model, owner, { rebuildHourBudget: 0 }).catch((error: unknown) =>
      logger.warn('compaction after the stream batch failed; the schedule will retry', {
        model,
        error: error as Error,
      }),
    );
  }
  return { batchItemFailures: [] };
}
