// `npm run bench:feed-startup`: how long `npm start` takes to answer /health, and how much memory it holds, with
// a change feed of 1,000,000 unfolded changes in its data dir. With BENCH_COMPARE_DIR set to another checkout
// (with its node_modules), the same feed is opened by that checkout too, side by side in one run.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { link, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changeRecord } from '../shared/feed/change-record.js';
import { toItem } from '../shared/storage/dynamo/event-items.js';
import { freePort, start, stop, waitFor } from './support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const CHANGES = Number(process.env.BENCH_CHANGES ?? 1_000_000);
const BASE_TIME = Date.UTC(2026, 10, 1);

/** Writes the feed as one NDJSON file of insert records of ten-column events, as the feed stores them. */
async function writeFeed(path: string): Promise<number> {
  const out = createWriteStream(path);
  for (let i = 0; i < CHANGES; i++) {
    const event: Record<string, unknown> = {};
    for (let c = 0; c < 10; c++) event[`c${c}`] = c === 9 ? `k${i % 7}` : ((i * (c + 3)) % 1000) / 10;
    const item = toItem({
      project_id: 'bench',
      model_id: 'model',
      event_id: `e-${i}`,
      event_timestamp: BASE_TIME + i * 100,
      received_at: BASE_TIME,
      expires_at: 0,
      event,
    });
    const sequence = String(i + 1).padStart(21, '0');
    const record = changeRecord('INSERT', { ...item, wid: `w-${i}` }, undefined, BASE_TIME);
    const line = `${JSON.stringify({ ...record, eventID: sequence, dynamodb: { ...record.dynamodb, SequenceNumber: sequence } })}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return (await stat(path)).size;
}

async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

async function startupWith(
  feedFile: string,
  cwd?: string,
): Promise<{ ms: number; rss: number; peak: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-startup-'));
  await mkdir(join(dir, 'feed'));
  // A hard link: both checkouts read the same bytes, and neither changes the original.
  await link(feedFile, join(dir, 'feed', 'changes.ndjson'));
  const port = await freePort();
  const started = performance.now();
  const server = start(
    'node',
    ['--import', 'tsx', 'local/main.ts'],
    {
      PORT: String(port),
      MODELWATCH_DATA_DIR: dir,
      MODELWATCH_ADMIN_TOKEN: 'bench',
      MODELWATCH_MONITOR_INTERVAL_MS: '0',
    },
    cwd,
  );
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, 600_000, 'the service');
    const ms = performance.now() - started;
    // Let start-up garbage be collected before reading what the process keeps.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    return { ms, ...(await memoryOf(server.pid as number)) };
  } finally {
    await stop(server);
    await rm(dir, { recursive: true, force: true });
  }
}

const work = await mkdtemp(join(tmpdir(), 'bench-feed-'));
try {
  const feedFile = join(work, 'changes.ndjson');
  const bytes = await writeFeed(feedFile);
  console.log(`feed: ${CHANGES} changes, ${(bytes / 2 ** 20).toFixed(0)} MiB, none folded yet`);
  const empty = join(work, 'empty.ndjson');
  await (await import('node:fs/promises')).writeFile(empty, '');
  const sides: Array<[string, string | undefined]> = [['this checkout', undefined]];
  if (process.env.BENCH_COMPARE_DIR)
    sides.push([process.env.BENCH_COMPARE_DIR, process.env.BENCH_COMPARE_DIR]);
  for (const [label, cwd] of sides) {
    const idle = await startupWith(empty, cwd);
    const loaded = await startupWith(feedFile, cwd);
    const mib = (value: number) => `${value.toFixed(0)} MiB`;
    console.log(
      `${label}: empty feed ${Math.round(idle.ms)} ms to /health, RSS ${mib(idle.rss)}; ` +
        `${CHANGES} changes ${Math.round(loaded.ms)} ms, RSS ${mib(loaded.rss)} (peak ${mib(loaded.peak)})`,
    );
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
