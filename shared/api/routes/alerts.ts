// Alert routes: rules (create, list, get, edit, delete) and the records they produced, newest first. In AWS a rule
// answers with the subscription state of its email addresses and phone numbers.
import { z } from '@hono/zod-openapi';
import { createRule, deleteRule, requireRule, ruleView, updateRule } from '../../alerts/rules.js';
import type { AlertRule } from '../../alerts/types.js';
import { checkRuleScope } from '../../monitoring/rule-bins.js';
import { activeSpec } from '../../specs/active-spec.js';
import { queryTime } from '../query-time.js';
import { json } from '../responses.js';
import { jsonBody, listPage, modelFromPath, pageSchema, routesTagged } from '../route.js';
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

const route = routesTagged('Alerts');
const rules = '/v1/projects/{project_id}/models/{model_id}/alert-rules';

const create = route({
  method: 'post',
  path: rules,
  summary: 'Create an alert rule',
  description:
    'Evaluated on every completed bin holding data, including past ones, and again when a value it depends on changes. ' +
    'The answer carries `webhook_secret`, the HMAC-SHA256 key of the X-Modelwatch-Signature header: shown only here.',
  request: { params: modelParams, body: jsonBody(ruleBody) },
  responses: { 201: json(ruleSchema, 'Created') },
});
const list = route({
  method: 'get',
  path: rules,
  summary: 'List alert rules',
  request: { params: modelParams },
  responses: { 200: json(z.object({ items: z.array(ruleSchema) }), 'Rules') },
});
const get = route({
  method: 'get',
  path: `${rules}/{rule_id}`,
  summary: 'One alert rule',
  request: { params: ruleParams },
  responses: { 200: json(ruleSchema, 'The rule') },
});
const patch = route({
  method: 'patch',
  path: `${rules}/{rule_id}`,
  summary: 'Edit thresholds, notifications, priority, name, or enable, disable, mute a rule',
  request: { params: ruleParams, body: jsonBody(rulePatchBody) },
  responses: { 200: json(ruleSchema, 'The rule') },
});
const remove = route({
  method: 'delete',
  path: `${rules}/{rule_id}`,
  summary: 'Delete an alert rule (its records stay)',
  request: { params: ruleParams },
  responses: { 204: { description: 'Deleted' } },
});
const records = route({
  method: 'get',
  path: '/v1/projects/{project_id}/models/{model_id}/alerts',
  summary: 'Triggered alert records, newest bin first; start/end filter on bin_start',
  request: { params: modelParams, query: alertsQuery },
  responses: { 200: json(pageSchema(alertRecordSchema), 'Records') },
});

/** A rule with, in AWS, the subscription state of each of its email addresses and phone numbers. */
async function withRecipients(services: Services, rule: AlertRule) {
  const view = ruleView(rule);
  if (!services.recipients) return view;
  const { emails, sms } = view.notifications;
  return { ...view, recipients: await services.recipients.statuses(emails, sms) };
}

export function alertRoutes() {
  return newRouter()
    .openapi(create, async (c) => {
      const { services, record, ref } = await modelFromPath(c);
      const { spec } = await activeSpec(services, record);
      const body = c.req.valid('json');
      await checkRuleScope(services, record, body);
      return c.json(ruleView(await createRule(services, ref, spec, body), true), 201);
    })
    .openapi(list, async (c) => {
      const { services, ref } = await modelFromPath(c);
      const rules = await services.alerts.listRules(ref);
      return c.json({ items: await Promise.all(rules.map((rule) => withRecipients(services, rule))) }, 200);
    })
    .openapi(get, async (c) => {
      const { services, ref } = await modelFromPath(c);
      const rule = await requireRule(services.alerts, ref, c.req.valid('param').rule_id);
      return c.json(await withRecipients(services, rule), 200);
    })
    .openapi(patch, async (c) => {
      const { services, ref } = await modelFromPath(c);
      const { rule_id } = c.req.valid('param');
      return c.json(ruleView(await updateRule(services, ref, rule_id, c.req.valid('json'))), 200);
    })
    .openapi(remove, async (c) => {
      const { services, ref } = await modelFromPath(c);
      await deleteRule(services.alerts, ref, c.req.valid('param').rule_id);
      return c.body(null, 204);
    })
    .openapi(records, async (c) => {
      const { services, ref } = await modelFromPath(c);
      const query = c.req.valid('query');
      const start = queryTime(query.start, 'start', 0);
      const end = queryTime(query.end, 'end', Date.UTC(9999, 0));
      const page = await listPage(
        query,
        (limit, nextToken) => services.alerts.listRecords(ref, start, end, limit, nextToken),
        ({ project_id: _p, model_id: _m, ...item }) => item,
      );
      return c.json(page, 200);
    });
}
