// Slack incoming webhooks: the incident in words, with a link to its bin on the dashboard.
import { webhookUrlProblem } from '../egress.js';
import { headline } from '../messages.js';
import { postJson } from '../webhooks.js';
import { type Channel, eachTarget, sameForResolve } from './channel.js';
import { httpUrls } from './webhook.js';

export const slackChannel: Channel<string> = sameForResolve({
  targets: httpUrls('slack'),
  problem: webhookUrlProblem,
  notify(urls, notice, { http }) {
    const text = notice.link ? `${headline(notice)}\n<${notice.link}|Open the dashboard>` : headline(notice);
    const body = JSON.stringify({ text });
    return eachTarget(
      urls,
      (url) => url,
      (url) => postJson(url, body, http),
    );
  },
});
