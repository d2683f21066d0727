// Email: one message to every address of the rule, through SNS in AWS (each address subscribed with a filter on
// the message's recipients) or the local outbox.
import { z } from '@hono/zod-openapi';
import { emailBody, emailSubject } from '../messages.js';
import { type Channel, messageChannel } from './channel.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const emailChannel: Channel<string> = messageChannel(
  'email',
  z.array(z.string().regex(EMAIL, 'emails: not an email address')).max(50),
  (notice) => ({ subject: emailSubject(notice), text: emailBody(notice) }),
);
