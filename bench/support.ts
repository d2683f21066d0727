// Shared by the benchmarks: child processes on free loopback ports, bounded waits, tidy shutdown.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function start(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
): ChildProcess {
  // The child's own output goes to ours: a pipe nobody reads would stall it once full.
  return spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Polls until `check` resolves true, or throws after `ms`. */
export async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} was not ready within ${ms} ms`);
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Runs `count` tasks with at most `concurrency` at once. */
export async function pool(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** A request to a service under benchmark, as its admin; any answer but 2xx throws with its body. */
export type ServiceCall = (method: string, path: string, body?: string, type?: string) => Promise<Response>;

export function serviceCall(url: string, token: string): ServiceCall {
  return async (method, path, body, type = 'application/json') => {
    const answer = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body,
    });
    if (!answer.ok) throw new Error(`${method} ${path}: ${answer.status} ${await answer.text()}`);
    return answer;
  };
}

/** Project `bench`, dataset `base` from `baselineRows`, and model `bench/model` monitoring `inputs`. */
export async function seedBenchModel(
  call: ServiceCall,
  baselineRows: object[],
  inputs: string[],
): Promise<void> {
  await call('POST', '/v1/projects', JSON.stringify({ project_id: 'bench' }));
  const baseline = baselineRows.map((row) => JSON.stringify(row)).join('\n');
  await call('PUT', '/v1/projects/bench/datasets/base', baseline, 'application/x-ndjson');
  await call(
    'PUT',
    '/v1/projects/bench/models/model',
    JSON.stringify({ dataset_id: 'base', task: 'not_set', inputs }),
  );
}

/** `npm start` in a child process, ready to answer. */
export interface ServiceChild {
  url: string;
  pid: number;
  dataDir: string;
  call: ServiceCall;
  /** Stops the process and removes its data dir. */
  stop(): Promise<void>;
}

/**
 * `npm start`'s entry as a child process on a fresh data dir and a free loopback port, with admin token `token`
 * and `env` beside (`cwd`: another checkout's, for a side-by-side run). Resolves once `/health` answers.
 */
export async function startServiceChild(
  dirPrefix: string,
  token: string,
  env: Record<string, string>,
  cwd?: string,
  nodeArgs: string[] = [],
): Promise<ServiceChild> {
  const dataDir = await mkdtemp(join(tmpdir(), dirPrefix));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = start(
    'node',
    [...nodeArgs, '--import', 'tsx', 'local/main.ts'],
    { PORT: String(port), MODELWATCH_DATA_DIR: dataDir, MODELWATCH_ADMIN_TOKEN: token, ...env },
    cwd,
  );
  const stopAll = async () => {
    await stop(server);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await fetch(`${url}/health`)).ok, 30_000, 'the local service');
  } catch (error) {
    await stopAll();
    throw error;
  }
  return { url, pid: server.pid as number, dataDir, call: serviceCall(url, token), stop: stopAll };
}
