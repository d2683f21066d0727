// Microsoft Teams incoming webhooks (and Workflows' "when a webhook request is received"): an Adaptive Card
// in a message, the format both accept, with the incident in words, its facts and a link to the bin.
import { webhookUrlProblem } from '../egress.js';
import { binInWords, headline, number, subjectInWords } from '../messages.js';
import type { Notice } from '../types.js';
import { postJson } from '../webhooks.js';
import { type Channel, eachTarget, sameForResolve } from './channel.js';
import { httpUrls } from './webhook.js';

const COLOR = { resolved: 'good', warning: 'warning', critical: 'attention' } as const;

export function teamsCard(notice: Notice) {
  const { record, incident, event, rule, link } = notice;
  const facts = [
    { title: 'Model', value: `${record.project_id}/${record.model_id}` },
    { title: 'Rule', value: `${rule.name} (${rule.priority} priority)` },
    { title: 'Watching', value: subjectInWords(record.metric, record.column) },
    {
      title: 'Bin',
      value: `${binInWords(record.bin_size, record.bin_start)}, ${record.event_count ?? 0} events`,
    },
    { title: 'Value', value: number(record.value) },
    { title: 'Threshold', value: `${number(record.threshold)} (${record.severity})` },
    {
      title: 'Incident',
      value: `${incident.incident_id}: ${incident.state}, ${incident.record_count} bin(s)`,
    },
  ];
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              text: headline(notice),
              weight: 'Bolder',
              wrap: true,
              color: COLOR[event === 'resolved' ? 'resolved' : incident.severity],
            },
            { type: 'FactSet', facts },
          ],
          ...(link ? { actions: [{ type: 'Action.OpenUrl', title: 'Open the dashboard', url: link }] } : {}),
        },
      },
    ],
  };
}

export const teamsChannel: Channel<string> = sameForResolve({
  targets: httpUrls('teams'),
  problem: webhookUrlProblem,
  notify(urls, notice, { http }) {
    const body = JSON.stringify(teamsCard(notice));
    return eachTarget(
      urls,
      (url) => url,
      (url) => postJson(url, body, http),
    );
  },
});
