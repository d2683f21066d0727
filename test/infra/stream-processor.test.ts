// StreamProcessor: the events stream mapping to the fold, with partial failures and a dead-letter queue.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, it } from 'vitest';
import { StreamProcessor } from '../../infra/constructs/stream-processor.js';
import { testStack } from './support.js';

const stack = testStack();
const table = new Table(stack, 'Events', {
  partitionKey: { name: 'pk', type: AttributeType.STRING },
  stream: StreamViewType.NEW_AND_OLD_IMAGES,
});
const handler = new LambdaFunction(stack, 'Fold', {
  runtime: Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: Code.fromInline('export const handler = async () => ({ batchItemFailures: [] });'),
});
const processor = new StreamProcessor(stack, 'Processor', { table, handler });
const template = Template.fromStack(stack);
const queueId = stack.getLogicalId(processor.deadLetterQueue.node.defaultChild as never);

describe('StreamProcessor', () => {
  it('reads the events stream from its oldest record', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [stack.getLogicalId(table.node.defaultChild as never), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
    });
  });

  it('batches up to 500 records or 5 seconds', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 5,
    });
  });

  it('retries from the first failed item, and a failing batch whole, never bisected', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: false,
      MaximumRetryAttempts: 10,
    });
  });

  it('sends records that fail every retry to the dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('encrypts the dead-letter queue and refuses it requests without TLS', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});
