// SMS: one short text to every number of the rule, through the alerts topic in AWS (each number subscribed with a
// filter on the message's recipients) or the local outbox.
import { z } from '@hono/zod-openapi';
import { smsText } from '../messages.js';
import { type Channel, sameForResolve } from './channel.js';

const E164 = /^\+[1-9]\d{6,14}$/;

export const smsChannel: Channel<string> = sameForResolve({
  targets: z.array(z.string().regex(E164, 'sms: phone numbers are E.164, like +14155550123')).max(20),
  async notify(to, notice, { messages }) {
    if (to.length === 0) return [];
    const message = {
      channel: 'sms' as const,
      to,
      text: smsText(notice),
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
