// Project routes: create (admin) and list (a scoped token sees only its projects).
import { createRoute, z } from '@hono/zod-openapi';
import { requireAdmin } from '../../auth/tokens.js';
import { createProject, listProjects } from '../../projects/projects.js';
import { conflictResponse, errorResponses, json } from '../responses.js';
import { newRouter } from '../router.js';
import { createProjectBody, listQuery, projectSchema } from '../schemas.js';

const create = createRoute({
  method: 'post',
  path: '/v1/projects',
  tags: ['Projects'],
  summary: 'Create a project (admin token)',
  request: { body: { required: true, content: { 'application/json': { schema: createProjectBody } } } },
  responses: { 201: json(projectSchema, 'Created'), ...errorResponses, ...conflictResponse },
});

const list = createRoute({
  method: 'get',
  path: '/v1/projects',
  tags: ['Projects'],
  summary: 'List the projects the token may see',
  request: { query: listQuery },
  responses: {
    200: json(z.object({ items: z.array(projectSchema), next_token: z.string().optional() }), 'Projects'),
    ...errorResponses,
  },
});

export function projectRoutes() {
  return newRouter()
    .openapi(create, async (c) => {
      requireAdmin(c.get('principal'));
      const { project_id } = c.req.valid('json');
      return c.json(await createProject(c.get('services'), project_id), 201);
    })
    .openapi(list, async (c) => {
      const { limit, next_token } = c.req.valid('query');
      return c.json(await listProjects(c.get('services'), c.get('principal'), limit ?? 100, next_token), 200);
    });
}
