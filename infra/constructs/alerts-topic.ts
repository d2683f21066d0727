// The SNS topics of a deployment, encrypted with their own key: model alerts, which reach exactly the recipients a
// message names (subscription filter policies), and operational alarms, on a topic of their own.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SmsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertsTopicProps {
  /**
   * Email addresses subscribed at deploy time: to every operational alarm, and to the model alerts that name them
   * (rules subscribe their own recipients when saved). Each must confirm the subscription from the email SNS sends.
   * @default - no email subscriptions
   */
  readonly emails?: readonly string[];
  /**
   * Phone numbers in E.164 format (+15551234567) subscribed for SMS, as `emails` are.
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

/**
 * The model alerts topic and the operational alarms topic: SSL-only, encrypted with a customer managed key that
 * CloudWatch alarms may also publish with.
 */
export class AlertsTopic extends Construct {
  /** Model alerts: every message names its recipients, and every subscription filters on its own endpoint. */
  public readonly topic: Topic;
  /** Operational alarms (Lambda errors, fold lag, dead letters), for the platform team. */
  public readonly alarmsTopic: Topic;
  /** The topics' encryption key (rotated yearly). */
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
    this.alarmsTopic = new Topic(this, 'AlarmsTopic', {
      displayName: `${props.displayName ?? 'Modelwatch'} operations`,
      masterKey: this.key,
      enforceSSL: true,
    });
    // The same filter a rule's save gives its recipients (shared/alerts/recipients.ts): only messages naming them.
    const naming = (endpoint: string) => ({
      filterPolicy: { recipients: SubscriptionFilter.stringFilter({ allowlist: [endpoint] }) },
    });
    for (const email of props.emails ?? []) {
      this.alarmsTopic.addSubscription(new EmailSubscription(email));
      this.topic.addSubscription(new EmailSubscription(email, naming(email)));
    }
    for (const phoneNumber of props.phoneNumbers ?? []) {
      this.alarmsTopic.addSubscription(new SmsSubscription(phoneNumber));
      this.topic.addSubscription(new SmsSubscription(phoneNumber, naming(phoneNumber)));
    }
  }
}
