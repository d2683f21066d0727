// The local service in the benchmark's own process, on a fresh data dir and with no background monitor, so a
// benchmark measures only the work it asks for.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalService } from '../local/service.js';

/** The service with admin token `bench`; `close` stops it and removes its data dir. */
export async function startBenchService(dirPrefix: string) {
  const dataDir = await mkdtemp(join(tmpdir(), dirPrefix));
  const service = await startLocalService({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    adminToken: 'bench',
    monitorIntervalMs: 0,
  });
  const close = async () => {
    await service.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  return { service, close };
}
