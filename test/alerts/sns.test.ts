// Emails and SMS through SNS, against moto_server: every message goes to the alerts topic with its recipients as
// an attribute, each recipient's subscription filters on it, so a message reaches only the recipients it names.
import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnsSender } from '../../shared/alerts/email-sms-senders.js';
import { recipientFilterPolicy, SnsRecipients } from '../../shared/alerts/recipients.js';
import { findOnPath, type MotoServer, startMoto } from '../support/moto.js';
import { noteSkippedSuite } from '../support/skipped-suites.js';

const motoBinary = findOnPath('moto_server');
if (!motoBinary)
  noteSkippedSuite('the SNS delivery tests', 'moto_server is not on PATH (pip install "moto[server]")');

const config = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

describe.skipIf(!motoBinary)('SNS alerts topic against moto_server', () => {
  let moto: MotoServer;
  let sns: SNSClient;
  let sqs: SQSClient;
  let topicArn: string;

  /** An SQS queue subscribed to the topic as `recipient` would be: filtered on the recipients attribute. */
  async function inboxOf(recipient: string): Promise<string> {
    const name = `inbox-${recipient.replace(/\W/g, '-')}`;
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: attributes.Attributes?.QueueArn,
        Attributes: { FilterPolicy: JSON.stringify(recipientFilterPolicy(recipient)) },
      }),
    );
    return queueUrl;
  }

  async function received(queueUrl: string) {
    const answer = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    return (answer.Messages ?? []).map((message) => JSON.parse(message.Body ?? '{}'));
  }

  beforeAll(async () => {
    moto = await startMoto(motoBinary as string);
    sns = new SNSClient(config(moto.endpoint));
    sqs = new SQSClient(config(moto.endpoint));
    topicArn = (await sns.send(new CreateTopicCommand({ Name: 'modelwatch-alerts' }))).TopicArn as string;
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it('delivers an email only to the subscriber it names, with its subject, body and recipients', async () => {
    const oncall = await inboxOf('oncall@example.com');
    const other = await inboxOf('other@example.com');
    const channel = new SnsSender(sns, () => topicArn);

    await channel.send({
      channel: 'email',
      to: ['oncall@example.com'],
      subject: '[Modelwatch CRITICAL opened] Jensen-Shannon distance of Age',
      text: 'body text',
      alert_id: 'al_1',
      severity: 'critical',
    });

    const [envelope] = await received(oncall);
    expect(envelope.Subject).toBe('[Modelwatch CRITICAL opened] Jensen-Shannon distance of Age');
    expect(envelope.Message).toBe('body text');
    expect(JSON.parse(envelope.MessageAttributes.recipients.Value)).toEqual(['oncall@example.com']);
    expect(await received(other)).toEqual([]);
  });

  it('publishes an SMS through the topic, reaching only the numbers it names', async () => {
    const named = await inboxOf('+14155550123');
    const unnamed = await inboxOf('+442071838750');
    const sent: Array<Record<string, unknown>> = [];
    const recording = new SNSClient(config(moto.endpoint));
    recording.middlewareStack.add(
      (next) => async (args) => {
        sent.push((args as { input: Record<string, unknown> }).input);
        return next(args);
      },
      { step: 'initialize' },
    );

    await new SnsSender(recording, () => topicArn).send({
      channel: 'sms',
      to: ['+14155550123'],
      text: 'Modelwatch CRITICAL churn',
      alert_id: 'al_1',
      severity: 'critical',
    });

    // Only sns:Publish on the topic is needed: nothing goes to a phone number directly.
    expect(sent).toEqual([expect.objectContaining({ TopicArn: topicArn })]);
    expect(sent[0]).not.toHaveProperty('PhoneNumber');
    expect((await received(named)).map((envelope) => envelope.Message)).toEqual([
      'Modelwatch CRITICAL churn',
    ]);
    expect(await received(unnamed)).toEqual([]);
  });

  it('subscribes each recipient of a rule once, with a filter policy on its own address', async () => {
    const recipients = new SnsRecipients(sns, () => topicArn);

    await recipients.subscribe(['ml@example.com'], ['+15551234567']);
    await recipients.subscribe(['ml@example.com'], ['+15551234567']);

    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    const mine = (listed.Subscriptions ?? []).filter(
      (s) => s.Endpoint === 'ml@example.com' || s.Endpoint === '+15551234567',
    );
    expect(mine.map((s) => s.Protocol).sort()).toEqual(['email', 'sms']);
    for (const subscription of mine) {
      const attributes = await sns.send(
        new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription.SubscriptionArn }),
      );
      expect(JSON.parse(attributes.Attributes?.FilterPolicy ?? '{}')).toEqual({
        recipients: [subscription.Endpoint],
      });
    }
    const statuses = await recipients.statuses(['ml@example.com', 'nobody@example.com'], ['+15551234567']);
    expect(statuses).toEqual([
      { address: 'ml@example.com', channel: 'email', status: expect.stringMatching(/confirmed|pending/) },
      { address: 'nobody@example.com', channel: 'email', status: 'not_subscribed' },
      { address: '+15551234567', channel: 'sms', status: 'confirmed' },
    ]);
  });
});
