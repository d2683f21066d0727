// Model routes: registration, model info with its monitoring config, and drift bins.
import { getModel, listModels, registerModel, setMonitoring } from '../../models/models.js';
import { conflictResponse, json } from '../responses.js';
import { jsonBody, listPage, pageSchema, routesTagged } from '../route.js';
import { newRouter } from '../router.js';
import {
  listQuery,
  modelBody,
  modelInfoSchema,
  modelParams,
  monitoringBody,
  projectParams,
} from '../schemas.js';

const route = routesTagged('Models');
const model = '/v1/projects/{project_id}/models/{model_id}';

const register = route({
  method: 'put',
  path: model,
  summary: 'Register a model against a baseline dataset',
  description:
    'Every named column must exist in the dataset. Model info is fixed once registered: a second PUT answers 409.',
  request: { params: modelParams, body: jsonBody(modelBody) },
  responses: { 201: json(modelInfoSchema, 'Registered'), ...conflictResponse },
});

const get = route({
  method: 'get',
  path: model,
  summary: 'Model info, with its monitoring config',
  request: { params: modelParams },
  responses: { 200: json(modelInfoSchema, 'Model info') },
});

const list = route({
  method: 'get',
  path: '/v1/projects/{project_id}/models',
  summary: "A project's models, in id order",
  request: { params: projectParams, query: listQuery },
  responses: { 200: json(pageSchema(modelInfoSchema), 'Models') },
});

const monitoring = route({
  method: 'put',
  path: `${model}/monitoring`,
  summary: 'Set drift bin cut points per numeric column',
  description:
    'Bins are (-inf, e1], (e1, e2], ..., (ek, +inf). Columns left out use the baseline deciles. The config replaces the previous one.',
  request: { params: modelParams, body: jsonBody(monitoringBody) },
  responses: { 200: json(modelInfoSchema, 'Model info with the new config') },
});

export function modelRoutes() {
  return newRouter()
    .openapi(register, async (c) => {
      const { project_id, model_id } = c.req.valid('param');
      return c.json(await registerModel(c.get('services'), project_id, model_id, c.req.valid('json')), 201);
    })
    .openapi(list, async (c) => {
      const { project_id } = c.req.valid('param');
      const { registry } = c.get('services');
      const page = await listPage(c.req.valid('query'), (limit, nextToken) =>
        listModels(registry, project_id, limit, nextToken),
      );
      return c.json(page, 200);
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
