// Webhook delivery: the record as JSON, signed with the rule's secret (HMAC-SHA256), 5 s per attempt,
// retried with backoff; Slack incoming webhooks get Slack's {"text"} shape instead.
import { createHmac } from 'node:crypto';
import type { AlertRecord } from './types.js';

export const SIGNATURE_HEADER = 'x-modelwatch-signature';
export const DELIVERY_HEADER = 'x-modelwatch-delivery';
const TIMEOUT_MS = 5_000;

export interface WebhookOptions {
  attempts?: number;
  /** Base delay between attempts; doubled each time. */
  backoffMs?: number;
  fetch?: typeof fetch;
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const isSlack = (url: string) => /^https:\/\/hooks\.slack\.com\//.test(url);

/** Delivers one record; throws with the last failure once every attempt has failed. */
export async function postWebhook(
  url: string,
  record: AlertRecord,
  secret: string,
  options: WebhookOptions = {},
): Promise<void> {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const send = options.fetch ?? fetch;
  const body = JSON.stringify(isSlack(url) ? { text: record.message } : record);
  let lastError = 'no attempt made';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await send(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signature(secret, body),
          // Lets a receiver drop a repeated delivery of the same record and severity.
          [DELIVERY_HEADER]: `${record.alert_id}:${record.severity}`,
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
      // A 4xx other than 408/429 will not get better by retrying.
      if (response.status < 500 && response.status !== 408 && response.status !== 429) break;
    } catch (error) {
      lastError =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${TIMEOUT_MS / 1000} s`
          : (error as Error).message;
    }
    if (attempt < attempts)
      await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
  }
  throw new Error(lastError);
}
