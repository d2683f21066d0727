// Feeds the events table's stream to the fold Lambda, with partial batch failures and a dead-letter queue.
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';

export interface StreamProcessorProps {
  /** The table whose stream is read; it must have a stream enabled. */
  readonly table: ITable;
  /** The function that receives the batches; it returns `batchItemFailures`. */
  readonly handler: IFunction;
  /**
   * Most records in one invocation.
   * @default 500
   */
  readonly batchSize?: number;
  /**
   * How long Lambda waits to fill a batch: trades a few seconds of latency for fewer, fuller invocations.
   * @default Duration.seconds(5)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Retries of a failing batch before its records go to the dead-letter queue.
   * @default 10
   */
  readonly retryAttempts?: number;
  /**
   * Batches processed at once per shard; records with the same key stay in order at any setting.
   * @default 1
   */
  readonly parallelizationFactor?: number;
}

/**
 * The event source mapping from the stream to the fold: reports item failures, retries a failing batch whole, and
 * sends what still fails to an encrypted, SSL-only SQS queue (the records' stream coordinates, not their data).
 */
export class StreamProcessor extends Construct {
  /** The stream records that failed every retry (their shard and sequence numbers). */
  public readonly deadLetterQueue: Queue;
  /** The event source, for its mapping id. */
  public readonly eventSource: DynamoEventSource;

  constructor(scope: Construct, id: string, props: StreamProcessorProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.deadLetterQueue,
      'SQS3',
      'This queue is itself the dead-letter destination of the stream mapping; nothing consumes it automatically.',
    );
    this.eventSource = new DynamoEventSource(props.table, {
      // The fold must see every change ever written, including those made while it was failing.
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: props.batchSize ?? 500,
      maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(5),
      // Not bisected: the fold quarantines a poison record itself, and a batch retried from the same first record
      // packs its changes under the same names (overwriting what its failed attempt wrote), where halves would
      // leave copies in packs of other names for a later compaction step to fold again.
      bisectBatchOnError: false,
      reportBatchItemFailures: true,
      retryAttempts: props.retryAttempts ?? 10,
      parallelizationFactor: props.parallelizationFactor ?? 1,
      onFailure: new SqsDlq(this.deadLetterQueue),
    });
    props.handler.addEventSource(this.eventSource);
  }
}
