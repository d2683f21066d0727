// Admin routes across every project: the changes the fold quarantined, with the reason each cannot be folded.
import { z } from '@hono/zod-openapi';
import { requireAdmin } from '../../auth/tokens.js';
import type { QuarantinedChange } from '../../storage/quarantine.js';
import { json } from '../responses.js';
import { listPage, pageSchema, routesTagged } from '../route.js';
import { newRouter } from '../router.js';
import { listQuery } from '../schemas.js';

const quarantinedChangeSchema = z
  .object({
    project_id: z.string().nullable(),
    model_id: z.string().nullable(),
    event_id: z.string().nullable(),
    reason: z.string().openapi({ example: 'RangeError: Maximum call stack size exceeded' }),
    quarantined_at: z.number().int(),
    sequence_number: z.string(),
    record_excerpt: z.string().openapi({
      description: 'The change record as JSON, cut to 16 KiB (or a summary when it cannot be serialised)',
    }),
  })
  .openapi('QuarantinedChange');

const list = routesTagged('Admin')({
  method: 'get',
  path: '/v1/admin/quarantine',
  summary: 'Changes that cannot be folded into the metrics, newest first (admin token)',
  description:
    'A change is quarantined when no delta can be made of it or its delta cannot be stored; it blocks no other ' +
    'change. The event itself stays stored.',
  request: { query: listQuery },
  responses: { 200: json(pageSchema(quarantinedChangeSchema), 'Quarantined changes') },
});

const publicView = (entry: QuarantinedChange) => ({
  project_id: entry.project_id,
  model_id: entry.model_id,
  event_id: entry.event_id,
  reason: entry.reason,
  quarantined_at: entry.quarantined_at,
  sequence_number: entry.sequence_number,
  record_excerpt: entry.record_excerpt,
});

export function adminRoutes() {
  return newRouter().openapi(list, async (c) => {
    requireAdmin(c.get('principal'));
    const { quarantine } = c.get('services');
    const page = await listPage(
      c.req.valid('query'),
      (limit, nextToken) => quarantine.list(limit, nextToken),
      publicView,
    );
    return c.json(page, 200);
  });
}
