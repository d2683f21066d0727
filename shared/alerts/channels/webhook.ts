// Webhooks: the record as JSON with the incident id and event added, signed with the rule's secret. A Slack
// incoming webhook named here gets Slack's text instead, as before the slack channel existed.
import { z } from '@hono/zod-openapi';
import { webhookUrlProblem } from '../egress.js';
import { claimKeyOf } from '../incidents.js';
import { headline } from '../messages.js';
import { isSlack, postSigned } from '../webhooks.js';
import { type Channel, eachTarget, sameForResolve } from './channel.js';

export const httpUrls = (field: string) =>
  z.array(z.url({ protocol: /^https?$/, error: `${field}: an http(s) URL is needed` })).max(20);

export const webhookChannel: Channel<string> = sameForResolve({
  targets: httpUrls('webhooks'),
  problem: webhookUrlProblem,
  notify(urls, notice, { http }) {
    const { record, incident, event, rule } = notice;
    const body = { ...record, incident_id: incident.incident_id, event };
    const deliveryId = `${incident.incident_id}:${claimKeyOf(incident, event)}`;
    return eachTarget(
      urls,
      (url) => url,
      (url) =>
        postSigned(
          url,
          isSlack(url) ? { text: headline(notice) } : body,
          rule.webhook_secret,
          deliveryId,
          http,
        ),
    );
  },
});
