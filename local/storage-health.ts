// Whether the local service's storage is usable now: the storage worker is up, the disk holding the data dir
// has room, the write journal has caught up with the feed, and a small write goes through.
import { statfs } from 'node:fs/promises';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { HealthReport } from '../shared/api/services.js';
import type { FileWriteJournal } from '../shared/feed/file-journal.js';
import type { EmbeddedDynamo } from './dynalite.js';

/** Below this much free space a write of one batch may not fit: report the disk as full before it is. */
const MIN_FREE_BYTES = 1024 * 1024;
/** Checks are cached this long, so a load balancer polling /health does not become the load. */
const CACHE_MS = 500;
const PROBE_TIMEOUT_MS = 2_000;

export function localStorageHealth(options: {
  dynamo: EmbeddedDynamo;
  client: DynamoDBDocumentClient;
  probeTable: string;
  journal: FileWriteJournal;
  dataDir: string;
}): () => Promise<HealthReport> {
  let cached: { at: number; report: Promise<HealthReport> } | undefined;
  const check = async (): Promise<HealthReport> => {
    if (!options.dynamo.running) return { ok: false, reason: 'the storage worker is restarting' };
    const disk = await statfs(options.dataDir);
    if (disk.bavail * disk.bsize < MIN_FREE_BYTES)
      return { ok: false, reason: `the disk holding ${options.dataDir} is full` };
    try {
      await options.journal.settle();
      await options.client.send(
        new PutCommand({
          TableName: options.probeTable,
          Item: { pk: 'HEALTH', sk: 'probe', at: Date.now() },
        }),
        { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) },
      );
    } catch (error) {
      return { ok: false, reason: `storage does not take writes: ${(error as Error).message}` };
    }
    return { ok: true };
  };
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > CACHE_MS) cached = { at: now, report: check() };
    return cached.report;
  };
}
