// The local stand-in for SNS delivery: emails and SMS are kept in the data dir and listed here (admin token).

import type { OutboxSender } from '../shared/alerts/email-sms-senders.js';
import type { Router } from '../shared/api/router.js';
import type { Services } from '../shared/api/services.js';
import { requireAdmin } from '../shared/auth/tokens.js';

export function localNotificationsRoute(router: Router, services: Services, outbox: OutboxSender): void {
  router.get('/v1/admin/notifications', async (c) => {
    requireAdmin(await services.auth.authenticate(c.req.header('authorization')));
    return c.json({ items: await outbox.list() });
  });
}
