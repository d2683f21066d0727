// Embedded DynamoDB for the local run: dynalite on a loopback port, on a worker thread, persisted in the data dir.
import { Worker } from 'node:worker_threads';

export interface EmbeddedDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite; with `path` it keeps its data in LevelDB there, else in memory. */
export async function startDynalite(path?: string): Promise<EmbeddedDynamo> {
  const worker = new Worker(new URL('./dynalite-worker.mjs', import.meta.url), { workerData: { path } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { port?: number; error?: string }) =>
      message.port ? resolve(message.port) : reject(new Error(`dynalite did not start: ${message.error}`)),
    );
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      // Let LevelDB close its files before the thread ends.
      const closed = new Promise<void>((resolve) => worker.once('message', () => resolve()));
      worker.postMessage('close');
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      await worker.terminate();
    },
  };
}
