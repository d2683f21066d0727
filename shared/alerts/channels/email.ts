// Email: one message to every address of the rule, through SNS in AWS (each address subscribed with a filter on
// the message's recipients) or the local outbox.
import { z } from '@hono/zod-openapi';
import { emailBody, emailSubject } from '../messages.js';
import { type Channel, sameForResolve } from './channel.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const emailChannel: Channel<string> = sameForResolve({
  targets: z.array(z.string().regex(EMAIL, 'emails: not an email address')).max(50),
  async notify(to, notice, { messages }) {
    if (to.length === 0) return [];
    const message = {
      channel: 'email' as const,
      to,
      subject: emailSubject(notice),
      text: emailBody(notice),
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
