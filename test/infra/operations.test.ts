// Operations: the alarms and the CloudWatch dashboard.
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { Operations } from '../../infra/constructs/operations.js';
import { testStack } from './support.js';

const stack = testStack();
const lambda = (id: string) =>
  new LambdaFunction(stack, id, {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('export const handler = async () => {};'),
  });
const api = lambda('Api');
const fold = lambda('Fold');
const queue = new Queue(stack, 'DeadLetters');
const topic = new Topic(stack, 'Ops');
const operations = new Operations(stack, 'Operations', {
  functions: { Api: api, Fold: fold },
  streamConsumer: fold,
  deadLetterQueue: queue,
  alarmTopic: topic,
  serviceMetrics: {
    namespace: 'Modelwatch',
    apiService: 'mw-api',
    foldService: 'mw-fold',
    monitorService: 'mw-monitor',
  },
});
const template = Template.fromStack(stack);
const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
  (alarm) => alarm.Properties,
);
const topicRef = { Ref: stack.getLogicalId(topic.node.defaultChild as never) };

function alarmsOn(metricName: string) {
  return alarms.filter((alarm) => alarm.MetricName === metricName);
}

describe('Operations', () => {
  it('alarms on errors and on throttles of every function', () => {
    expect(alarmsOn('Errors')).toHaveLength(2);
    expect(alarmsOn('Throttles')).toHaveLength(2);
  });

  it('alarms as soon as one stream record reaches the dead-letter queue', () => {
    expect(alarmsOn('ApproximateNumberOfMessagesVisible')).toEqual([
      expect.objectContaining({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }),
    ]);
  });

  it('alarms when the fold lags the stream by more than five minutes', () => {
    expect(alarmsOn('IteratorAge')).toEqual([
      expect.objectContaining({ Threshold: 300_000, Statistic: 'Maximum' }),
    ]);
  });

  it('notifies the topic when an alarm fires and when it clears', () => {
    expect(alarms).toHaveLength(operations.alarms.length);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([topicRef]);
      expect(alarm.OKActions).toEqual([topicRef]);
    }
  });

  it('treats missing data as fine, so an idle service stays green', () => {
    for (const alarm of alarms) expect(alarm.TreatMissingData).toBe('notBreaching');
  });

  it('draws a dashboard whose alarm widget lists every alarm', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
    for (const alarm of operations.alarms) {
      expect(body).toContain(stack.getLogicalId(alarm.node.defaultChild as never));
    }
  });

  it("alarms on the functions' own metrics: quarantined changes, failed models, slow monitor runs", () => {
    const failed = alarmsOn('ModelsFailed');
    expect(failed).toEqual([
      expect.objectContaining({
        Namespace: 'Modelwatch',
        Dimensions: [{ Name: 'service', Value: 'mw-monitor' }],
        Threshold: 1,
      }),
    ]);
    expect(alarmsOn('MonitorRunDuration')).toEqual([expect.objectContaining({ Threshold: 240_000 })]);
    const quarantined = alarms.filter((alarm) =>
      JSON.stringify(alarm.Metrics ?? []).includes('ChangesQuarantined'),
    );
    expect(quarantined).toHaveLength(1);
    expect(JSON.stringify(quarantined[0]?.Metrics)).toContain('mw-fold');
    expect(JSON.stringify(quarantined[0]?.Metrics)).toContain('mw-monitor');
  });
});
