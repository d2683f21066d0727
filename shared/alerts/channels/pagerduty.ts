// PagerDuty Events API v2: `trigger` when an incident opens or escalates, `resolve` when it resolves, with the
// incident id as `dedup_key` so PagerDuty keeps one alert per incident. Posted through the same vetted transport.
import { z } from '@hono/zod-openapi';
import { headline, subjectInWords } from '../messages.js';
import type { Notice } from '../types.js';
import { postJson } from '../webhooks.js';
import type { Channel, SendContext } from './channel.js';
import { eachTarget } from './channel.js';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

interface Route {
  routing_key: string;
}

/** The Events API v2 body; PagerDuty caps the summary at 1024 characters. */
export function pagerdutyEvent(routingKey: string, notice: Notice) {
  const { record, incident, event, rule, link } = notice;
  const base = { routing_key: routingKey, dedup_key: incident.incident_id };
  if (event === 'resolved') return { ...base, event_action: 'resolve' };
  return {
    ...base,
    event_action: 'trigger',
    payload: {
      summary: headline(notice).slice(0, 1024),
      source: `modelwatch:${record.project_id}/${record.model_id}`,
      severity: incident.severity,
      timestamp: new Date(record.updated_at).toISOString(),
      component: subjectInWords(record.metric, record.column),
      group: record.project_id,
      class: record.metric,
      custom_details: {
        rule: rule.name,
        value: record.value,
        threshold: record.threshold,
        bin_start: new Date(record.bin_start).toISOString(),
        bin_size: record.bin_size,
        event_count: record.event_count ?? 0,
        bins_in_incident: incident.record_count,
      },
    },
    client: 'Modelwatch',
    ...(link ? { client_url: link, links: [{ href: link, text: 'This bin on the dashboard' }] } : {}),
  };
}

function send(routes: Route[], notice: Notice, { http, pagerdutyUrl }: SendContext) {
  return eachTarget(
    routes,
    // The routing key is a secret of the rule: failures name only its end.
    (route) => `routing key …${route.routing_key.slice(-4)}`,
    (route) => postJson(pagerdutyUrl, JSON.stringify(pagerdutyEvent(route.routing_key, notice)), http),
  );
}

export const pagerdutyChannel: Channel<Route> = {
  targets: z.array(z.object({ routing_key: z.string().min(1).max(128) })).max(10),
  notify: send,
  resolve: send,
};
