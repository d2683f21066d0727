// Model routes: registration, model info with its monitoring config, and drift bins.
import { createRoute, z } from '@hono/zod-openapi';
import { getModel, listModels, registerModel, setMonitoring } from '../../models/models.js';
import { conflictResponse, errorResponses, json } from '../responses.js';
import { newRouter } from '../router.js';
import {
  listQuery,
  modelBody,
  modelInfoSchema,
  modelParams,
  monitoringBody,
  projectParams,
} from '../schemas.js';

const register = createRoute({
  method: 'put',
  path: '/v1/projects/{project_id}/models/{model_id}',
  tags: ['Models'],
  summary: 'Register a model against a baseline dataset',
  description:
    'Every named column must exist in the dataset. Model info is fixed once registered: a second PUT answers 409.',
  request: {
    params: modelParams,
    body: { required: true, content: { 'application/json': { schema: modelBody } } },
  },
  responses: { 201: json(modelInfoSchema, 'Registered'), ...errorResponses, ...conflictResponse },
});

const get = createRoute({
  method: 'get',
  path: '/v1/projects/{project_id}/models/{model_id}',
  tags: ['Models'],
  summary: 'Model info, with its monitoring config',
  request: { params: modelParams },
  responses: { 200: json(modelInfoSchema, 'Model info'), ...errorResponses },
});

const list = createRoute({
  method: 'get',
  path: '/v1/projects/{project_id}/models',
  tags: ['Models'],
  summary: "A project's models, in id order",
  request: { params: projectParams, query: listQuery },
  responses: {
    200: json(z.object({ items: z.array(modelInfoSchema), next_token: z.string().optional() }), 'Models'),
    ...errorResponses,
  },
});

const monitoring = createRoute({
  method: 'put',
  path: '/v1/projects/{project_id}/models/{model_id}/monitoring',
  tags: ['Models'],
  summary: 'Set drift bin cut points per numeric column',
  description:
    'Bins are (-inf, e1], (e1, e2], ..., (ek, +inf). Columns left out use the baseline deciles. The config replaces the previous one.',
  request: {
    params: modelParams,
    body: { required: true, content: { 'application/json': { schema: monitoringBody } } },
  },
  responses: { 200: json(modelInfoSchema, 'Model info with the new config'), ...errorResponses },
});

export function modelRoutes() {
  return newRouter()
    .openapi(register, async (c) => {
      const { project_id, model_id } = c.req.valid('param');
      return c.json(await registerModel(c.get('services'), project_id, model_id, c.req.valid('json')), 201);
    })
    .openapi(list, async (c) => {
      const { project_id } = c.req.valid('param');
      const { limit, next_token } = c.req.valid('query');
      return c.json(await listModels(c.get('services').registry, project_id, limit ?? 100, next_token), 200);
    })
    .openapi(get, async (c) => {
      const { project_id, model_id } = c.req.valid('param');
      return c.json(await getModel(c.get('services').registry, project_id, model_id), 200);
    })
    .openapi(monitoring, async (c) => {
      const { project_id, model_id } = c.req.valid('param');
      const { bins, segment_by } = c.req.valid('json');
      return c.json(await setMonitoring(c.get('services'), project_id, model_id, bins, segment_by), 200);
    });
}
