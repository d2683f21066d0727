// Project routes: create (admin) and list (a scoped token sees only its projects).
import { requireAdmin } from '../../auth/tokens.js';
import { createProject, listProjects } from '../../projects/projects.js';
import { conflictResponse, json } from '../responses.js';
import { jsonBody, listPage, pageSchema, routesTagged } from '../route.js';
import { newRouter } from '../router.js';
import { createProjectBody, listQuery, projectSchema } from '../schemas.js';

const route = routesTagged('Projects');

const create = route({
  method: 'post',
  path: '/v1/projects',
  summary: 'Create a project (admin token)',
  request: { body: jsonBody(createProjectBody) },
  responses: { 201: json(projectSchema, 'Created'), ...conflictResponse },
});

const list = route({
  method: 'get',
  path: '/v1/projects',
  summary: 'List the projects the token may see',
  request: { query: listQuery },
  responses: { 200: json(pageSchema(projectSchema), 'Projects') },
});

export function projectRoutes() {
  return newRouter()
    .openapi(create, async (c) => {
      requireAdmin(c.get('principal'));
      const { project_id } = c.req.valid('json');
      return c.json(await createProject(c.get('services'), project_id), 201);
    })
    .openapi(list, async (c) => {
      const services = c.get('services');
      const principal = c.get('principal');
      const page = await listPage(c.req.valid('query'), (limit, nextToken) =>
        listProjects(services, principal, limit, nextToken),
      );
      return c.json(page, 200);
    });
}
