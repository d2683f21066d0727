// How emails and SMS leave (the email and sms channels of channels/ use it): the alerts topic in AWS, a file in the
// data dir locally (listed by an admin route).
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
  incident_id?: string;
  severity: string;
  sent_at: number;
}

export interface EmailSmsSender {
  send(message: Omit<OutgoingMessage, 'sent_at'>, record: AlertRecord): Promise<void>;
}

/**
 * One alerts topic per deployment. Every message goes to the topic with its addresses or numbers in the
 * `recipients` attribute; each recipient's subscription has a filter policy on it (recipients.ts), so a message
 * reaches exactly the recipients it names, and publishing needs only sns:Publish on the topic.
 */
export class SnsSender implements EmailSmsSender {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: () => string,
  ) {}

  async send(message: Omit<OutgoingMessage, 'sent_at'>): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn(),
        ...(message.channel === 'email' ? { Subject: emailSubjectLine(message.subject) } : {}),
        Message: message.text,
        MessageAttributes: {
          recipients: { DataType: 'String.Array', StringValue: JSON.stringify(message.to) },
          channel: { DataType: 'String', StringValue: message.channel },
          severity: { DataType: 'String', StringValue: message.severity },
        },
      }),
    );
  }
}

/** SNS takes a subject of at most 100 printable ASCII characters, without line breaks. */
function emailSubjectLine(subject: string | undefined): string | undefined {
  if (!subject) return undefined;
  const ascii = subject.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= 99 ? ascii : `${ascii.slice(0, 98)}~`;
}

/** The local run has no SNS: messages are kept as NDJSON in the data dir. */
export class OutboxSender implements EmailSmsSender {
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
