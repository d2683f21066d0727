// Token routes (admin only): create a project-scoped token, shown once; revoke it.
import { z } from '@hono/zod-openapi';
import { requireAdmin } from '../../auth/tokens.js';
import { json } from '../responses.js';
import { jsonBody, routesTagged } from '../route.js';
import { newRouter } from '../router.js';
import { createdTokenSchema, createTokenBody } from '../schemas.js';

const route = routesTagged('Tokens');

const create = route({
  method: 'post',
  path: '/v1/tokens',
  summary: 'Create a token allowed on the given projects (admin token); the secret is shown only here',
  request: { body: jsonBody(createTokenBody) },
  responses: { 201: json(createdTokenSchema, 'Created') },
});

const revoke = route({
  method: 'delete',
  path: '/v1/tokens/{token_id}',
  summary: 'Revoke a token (admin token)',
  request: { params: z.object({ token_id: z.string().min(1).max(64) }) },
  responses: { 204: { description: 'Revoked' } },
});

export function tokenRoutes() {
  return newRouter()
    .openapi(create, async (c) => {
      requireAdmin(c.get('principal'));
      const { name, projects } = c.req.valid('json');
      const created = await c.get('services').auth.createToken(name, projects);
      return c.json(
        { token_id: created.token_id, token: created.token, name, projects: created.record.projects },
        201,
      );
    })
    .openapi(revoke, async (c) => {
      requireAdmin(c.get('principal'));
      await c.get('services').auth.revokeToken(c.req.valid('param').token_id);
      return c.body(null, 204);
    });
}
