// The vetted HTTP transport of every HTTP channel: sent only where the egress policy allows, never following
// redirects, each attempt bounded in time, retried with backoff before a deadline. Webhooks are signed with the
// rule's secret (HMAC-SHA256); Slack incoming webhooks named as webhooks get Slack's {"text"} shape instead.
import { createHmac } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  type Destination,
  type EgressMode,
  EgressRefused,
  type HostLookup,
  vetDestination,
} from './egress.js';
import type { AlertRecord } from './types.js';

export const SIGNATURE_HEADER = 'x-modelwatch-signature';
export const DELIVERY_HEADER = 'x-modelwatch-delivery';

/** Sends one POST to a vetted destination and answers the status; rejects on a network failure or abort. */
export type WebhookTransport = (
  destination: Destination,
  request: { headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<number>;

export interface WebhookOptions {
  /** Which destinations are allowed; the composition says, as only it knows where it runs. @default 'aws' */
  egress?: EgressMode;
  /** @default 3 */
  attempts?: number;
  /** Base delay between attempts; doubled each time. @default 500 */
  backoffMs?: number;
  /** Longest wait for one attempt, from DNS to the answer's headers. @default 3000 */
  attemptTimeoutMs?: number;
  lookup?: HostLookup;
  transport?: WebhookTransport;
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export const isSlack = (url: string) => /^https:\/\/hooks\.slack\.com\//.test(url);

/** Answers only the vetted addresses, whatever the resolver would say now. */
function pinnedLookup(addresses: LookupAddress[]): LookupFunction {
  const [first] = addresses as [LookupAddress];
  return (_hostname, options, callback) => {
    if (options.all) callback(null, addresses);
    else callback(null, first.address, first.family);
  };
}

/** node:http rather than fetch: it follows no redirect and connects where it is told to. */
export const nodeTransport: WebhookTransport = ({ url, addresses }, { headers, body, signal }) =>
  new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        // A pooled socket could outlive the vetting it was opened under.
        agent: false,
        signal,
        ...(addresses.length > 0 ? { lookup: pinnedLookup(addresses) } : {}),
      },
      (response) => {
        // Only the status matters: a receiver dripping a large body must not hold the run.
        resolve(response.statusCode ?? 0);
        response.destroy();
      },
    );
    request.on('error', reject);
    request.end(body);
  });

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** One send's transport: the composition's options, and when the run's delivery budget ends. */
export interface PostOptions extends WebhookOptions {
  /** `performance.now()` time after which no attempt starts. @default none */
  deadline?: number;
}

/** Delivers one record, signed with the rule's secret (the contract's webhook, and the tests' baseline). */
export function postWebhook(url: string, record: AlertRecord, secret: string, options: PostOptions = {}) {
  const payload = isSlack(url) ? { text: record.message } : record;
  return postSigned(url, payload, secret, `${record.alert_id}:${record.severity}`, options);
}

/** Any JSON payload, signed, with a delivery id a receiver can drop repeats by. */
export function postSigned(
  url: string,
  payload: unknown,
  secret: string,
  deliveryId: string,
  options: PostOptions = {},
): Promise<void> {
  const body = JSON.stringify(payload);
  return postJson(url, body, options, {
    [SIGNATURE_HEADER]: signature(secret, body),
    [DELIVERY_HEADER]: deliveryId,
  });
}

/**
 * POSTs a JSON body through the egress policy; throws with the last failure once every attempt has failed, the
 * policy refuses the destination, or the deadline leaves no room for another attempt.
 */
export async function postJson(
  url: string,
  body: string,
  options: PostOptions = {},
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  const headers = { 'content-type': 'application/json', ...extraHeaders };
  const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 3_000;
  const transport = options.transport ?? nodeTransport;
  let lastError = 'no attempt made within the delivery budget';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const timeoutMs = Math.floor(Math.min(attemptTimeoutMs, deadline - performance.now()));
    if (timeoutMs <= 0) break;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      // Resolved on every attempt: the answer may have changed, and each connection uses what was vetted.
      const destination = await abortable(
        vetDestination(url, options.egress ?? 'aws', options.lookup),
        signal,
      );
      const status = await transport(destination, { headers, body, signal });
      if (status >= 200 && status < 300) return;
      lastError =
        status >= 300 && status < 400 ? `HTTP ${status}: redirects are not followed` : `HTTP ${status}`;
      // A redirect, or a 4xx other than 408/429, will not get better by retrying.
      if (status < 500 && status !== 408 && status !== 429) break;
    } catch (error) {
      if (error instanceof EgressRefused) throw new Error(`refused: ${error.message}`);
      lastError = signal.aborted
        ? timeoutMs < attemptTimeoutMs
          ? `no answer within the delivery budget (${seconds(timeoutMs)} left)`
          : `no answer within ${seconds(attemptTimeoutMs)}`
        : (error as Error).message;
    }
    const pause = backoffMs * 2 ** (attempt - 1);
    if (attempt < attempts) {
      if (performance.now() + pause >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
  throw new Error(lastError);
}
