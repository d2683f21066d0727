// Incident routes (contract section 11): list newest first, acknowledge, snooze.
import {
  acknowledgeIncident,
  incidentView,
  listIncidents,
  snoozeIncident,
} from '../../alerts/incident-actions.js';
import { json } from '../responses.js';
import { jsonBody, listPage, modelFromPath, pageSchema, routesTagged } from '../route.js';
import { newRouter } from '../router.js';
import { incidentParams, incidentSchema, incidentsQuery, modelParams, snoozeBody } from '../schemas.js';

const route = routesTagged('Alerts');
const incidents = '/v1/projects/{project_id}/models/{model_id}/incidents';

const list = route({
  method: 'get',
  path: incidents,
  summary: 'Incidents: firings of one rule and column in consecutive bins, newest first',
  request: { params: modelParams, query: incidentsQuery },
  responses: { 200: json(pageSchema(incidentSchema), 'Incidents') },
});
const acknowledge = route({
  method: 'post',
  path: `${incidents}/{incident_id}/acknowledge`,
  summary: 'Acknowledge an incident: only its resolve is notified from now on',
  request: { params: incidentParams },
  responses: { 200: json(incidentSchema, 'The incident') },
});
const snooze = route({
  method: 'post',
  path: `${incidents}/{incident_id}/snooze`,
  summary: 'Snooze an incident: nothing is notified for it until `until`',
  request: { params: incidentParams, body: jsonBody(snoozeBody) },
  responses: { 200: json(incidentSchema, 'The incident') },
});

export function incidentRoutes() {
  return newRouter()
    .openapi(list, async (c) => {
      const { services, ref } = await modelFromPath(c);
      const page = await listPage(
        c.req.valid('query'),
        (limit, nextToken) => listIncidents(services.alerts, ref, limit, nextToken),
        incidentView,
      );
      return c.json(page, 200);
    })
    .openapi(acknowledge, async (c) => {
      const { services, ref } = await modelFromPath(c);
      const { incident_id } = c.req.valid('param');
      const incident = await acknowledgeIncident(services.alerts, ref, incident_id, services.clock());
      return c.json(incidentView(incident), 200);
    })
    .openapi(snooze, async (c) => {
      const { services, ref } = await modelFromPath(c);
      const { incident_id } = c.req.valid('param');
      const { until } = c.req.valid('json');
      const incident = await snoozeIncident(services.alerts, ref, incident_id, until, services.clock());
      return c.json(incidentView(incident), 200);
    });
}
