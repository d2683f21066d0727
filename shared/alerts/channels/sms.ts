// SMS: one short text to every number of the rule, through the alerts topic in AWS (each number subscribed with a
// filter on the message's recipients) or the local outbox.
import { z } from '@hono/zod-openapi';
import { smsText } from '../messages.js';
import { type Channel, messageChannel } from './channel.js';

const E164 = /^\+[1-9]\d{6,14}$/;

export const smsChannel: Channel<string> = messageChannel(
  'sms',
  z.array(z.string().regex(E164, 'sms: phone numbers are E.164, like +14155550123')).max(20),
  (notice) => ({ text: smsText(notice) }),
);
