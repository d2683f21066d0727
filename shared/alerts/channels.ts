// Where emails and SMS go: SNS in AWS, a file in the data dir locally (listed by an admin route).
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertRecord } from './types.js';

export interface OutgoingMessage {
  channel: 'email' | 'sms';
  to: string[];
  subject?: string;
  text: string;
  alert_id: string;
  severity: string;
  sent_at: number;
}

export interface MessageChannel {
  send(message: Omit<OutgoingMessage, 'sent_at'>, record: AlertRecord): Promise<void>;
}

/**
 * One alerts topic per deployment: emails go to the topic with their addresses as a message attribute
 * (subscriptions filter on it), SMS straight to each phone number.
 */
export class SnsChannel implements MessageChannel {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: () => string,
  ) {}

  async send(message: Omit<OutgoingMessage, 'sent_at'>): Promise<void> {
    if (message.channel === 'sms') {
      for (const phone of message.to)
        await this.client.send(new PublishCommand({ PhoneNumber: phone, Message: message.text }));
      return;
    }
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn(),
        Subject: message.subject?.slice(0, 99),
        Message: message.text,
        MessageAttributes: {
          recipients: { DataType: 'String.Array', StringValue: JSON.stringify(message.to) },
          severity: { DataType: 'String', StringValue: message.severity },
        },
      }),
    );
  }
}

/** The local run has no SNS: messages are kept as NDJSON in the data dir. */
export class OutboxChannel implements MessageChannel {
  constructor(
    private readonly path: string,
    private readonly clock: () => number = Date.now,
  ) {}

  async send(message: Omit<OutgoingMessage, 'sent_at'>): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify({ ...message, sent_at: this.clock() })}\n`);
  }

  async list(): Promise<OutgoingMessage[]> {
    try {
      const text = await readFile(this.path, 'utf8');
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as OutgoingMessage)
        .reverse();
    } catch {
      return [];
    }
  }
}
