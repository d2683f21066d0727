// Emails and SMS through SNS, against moto_server: the alerts topic delivers to an SQS subscription, and the
// message read back carries the subject, the body and the recipients attribute subscriptions filter on.
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnsChannel } from '../../shared/alerts/channels.js';
import { findOnPath, type MotoServer, startMoto } from '../support/moto.js';

const motoBinary = findOnPath('moto_server');
if (!motoBinary) console.warn('moto_server is not on PATH: SNS delivery tests are skipped');

const config = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

describe.skipIf(!motoBinary)('SnsChannel against moto_server', () => {
  let moto: MotoServer;
  let sns: SNSClient;
  let sqs: SQSClient;
  let topicArn: string;
  let queueUrl: string;

  beforeAll(async () => {
    moto = await startMoto(motoBinary as string);
    sns = new SNSClient(config(moto.endpoint));
    sqs = new SQSClient(config(moto.endpoint));
    topicArn = (await sns.send(new CreateTopicCommand({ Name: 'modelwatch-alerts' }))).TopicArn as string;
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'alerts-inbox' }))).QueueUrl as string;
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: attributes.Attributes?.QueueArn,
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it('publishes an email to the alerts topic with its subject, body and recipients', async () => {
    const channel = new SnsChannel(sns, () => topicArn);

    await channel.send({
      channel: 'email',
      to: ['oncall@example.com'],
      subject: '[Modelwatch CRITICAL] jsd on Age',
      text: 'body text',
      alert_id: 'al_1',
      severity: 'critical',
    });

    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 2 }));
    const envelope = JSON.parse(received.Messages?.[0]?.Body ?? '{}');
    expect(envelope.Subject).toBe('[Modelwatch CRITICAL] jsd on Age');
    expect(envelope.Message).toBe('body text');
    expect(JSON.parse(envelope.MessageAttributes.recipients.Value)).toEqual(['oncall@example.com']);
    expect(envelope.MessageAttributes.severity.Value).toBe('critical');
  });

  it('sends an SMS straight to each phone number, not to the topic', async () => {
    const sent: unknown[] = [];
    const recording = new SNSClient(config(moto.endpoint));
    recording.middlewareStack.add(
      (next) => async (args) => {
        sent.push((args as { input: unknown }).input);
        return next(args);
      },
      { step: 'initialize' },
    );
    const channel = new SnsChannel(recording, () => topicArn);

    await channel.send({
      channel: 'sms',
      to: ['+14155550123', '+442071838750'],
      text: 'MW CRITICAL churn',
      alert_id: 'al_1',
      severity: 'critical',
    });

    expect(sent).toEqual([
      { PhoneNumber: '+14155550123', Message: 'MW CRITICAL churn' },
      { PhoneNumber: '+442071838750', Message: 'MW CRITICAL churn' },
    ]);
    expect(sent.every((input) => !(input as { TopicArn?: string }).TopicArn)).toBe(true);
    // The same call shape is accepted by SNS itself.
    await expect(
      sns.send(new PublishCommand({ PhoneNumber: '+14155550123', Message: 'MW' })),
    ).resolves.toBeDefined();
  });
});
