// Alert routes: rules (create, list, get, edit, delete) and the records they produced, newest first. In AWS a rule
// answers with the subscription state of its email addresses and phone numbers.
import { createRoute, z } from '@hono/zod-openapi';
import { createRule, deleteRule, requireRule, ruleView, updateRule } from '../../alerts/rules.js';
import type { AlertRule } from '../../alerts/types.js';
import { requireModel } from '../../models/models.js';
import { checkRuleScope } from '../../monitoring/rule-bins.js';
import { activeSpec } from '../../specs/active-spec.js';
import { queryTime } from '../query-time.js';
import { errorResponses, json } from '../responses.js';
import { newRouter } from '../router.js';
import {
  alertRecordSchema,
  alertsQuery,
  modelParams,
  ruleBody,
  ruleParams,
  rulePatchBody,
  ruleSchema,
} from '../schemas.js';
import type { Services } from '../services.js';

const rules = '/v1/projects/{project_id}/models/{model_id}/alert-rules';

const create = createRoute({
  method: 'post',
  path: rules,
  tags: ['Alerts'],
  summary: 'Create an alert rule',
  description:
    'Evaluated on every completed bin holding data, including past ones, and again when a value it depends on changes. ' +
    'The answer carries `webhook_secret`, the HMAC-SHA256 key of the X-Modelwatch-Signature header: shown only here.',
  request: {
    params: modelParams,
    body: { required: true, content: { 'application/json': { schema: ruleBody } } },
  },
  responses: { 201: json(ruleSchema, 'Created'), ...errorResponses },
});
const list = createRoute({
  method: 'get',
  path: rules,
  tags: ['Alerts'],
  summary: 'List alert rules',
  request: { params: modelParams },
  responses: { 200: json(z.object({ items: z.array(ruleSchema) }), 'Rules'), ...errorResponses },
});
const get = createRoute({
  method: 'get',
  path: `${rules}/{rule_id}`,
  tags: ['Alerts'],
  summary: 'One alert rule',
  request: { params: ruleParams },
  responses: { 200: json(ruleSchema, 'The rule'), ...errorResponses },
});
const patch = createRoute({
  method: 'patch',
  path: `${rules}/{rule_id}`,
  tags: ['Alerts'],
  summary: 'Edit thresholds, notifications, priority, name, or enable, disable, mute a rule',
  request: {
    params: ruleParams,
    body: { required: true, content: { 'application/json': { schema: rulePatchBody } } },
  },
  responses: { 200: json(ruleSchema, 'The rule'), ...errorResponses },
});
const remove = createRoute({
  method: 'delete',
  path: `${rules}/{rule_id}`,
  tags: ['Alerts'],
  summary: 'Delete an alert rule (its records stay)',
  request: { params: ruleParams },
  responses: { 204: { description: 'Deleted' }, ...errorResponses },
});
const records = createRoute({
  method: 'get',
  path: '/v1/projects/{project_id}/models/{model_id}/alerts',
  tags: ['Alerts'],
  summary: 'Triggered alert records, newest bin first; start/end filter on bin_start',
  request: { params: modelParams, query: alertsQuery },
  responses: {
    200: json(z.object({ items: z.array(alertRecordSchema), next_token: z.string().optional() }), 'Records'),
    ...errorResponses,
  },
});

/** A rule with, in AWS, the subscription state of each of its email addresses and phone numbers. */
async function withRecipients(services: Services, rule: AlertRule) {
  const view = ruleView(rule);
  if (!services.recipients) return view;
  const { emails, sms } = view.notifications;
  return { ...view, recipients: await services.recipients.statuses(emails, sms) };
}

async function modelOf(services: Services, projectId: string, modelId: string) {
  const record = await requireModel(services.registry, projectId, modelId);
  return { record, ref: { project_id: projectId, model_id: modelId } };
}

export function alertRoutes() {
  return newRouter()
    .openapi(create, async (c) => {
      const { project_id, model_id } = c.req.valid('param');
      const services = c.get('services');
      const { record, ref } = await modelOf(services, project_id, model_id);
      const { spec } = await activeSpec(services, record);
      const body = c.req.valid('json');
      await checkRuleScope(services, record, body);
      return c.json(ruleView(await createRule(services, ref, spec, body), true), 201);
    })
    .openapi(list, async (c) => {
      const { project_id, model_id } = c.req.valid('param');
      const services = c.get('services');
      const { ref } = await modelOf(services, project_id, model_id);
      const rules = await services.alerts.listRules(ref);
      return c.json({ items: await Promise.all(rules.map((rule) => withRecipients(services, rule))) }, 200);
    })
    .openapi(get, async (c) => {
      const { project_id, model_id, rule_id } = c.req.valid('param');
      const services = c.get('services');
      const { ref } = await modelOf(services, project_id, model_id);
      return c.json(await withRecipients(services, await requireRule(services.alerts, ref, rule_id)), 200);
    })
    .openapi(patch, async (c) => {
      const { project_id, model_id, rule_id } = c.req.valid('param');
      const services = c.get('services');
      const { ref } = await modelOf(services, project_id, model_id);
      return c.json(ruleView(await updateRule(services, ref, rule_id, c.req.valid('json'))), 200);
    })
    .openapi(remove, async (c) => {
      const { project_id, model_id, rule_id } = c.req.valid('param');
      const services = c.get('services');
      const { ref } = await modelOf(services, project_id, model_id);
      await deleteRule(services.alerts, ref, rule_id);
      return c.body(null, 204);
    })
    .openapi(records, async (c) => {
      const { project_id, model_id } = c.req.valid('param');
      const query = c.req.valid('query');
      const services = c.get('services');
      const { ref } = await modelOf(services, project_id, model_id);
      const start = queryTime(query.start, 'start', 0);
      const end = queryTime(query.end, 'end', Date.UTC(9999, 0));
      const page = await services.alerts.listRecords(ref, start, end, query.limit ?? 100, query.next_token);
      const items = page.items.map(({ project_id: _p, model_id: _m, ...item }) => item);
      return c.json(page.nextToken ? { items, next_token: page.nextToken } : { items }, 200);
    });
}
