// What every notification channel is: the targets a rule may name (one entry of the rule's `notifications`
// schema), and how an incident's opening, escalation and resolution reach them.
import type { z } from '@hono/zod-openapi';
import type { EmailSmsSender } from '../email-sms-senders.js';
import type { Notice } from '../types.js';
import type { WebhookOptions } from '../webhooks.js';

export interface SendContext {
  /** Where emails and SMS go: SNS in AWS, the outbox locally. */
  messages: EmailSmsSender;
  /** The egress policy and retries every HTTP channel is sent under. */
  http: WebhookOptions;
  /** Where PagerDuty events are posted. */
  pagerdutyUrl: string;
  /** `performance.now()` time by which the run's delivery budget ends. */
  deadline: number;
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
