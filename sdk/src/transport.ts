// HTTP through the global fetch: bearer auth, JSON in and out, and retries with exponential backoff and
// full jitter on 429, 5xx and network errors (never on other 4xx answers, which a retry cannot fix).
import { ModelwatchError } from './errors.js';

export interface TransportOptions {
  /** The service's base URL, e.g. `https://api.example.com` or `http://127.0.0.1:8080`. */
  url: string;
  /** A bearer token: the admin token or a project-scoped one. */
  token: string;
  /** A fetch implementation; default: the global fetch (Node 20+, Lambda, browsers). */
  fetch?: typeof fetch;
  /**
   * Retries after the first attempt of a request that failed with 429, 5xx or a network error.
   * @default 3
   */
  retries?: number;
  /** Upper bound of the first backoff; doubles every retry (full jitter: a random delay below it). @default 200 */
  retryBaseMs?: number;
  /** Largest backoff between two attempts. @default 10000 */
  retryMaxMs?: number;
  /** Abandon an attempt after this long (counts as a network error). @default none */
  timeoutMs?: number;
}

export type QueryValue = string | number | boolean | undefined | null;

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path below the base URL, or an absolute URL (presigned uploads). */
  path: string;
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is, with `contentType`; must be replayable for retries, hence no streams. */
  body?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
  /** Send the bearer token (false for presigned URLs, which carry their own signature). @default true */
  auth?: boolean;
  /**
   * `all`: retry 429, 5xx and network errors. `throttled`: retry 429 only, for creations that are not
   * idempotent (a retried token or rule creation after a lost answer would create a second one).
   * @default 'all'
   */
  retry?: 'all' | 'throttled';
}

export interface Answer<T> {
  status: number;
  body: T;
  /** An earlier attempt may have taken effect (it failed with a 5xx or a network error). */
  replayed: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Transport {
  readonly baseUrl: string;
  private readonly token: string;
  private readonly fetchFn: typeof fetch;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly timeoutMs: number | undefined;

  constructor(options: TransportOptions) {
    if (!options.url) throw new TypeError('Modelwatch: url is required');
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.token = options.token;
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.retries = Math.max(0, options.retries ?? 3);
    this.retryBaseMs = options.retryBaseMs ?? 200;
    this.retryMaxMs = options.retryMaxMs ?? 10_000;
    this.timeoutMs = options.timeoutMs;
  }

  async request<T = unknown>(spec: RequestSpec): Promise<Answer<T>> {
    const url = this.urlOf(spec);
    const init = this.initOf(spec);
    let replayed = false;
    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < this.retries;
      let response: Response;
      try {
        const signal = this.timeoutMs ? AbortSignal.timeout(this.timeoutMs) : undefined;
        response = await this.fetchFn(url, { ...init, signal });
      } catch (cause) {
        if (canRetry && spec.retry !== 'throttled') {
          replayed = true;
          await sleep(this.backoff(attempt));
          continue;
        }
        const reason =
          cause instanceof Error
            ? ((cause.cause as Error | undefined)?.message ?? cause.message)
            : String(cause);
        throw new ModelwatchError(0, 'network_error', `could not reach ${this.baseUrl}: ${reason}`, {
          replayed,
          cause,
        });
      }
      const retryable = response.status === 429 || (response.status >= 500 && spec.retry !== 'throttled');
      if (retryable && canRetry) {
        await response.body?.cancel().catch(() => {});
        if (response.status !== 429) replayed = true;
        await sleep(Math.max(this.backoff(attempt), retryAfterMs(response)));
        continue;
      }
      const text = await response.text();
      if (!response.ok) throw ModelwatchError.fromAnswer(response.status, text, replayed);
      return { status: response.status, body: parseBody(text) as T, replayed };
    }
  }

  /** Full jitter: a uniformly random delay below the exponentially growing cap. */
  private backoff(attempt: number): number {
    return Math.random() * Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** attempt);
  }

  private urlOf(spec: RequestSpec): string {
    const absolute = /^https?:\/\//i.test(spec.path);
    const url = new URL(absolute ? spec.path : `${this.baseUrl}${spec.path}`);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private initOf(spec: RequestSpec): RequestInit {
    const headers: Record<string, string> = { accept: 'application/json', ...spec.headers };
    if (spec.auth !== false) headers.authorization = `Bearer ${this.token}`;
    let body: string | Uint8Array | undefined = spec.body;
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      headers['content-type'] = 'application/json';
    } else if (body !== undefined && spec.contentType) {
      headers['content-type'] = spec.contentType;
    }
    return { method: spec.method, headers, body };
  }
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A 429's Retry-After in ms (seconds or an HTTP date), capped so a bad header cannot stall a caller. */
function retryAfterMs(response: Response): number {
  const header = response.headers.get('retry-after');
  if (!header) return 0;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 60_000) : 0;
}
