// `npm run bench:sustained`: `npm start` under sustained load, its background fold on. Publishes BENCH_EVENTS
// (default 200,000; 1,000,000 for the figure in docs/performance.md) ten-column events through the batch route
// as fast as it takes them, and samples every 5 s how many the metrics count and the process's memory. Reports
// the ingest rate, the fold rate, the largest backlog, and the RSS once everything is folded. With
// BENCH_COMPARE_DIR set to another checkout (with its node_modules), the same load runs there too, one after
// the other in one run.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pool, seedBenchModel, startServiceChild, waitFor } from './support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const BATCH_ROWS = 1_000;
const CONCURRENCY = 4;
/** After the last batch, how long the fold may take to catch up before the run counts as failed. */
const CATCH_UP_MS = Number(process.env.BENCH_CATCH_UP_MS ?? 30 * 60_000);
const BASE_TIME = Date.UTC(2026, 10, 2);
/** Events spread over 30 days: the fold writes many hours, as a real backlog would. */
const SPREAD_MS = 30 * 86_400_000;
const COLUMNS = Array.from({ length: 10 }, (_, i) => `c${i}`);
const TOKEN = 'bench-admin-token';

function row(i: number, prefix: string): Record<string, unknown> {
  const values: Record<string, unknown> = {
    event_id: `${prefix}-${i}`,
    event_timestamp: BASE_TIME + Math.floor((i / EVENTS) * SPREAD_MS),
  };
  for (const [c, column] of COLUMNS.entries())
    values[column] = c === 9 ? `k${i % 7}` : ((i * (c + 3)) % 1000) / 10;
  return values;
}

/**
 * The process's resident memory, split: `anon` is its own (heaps, buffers, the database's caches); `file` is
 * pages of the database's files that LevelDB maps to read them, which the kernel takes back under pressure.
 */
async function memoryOf(pid: number): Promise<{ rss: number; peak: number; anon: number; file: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return {
    rss: kib('VmRSS') / 1024,
    peak: kib('VmHWM') / 1024,
    anon: kib('RssAnon') / 1024,
    file: kib('RssFile') / 1024,
  };
}

/** Bytes on disk under the data dir, in MiB: LevelDB deletes a table file only once no iterator pins it. */
async function diskOf(dir: string): Promise<number> {
  let bytes = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) bytes += (await stat(join(entry.parentPath, entry.name))).size;
  return bytes / 2 ** 20;
}

interface Outcome {
  ingestRate: number;
  foldRate: number;
  maxBacklog: number;
  catchUpS: number;
  rss: number;
  peak: number;
  anon: number;
  file: number;
  peakAnon: number;
  disk: number;
}

async function run(cwd?: string): Promise<Outcome> {
  const service = await startServiceChild(
    'bench-sustained-',
    TOKEN,
    { MODELWATCH_MONITOR_INTERVAL_MS: '2000' },
    cwd,
  );
  const { call, dataDir: dir } = service;
  /** Events the metrics count: traffic over the whole range in one monthly bin query. */
  const folded = async () => {
    const answer = await call(
      'GET',
      `/v1/projects/bench/models/model/metrics?metric=traffic&bin_size=month&start=${BASE_TIME - 31 * 86_400_000}&end=${BASE_TIME + 62 * 86_400_000}`,
    );
    const body = (await answer.json()) as { points: Array<{ value: number | null }> };
    return body.points.reduce((sum, point) => sum + (point.value ?? 0), 0);
  };
  try {
    await seedBenchModel(
      call,
      Array.from({ length: 1000 }, (_, i) => row(i, 'base')),
      COLUMNS,
    );
    let accepted = 0;
    let maxBacklog = 0;
    let peakAnon = 0;
    let sampling = true;
    const started = performance.now();
    const sampler = (async () => {
      while (sampling) {
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        const count = await folded().catch(() => undefined);
        const memory = await memoryOf(service.pid);
        peakAnon = Math.max(peakAnon, memory.anon);
        if (count !== undefined) maxBacklog = Math.max(maxBacklog, accepted - count);
        console.log(
          `  ${((performance.now() - started) / 1000).toFixed(0)} s: accepted ${accepted}, folded ${count ?? '?'}, RSS ${memory.rss.toFixed(0)} MiB (own ${memory.anon.toFixed(0)}, database files ${memory.file.toFixed(0)})`,
        );
      }
    })();
    const batches = Math.ceil(EVENTS / BATCH_ROWS);
    await pool(batches, CONCURRENCY, async (b) => {
      const body = Array.from({ length: Math.min(BATCH_ROWS, EVENTS - b * BATCH_ROWS) }, (_, j) =>
        JSON.stringify(row(b * BATCH_ROWS + j, 'e')),
      ).join('\n');
      const answer = await call(
        'POST',
        '/v1/projects/bench/models/model/events/batch',
        body,
        'application/x-ndjson',
      );
      accepted += ((await answer.json()) as { accepted: number }).accepted;
    });
    const ingestS = (performance.now() - started) / 1000;
    const ingested = performance.now();
    await waitFor(async () => (await folded()) === EVENTS, CATCH_UP_MS, `folding ${EVENTS} events`);
    const doneS = (performance.now() - started) / 1000;
    sampling = false;
    await sampler;
    // Let the garbage of the last steps be collected before reading what the process keeps.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const memory = await memoryOf(service.pid);
    return {
      ingestRate: accepted / ingestS,
      foldRate: EVENTS / doneS,
      maxBacklog,
      catchUpS: (performance.now() - ingested) / 1000 - 5,
      ...memory,
      peakAnon,
      disk: await diskOf(dir),
    };
  } finally {
    await service.stop();
  }
}

const report = (label: string, o: Outcome) =>
  console.log(
    `${label}: ${EVENTS} events, ingest ${o.ingestRate.toFixed(0)} events/s, folded end to end at ${o.foldRate.toFixed(0)} events/s, ` +
      `largest backlog ${o.maxBacklog}, caught up ${o.catchUpS.toFixed(0)} s after the last batch, ` +
      `RSS ${o.rss.toFixed(0)} MiB (peak ${o.peak.toFixed(0)} MiB): own memory ${o.anon.toFixed(0)} MiB (peak ${o.peakAnon.toFixed(0)}), ` +
      `mapped database files ${o.file.toFixed(0)} MiB; data dir ${o.disk.toFixed(0)} MiB`,
  );

report('this checkout', await run());
const compareDir = process.env.BENCH_COMPARE_DIR;
if (compareDir) report(compareDir, await run(compareDir));
