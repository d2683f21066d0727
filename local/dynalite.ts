// Embedded DynamoDB for the local run: dynalite on a loopback port, on a worker thread, persisted in the data
// dir. The worker is supervised: when it dies (LevelDB throws on a full disk) it is started again on the same
// port, so storage comes back by itself once the cause is gone.
import { Worker } from 'node:worker_threads';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

export interface EmbeddedDynamo {
  endpoint: string;
  /** False from the moment the worker dies until a new one listens. */
  readonly running: boolean;
  /** Ends the worker (whatever its state) and starts a new one: LevelDB reopens and recovers its log. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const RESTART_DELAYS_MS = [100, 250, 500, 1_000, 2_000, 5_000];

type RequestSigner = Extract<NonNullable<DynamoDBClientConfig['signer']>, { sign: unknown }>;

/**
 * dynalite checks that a request carries a SigV4-shaped Authorization header, never its signature. Signing
 * builds a signer and two HMAC chains per request: about 7% of the API thread's CPU under sustained ingest,
 * spent on requests that never leave the machine. The header is set without signing.
 */
const unsignedLocalRequests: RequestSigner = {
  sign: async (request) => {
    request.headers['x-amz-date'] = '20260101T000000Z';
    request.headers.authorization =
      'AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=local';
    return request;
  },
};

/** How a client reaches the embedded database at `endpoint`. */
export function embeddedClientConfig(endpoint: string): DynamoDBClientConfig {
  return {
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    signer: unsignedLocalRequests,
  };
}

/** Starts dynalite; with `path` it keeps its data in LevelDB there, else in memory. */
export async function startDynalite(
  path?: string,
  onEvent: (message: string) => void = () => {},
): Promise<EmbeddedDynamo> {
  let worker = await spawn(path, 0);
  const port = worker.port;
  let running = true;
  let closing = false;
  let restarting: Promise<void> | undefined;

  const watch = (current: Worker) => {
    current.on('error', (error) => onEvent(`the storage worker failed: ${error.message}`));
    current.once('exit', (code) => {
      if (closing || current !== worker.thread) return;
      running = false;
      onEvent(`the storage worker stopped (exit code ${code}); starting it again`);
      void restartSoon();
    });
  };

  const restartSoon = (): Promise<void> => {
    restarting ??= (async () => {
      for (let attempt = 0; !closing; attempt++) {
        try {
          await worker.thread.terminate();
          worker = await spawn(path, port);
          // Cleared before watching: a worker that dies at once must be able to start the next restart.
          restarting = undefined;
          watch(worker.thread);
          running = true;
          onEvent('the storage worker is running again');
          return;
        } catch (error) {
          const delay = RESTART_DELAYS_MS[Math.min(attempt, RESTART_DELAYS_MS.length - 1)] as number;
          if (attempt === 0) onEvent(`the storage worker could not start: ${(error as Error).message}`);
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    })();
    return restarting;
  };

  watch(worker.thread);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get running() {
      return running;
    },
    restart: async () => {
      running = false;
      await restartSoon();
    },
    close: async () => {
      closing = true;
      await restarting?.catch(() => undefined);
      const current = worker.thread;
      // Let LevelDB close its files before the thread ends.
      const closed = new Promise<void>((resolve) => {
        current.once('message', () => resolve());
        current.once('exit', () => resolve());
      });
      current.postMessage('close');
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      await current.terminate();
    },
  };
}

async function spawn(path: string | undefined, port: number): Promise<{ thread: Worker; port: number }> {
  const thread = new Worker(new URL('./dynalite-worker.mjs', import.meta.url), {
    workerData: { path, port },
  });
  try {
    const listening = await new Promise<number>((resolve, reject) => {
      thread.once('error', reject);
      thread.once('exit', (code) => reject(new Error(`the storage worker exited with code ${code}`)));
      thread.once('message', (message: { port?: number; error?: string }) =>
        message.port ? resolve(message.port) : reject(new Error(`dynalite did not start: ${message.error}`)),
      );
    });
    thread.removeAllListeners('error');
    // A later error ends the thread; its exit is what the supervisor watches.
    thread.on('error', () => {});
    return { thread, port: listening };
  } catch (error) {
    await thread.terminate();
    throw error;
  }
}
