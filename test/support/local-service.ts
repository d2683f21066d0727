// Starts the local service on a free loopback port with a fresh data dir, and talks to it over real HTTP.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServices, type Stores } from '../../compose/services.js';
import { type LocalService, startLocalService } from '../../local/service.js';
import type { DeliveryOptions } from '../../shared/alerts/delivery.js';
import type { RunSummary } from '../../shared/monitoring/run.js';

export interface TestService extends LocalService {
  dataDir: string;
  /** Stops the service and deletes its data dir. */
  destroy(): Promise<void>;
}

export async function startTestService(
  options: { dataDir?: string; adminToken?: string; monitorIntervalMs?: number } = {},
): Promise<TestService> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'modelwatch-test-')));
  const service = await startLocalService({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    adminToken: options.adminToken ?? 'test-admin-token',
    // Tests run the monitor explicitly, so what a run folds is deterministic.
    monitorIntervalMs: options.monitorIntervalMs ?? 0,
  });
  return {
    ...service,
    dataDir,
    destroy: async () => {
      await service.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Answer<T = any> {
  status: number;
  body: T;
  text: string;
}

/** A small HTTP client bound to one service and token. */
export function clientFor(baseUrl: string, token?: string) {
  async function request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    authToken = token,
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    if (authToken) headers.authorization = `Bearer ${authToken}`;
    let payload: string | Buffer | undefined;
    if (body !== undefined) {
      headers['content-type'] = contentType;
      payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: response.status, body: parsed as T, text };
  }
  return {
    request,
    get: <T = any>(path: string) => request<T>('GET', path),
    post: <T = any>(path: string, body?: unknown, contentType?: string) =>
      request<T>('POST', path, body, contentType),
    put: <T = any>(path: string, body?: unknown, contentType?: string) =>
      request<T>('PUT', path, body, contentType),
    delete: <T = any>(path: string) => request<T>('DELETE', path),
    withToken: (other?: string) => clientFor(baseUrl, other),
  };
}

export type Client = ReturnType<typeof clientFor>;

/** A bank-churn baseline: ints, floats, a category, a bool target and a probability output. */
export const CHURN_BASELINE_CSV = [
  'age,balance,geography,tenure,churned,probability_churned,decision,segment',
  '42,1000.5,France,3,false,0.12,keep,retail',
  '35,0,Spain,7,true,0.81,call,retail',
  '58,25000.25,Germany,1,true,0.64,call,premium',
  '23,310.75,France,9,false,0.05,keep,retail',
  '47,12000,Germany,4,false,0.33,keep,premium',
  '31,800.5,Spain,2,true,0.72,call,retail',
].join('\n');

export const CHURN_MODEL = {
  dataset_id: 'baseline',
  task: 'binary_classification',
  inputs: ['age', 'balance', 'geography', 'tenure'],
  outputs: ['probability_churned'],
  targets: ['churned'],
  decisions: ['decision'],
  metadata: ['segment'],
};

/** Creates project `bank`, dataset `baseline` and model `churn`. */
export async function seedChurnModel(admin: Client, projectId = 'bank', modelId = 'churn'): Promise<void> {
  const created = await admin.post('/v1/projects', { project_id: projectId });
  if (created.status !== 201) throw new Error(`project: ${created.text}`);
  const dataset = await admin.put(
    `/v1/projects/${projectId}/datasets/baseline`,
    CHURN_BASELINE_CSV,
    'text/csv',
  );
  if (dataset.status !== 201) throw new Error(`dataset: ${dataset.text}`);
  const model = await admin.put(`/v1/projects/${projectId}/models/${modelId}`, CHURN_MODEL);
  if (model.status !== 201) throw new Error(`model: ${model.text}`);
}

/**
 * One monitor run of the service built as usual, but with some stores replaced (a store that dies at a chosen
 * call), a delivery setting changed, or without draining the change feed first (a change still in flight).
 */
export function runWith(
  service: TestService,
  options: {
    stores?: (stores: Stores) => Partial<Stores>;
    delivery?: DeliveryOptions;
    recordFeed?: boolean;
  } = {},
): Promise<RunSummary> {
  const { endpoints } = service;
  return buildServices({
    ...endpoints,
    wrapStores: (stores) => ({ ...stores, ...options.stores?.(stores) }),
    delivery: { ...endpoints.delivery, ...options.delivery },
    feed: options.recordFeed === false ? undefined : endpoints.feed,
  }).runMonitor();
}
