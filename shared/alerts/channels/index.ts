// The channel registry: the key a rule's `notifications` names it by, and its module. A new channel is one file
// and one line here, which is also its entry in the rule's schema.
import type { z } from '@hono/zod-openapi';
import type { Notifications } from '../types.js';
import type { Channel } from './channel.js';
import { emailChannel } from './email.js';
import { pagerdutyChannel } from './pagerduty.js';
import { slackChannel } from './slack.js';
import { smsChannel } from './sms.js';
import { teamsChannel } from './teams.js';
import { webhookChannel } from './webhook.js';

export const CHANNELS = {
  emails: emailChannel,
  sms: smsChannel,
  webhooks: webhookChannel,
  slack: slackChannel,
  teams: teamsChannel,
  pagerduty: pagerdutyChannel,
} satisfies { [K in keyof Notifications]: Channel<Notifications[K][number]> };

export type ChannelName = keyof typeof CHANNELS;
export const CHANNEL_NAMES = Object.keys(CHANNELS) as ChannelName[];

/** The rule's `notifications` object: every channel's targets, empty when left out. */
export function notificationsShape() {
  const targets = (name: ChannelName) => CHANNELS[name].targets as z.ZodType<unknown[]>;
  return Object.fromEntries(CHANNEL_NAMES.map((name) => [name, targets(name).default([])])) as {
    [K in ChannelName]: z.ZodDefault<(typeof CHANNELS)[K]['targets']>;
  };
}

export function emptyNotifications(): Notifications {
  return { emails: [], sms: [], webhooks: [], slack: [], teams: [], pagerduty: [] };
}
