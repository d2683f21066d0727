// The SNS topic that model alerts (and operational alarms) are published to, encrypted with its own key.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SmsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertsTopicProps {
  /**
   * Email addresses subscribed to the topic; each must confirm the subscription from the email SNS sends.
   * @default - no email subscriptions
   */
  readonly emails?: readonly string[];
  /**
   * Phone numbers in E.164 format (+15551234567) subscribed for SMS.
   * @default - no SMS subscriptions
   */
  readonly phoneNumbers?: readonly string[];
  /**
   * Name shown as the sender of SMS and email notifications.
   * @default 'Modelwatch'
   */
  readonly displayName?: string;
  /**
   * What happens to the key when the stack is deleted; a retained key outlives the topic for audit.
   * @default RemovalPolicy.RETAIN
   */
  readonly keyRemovalPolicy?: RemovalPolicy;
}

/** An SSL-only SNS topic encrypted with a customer managed key that CloudWatch alarms may also publish with. */
export class AlertsTopic extends Construct {
  /** The topic. */
  public readonly topic: Topic;
  /** The topic's encryption key (rotated yearly). */
  public readonly key: Key;

  constructor(scope: Construct, id: string, props: AlertsTopicProps = {}) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the Modelwatch alerts topic',
      enableKeyRotation: true,
      removalPolicy: props.keyRemovalPolicy ?? RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(7),
    });
    // A customer key (rather than aws/sns) is what lets CloudWatch alarms publish to an encrypted topic.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      displayName: props.displayName ?? 'Modelwatch',
      masterKey: this.key,
      enforceSSL: true,
    });
    for (const email of props.emails ?? []) this.topic.addSubscription(new EmailSubscription(email));
    for (const phoneNumber of props.phoneNumbers ?? [])
      this.topic.addSubscription(new SmsSubscription(phoneNumber));
  }
}
