// What every notification channel is: the targets a rule may name (one entry of the rule's `notifications`
// schema), and how an incident's opening, escalation and resolution reach them.
import type { z } from '@hono/zod-openapi';
import type { EmailSmsSender, OutgoingMessage } from '../email-sms-senders.js';
import type { Notice } from '../types.js';
import type { PostOptions } from '../webhooks.js';

export interface SendContext {
  /** Where emails and SMS go: SNS in AWS, the outbox locally. */
  messages: EmailSmsSender;
  /** The egress policy, retries and the end of the run's delivery budget every HTTP channel is sent under. */
  http: PostOptions;
  /** Where PagerDuty events are posted. */
  pagerdutyUrl: string;
}

/** A target that could not be reached, named as it reads in the rule. */
export interface TargetFailure {
  target: string;
  error: string;
}

export interface Channel<Target> {
  /** The rule's list of targets for this channel. */
  readonly targets: z.ZodType<Target[]>;
  /** What can be told wrong about a target without sending (DNS waits for delivery). */
  problem?(target: Target): string | undefined;
  /** An incident opened or escalated. */
  notify(targets: Target[], notice: Notice, context: SendContext): Promise<TargetFailure[]>;
  /** An incident resolved. */
  resolve(targets: Target[], notice: Notice, context: SendContext): Promise<TargetFailure[]>;
}

/** Sends to every target at once; a failing target is reported, never thrown. */
export async function eachTarget<Target>(
  targets: Target[],
  label: (target: Target) => string,
  send: (target: Target) => Promise<void>,
): Promise<TargetFailure[]> {
  const failures: TargetFailure[] = [];
  await Promise.all(
    targets.map((target) =>
      send(target).catch((error: unknown) =>
        failures.push({ target: label(target), error: (error as Error).message }),
      ),
    ),
  );
  return failures;
}

/** Channels whose resolve is the same message with other words. */
export function sameForResolve<Target>(channel: Omit<Channel<Target>, 'resolve'>): Channel<Target> {
  return { ...channel, resolve: channel.notify };
}

/**
 * A channel whose targets all get one message through the email and SMS sender (the alerts topic in AWS, the
 * outbox locally): `compose` writes the words, and a failure to send is a failure of every target at once.
 */
export function messageChannel(
  channel: OutgoingMessage['channel'],
  targets: z.ZodType<string[]>,
  compose: (notice: Notice) => Pick<OutgoingMessage, 'subject' | 'text'>,
): Channel<string> {
  return sameForResolve({
    targets,
    async notify(to, notice, { messages }) {
      if (to.length === 0) return [];
      const message = {
        channel,
        to,
        ...compose(notice),
        alert_id: notice.record.alert_id,
        incident_id: notice.incident.incident_id,
        severity: notice.incident.severity,
      };
      return messages.send(message, notice.record).then(
        () => [],
        (error: Error) => [{ target: to.join(','), error: error.message }],
      );
    },
  });
}
