// AlertsTopic: the encrypted model alerts and operational alarms topics, their subscribers and filter policies,
// and the permissions a function gets to publish and to subscribe a rule's recipients.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AlertsTopic } from '../../infra/constructs/alerts-topic.js';
import { ServiceFunction } from '../../infra/constructs/service-function.js';
import { testStack } from './support.js';

const stack = testStack();
const alerts = new AlertsTopic(stack, 'Alerts', {
  emails: ['ops@example.com', 'ml@example.com'],
  phoneNumbers: ['+15551234567'],
});
const api = new ServiceFunction(stack, 'Api', { entry: 'lambdas/api.ts' }).useAlertsTopic(alerts.topic, {
  manageSubscriptions: true,
});
const template = Template.fromStack(stack);
const keyId = stack.getLogicalId(alerts.key.node.defaultChild as never);
const ref = (topic: typeof alerts.topic) => ({ Ref: stack.getLogicalId(topic.node.defaultChild as never) });
const alertsRef = ref(alerts.topic);
const alarmsRef = ref(alerts.alarmsTopic);
const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')).map(
  (r) => r.Properties,
);
const roleId = stack.getLogicalId(api.role.node.defaultChild as never);
const statementsOfApi = () =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);

describe('AlertsTopic', () => {
  it('encrypts the topic with its own customer managed key', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
  });

  it('rotates the key yearly', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('lets CloudWatch alarms in this account use the key to publish', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
          }),
        ]),
      },
    });
  });

  it('refuses publishing or subscribing without TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('encrypts both topics with the key', () => {
    const topics = Object.values(template.findResources('AWS::SNS::Topic'));
    expect(topics).toHaveLength(2);
    for (const topic of topics)
      expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });

  it('subscribes every deploy-time address and number to operational alarms, unfiltered', () => {
    const alarms = subscriptions.filter((s) => JSON.stringify(s.TopicArn) === JSON.stringify(alarmsRef));
    expect(alarms.map((s) => [s.Protocol, s.Endpoint]).sort()).toEqual([
      ['email', 'ml@example.com'],
      ['email', 'ops@example.com'],
      ['sms', '+15551234567'],
    ]);
    for (const subscription of alarms) expect(subscription.FilterPolicy).toBeUndefined();
  });

  it('filters every model alerts subscription on the recipients attribute naming its own endpoint', () => {
    const onAlerts = subscriptions.filter((s) => JSON.stringify(s.TopicArn) === JSON.stringify(alertsRef));
    expect(onAlerts).toHaveLength(3);
    for (const subscription of onAlerts) {
      expect(subscription.FilterPolicy).toEqual({ recipients: [subscription.Endpoint] });
    }
  });

  it('lets the API function publish to, subscribe to and list the alerts topic only', () => {
    const statements = statementsOfApi();
    const onAlerts = statements.filter(
      (statement: { Resource: unknown }) => JSON.stringify(statement.Resource) === JSON.stringify(alertsRef),
    );
    expect(onAlerts.flatMap((statement: { Action: string | string[] }) => statement.Action).sort()).toEqual([
      'sns:ListSubscriptionsByTopic',
      'sns:Publish',
      'sns:Subscribe',
    ]);
    expect(JSON.stringify(statements)).not.toContain(
      stack.getLogicalId(alerts.alarmsTopic.node.defaultChild as never),
    );
    expect(statements.some((s: { Action: unknown }) => JSON.stringify(s.Action).includes('sns:*'))).toBe(
      false,
    );
  });

  it('does not let a function publish SMS to phone numbers directly', () => {
    for (const statement of statementsOfApi()) {
      if (JSON.stringify(statement.Action).includes('sns:')) expect(statement.Resource).not.toBe('*');
    }
  });
});
