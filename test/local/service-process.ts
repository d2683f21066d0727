// The real `npm start` (npx tsx local/main.ts) as a child process on a free port, with bounded waits and a
// cleanup that never leaves a process behind.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServiceProcess {
  url: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with 200 once /health answers; rejects after `timeoutMs` or if the process exits first. */
  waitUntilHealthy(timeoutMs?: number): Promise<void>;
  /** Sends `signal` to the service's own node process (not npx) and waits for the whole chain to exit. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: string | null }>;
  /** SIGKILLs every process of the group if any is left; safe to call twice. */
  kill(): Promise<void>;
}

const started = new Set<ServiceProcess>();

/** Kills whatever a test left running: for afterAll. */
export async function killAllServiceProcesses(): Promise<void> {
  await Promise.all([...started].map((service) => service.kill()));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `npx tsx local/main.ts` with only PORT and MODELWATCH_DATA_DIR set (plus `env`); NODE_ENV and
 * MODELWATCH_ADMIN_TOKEN are unset unless `env` sets them.
 */
export async function startServiceProcess(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), MODELWATCH_DATA_DIR: dataDir };
  delete childEnv.NODE_ENV;
  delete childEnv.MODELWATCH_ADMIN_TOKEN;
  // A group of its own, so cleanup can reach npm, sh, tsx and node alike.
  const child = spawn('npx', ['tsx', 'local/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...childEnv, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    printed += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    printed += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;

  const service: ServiceProcess = {
    url,
    output: () => printed,
    waitUntilHealthy: async (timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}):\n${printed}`);
        try {
          const answer = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
          if (answer.status === 200) return;
        } catch {}
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`/health did not answer 200 within ${timeoutMs} ms:\n${printed}`);
    },
    stop: async (signal = 'SIGTERM', timeoutMs = 20_000) => {
      const pid = await servicePidIn(child);
      process.kill(pid, signal);
      return withTimeout(exited, timeoutMs, `the service did not exit within ${timeoutMs} ms of ${signal}`);
    },
    kill: async () => {
      started.delete(service);
      if (child.exitCode !== null || child.signalCode !== null) return killGroup(child);
      killGroup(child);
      await withTimeout(exited, 5000, 'the service group survived SIGKILL').catch(() => {});
    },
  };
  started.add(service);
  return service;
}

function killGroup(child: ChildProcess): void {
  try {
    // The group id is the npx pid: only processes this helper started are in it.
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {}
}

/** The node process running local/main.ts under tsx, found among the processes of the child's group. */
async function servicePidIn(child: ChildProcess): Promise<number> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const processGroup = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (processGroup !== child.pid) continue;
      const args = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
      if (args.includes('--import') && args.some((arg) => arg.endsWith('local/main.ts')))
        return Number(entry);
    } catch {}
  }
  throw new Error(`no node process running local/main.ts in process group ${child.pid}`);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
