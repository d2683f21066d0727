// MonitorSchedule: the EventBridge rate rule that runs the monitor.
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, it } from 'vitest';
import { MonitorSchedule } from '../../infra/constructs/monitor-schedule.js';
import { testStack } from './support.js';

const stack = testStack();
const handler = new LambdaFunction(stack, 'Monitor', {
  runtime: Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: Code.fromInline('export const handler = async () => {};'),
});
new MonitorSchedule(stack, 'Schedule', { handler, rate: Duration.minutes(10) });
const template = Template.fromStack(stack);
const functionId = stack.getLogicalId(handler.node.defaultChild as never);

describe('MonitorSchedule', () => {
  it('runs at the rate given', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(10 minutes)' });
  });

  it('targets the monitor, dropping a run once the next one is due', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          RetryPolicy: { MaximumEventAgeInSeconds: 600, MaximumRetryAttempts: 1 },
        },
      ],
    });
  });

  it('allows EventBridge to invoke the monitor', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
    });
  });
});
