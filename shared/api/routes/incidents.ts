// Incident routes (contract section 11): list newest first, acknowledge, snooze.
import { createRoute, z } from '@hono/zod-openapi';
import {
  acknowledgeIncident,
  incidentView,
  listIncidents,
  snoozeIncident,
} from '../../alerts/incident-actions.js';
import { requireModel } from '../../models/models.js';
import { errorResponses, json } from '../responses.js';
import { newRouter } from '../router.js';
import { incidentParams, incidentSchema, incidentsQuery, modelParams, snoozeBody } from '../schemas.js';

const incidents = '/v1/projects/{project_id}/models/{model_id}/incidents';

const list = createRoute({
  method: 'get',
  path: incidents,
  tags: ['Alerts'],
  summary: 'Incidents: firings of one rule and column in consecutive bins, newest first',
  request: { params: modelParams, query: incidentsQuery },
  responses: {
    200: json(z.object({ items: z.array(incidentSchema), next_token: z.string().optional() }), 'Incidents'),
    ...errorResponses,
  },
});
const acknowledge = createRoute({
  method: 'post',
  path: `${incidents}/{incident_id}/acknowledge`,
  tags: ['Alerts'],
  summary: 'Acknowledge an incident: only its resolve is notified from now on',
  request: { params: incidentParams },
  responses: { 200: json(incidentSchema, 'The incident'), ...errorResponses },
});
const snooze = createRoute({
  method: 'post',
  path: `${incidents}/{incident_id}/snooze`,
  tags: ['Alerts'],
  summary: 'Snooze an incident: nothing is notified for it until `until`',
  request: {
    params: incidentParams,
    body: { required: true, content: { 'application/json': { schema: snoozeBody } } },
  },
  responses: { 200: json(incidentSchema, 'The incident'), ...errorResponses },
});

export function incidentRoutes() {
  return newRouter()
    .openapi(list, async (c) => {
      const { project_id, model_id } = c.req.valid('param');
      const query = c.req.valid('query');
      const services = c.get('services');
      await requireModel(services.registry, project_id, model_id);
      const page = await listIncidents(
        services.alerts,
        { project_id, model_id },
        query.limit ?? 100,
        query.next_token,
      );
      const items = page.items.map(incidentView);
      return c.json(page.nextToken ? { items, next_token: page.nextToken } : { items }, 200);
    })
    .openapi(acknowledge, async (c) => {
      const { project_id, model_id, incident_id } = c.req.valid('param');
      const services = c.get('services');
      await requireModel(services.registry, project_id, model_id);
      const model = { project_id, model_id };
      return c.json(
        incidentView(await acknowledgeIncident(services.alerts, model, incident_id, services.clock())),
        200,
      );
    })
    .openapi(snooze, async (c) => {
      const { project_id, model_id, incident_id } = c.req.valid('param');
      const { until } = c.req.valid('json');
      const services = c.get('services');
      await requireModel(services.registry, project_id, model_id);
      const model = { project_id, model_id };
      return c.json(
        incidentView(await snoozeIncident(services.alerts, model, incident_id, until, services.clock())),
        200,
      );
    });
}
