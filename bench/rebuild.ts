// `npm run bench:rebuild`: new drift bins on a model with 30 days of hourly data (721 hours of 20 ten-column
// events), on `npm start` with its background fold off: how long the monitor run that rebuilds every hour takes,
// and how long a 30-day metrics query takes meanwhile. With BENCH_COMPARE_DIR set to another checkout (with its
// node_modules), the same run there too, one after the other in one run.
import { pool, seedBenchModel, startServiceChild } from './support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const HOURS = 721;
const PER_HOUR = 20;
const HOUR = 3_600_000;
const START = Date.UTC(2026, 9, 1);
const COLUMNS = Array.from({ length: 10 }, (_, i) => `c${i}`);
const TOKEN = 'bench-admin-token';

function row(i: number, prefix: string): Record<string, unknown> {
  const values: Record<string, unknown> = {
    event_id: `${prefix}-${i}`,
    event_timestamp: START + Math.floor(i / PER_HOUR) * HOUR + (i % PER_HOUR),
  };
  for (const [c, column] of COLUMNS.entries())
    values[column] = c === 9 ? `k${i % 7}` : ((i * (c + 3)) % 1000) / 10;
  return values;
}

interface Outcome {
  hours: number;
  rebuildS: number;
  queryMs: number[];
}

async function run(cwd?: string): Promise<Outcome> {
  const service = await startServiceChild(
    'bench-rebuild-',
    TOKEN,
    { MODELWATCH_MONITOR_INTERVAL_MS: '0' },
    cwd,
  );
  const { call } = service;
  try {
    await seedBenchModel(
      call,
      Array.from({ length: 1000 }, (_, i) => row(i, 'base')),
      COLUMNS,
    );
    const events = HOURS * PER_HOUR;
    await pool(Math.ceil(events / 1000), 4, async (b) => {
      const body = Array.from({ length: Math.min(1000, events - b * 1000) }, (_, j) =>
        JSON.stringify(row(b * 1000 + j, 'e')),
      ).join('\n');
      await call('POST', '/v1/projects/bench/models/model/events/batch', body, 'application/x-ndjson');
    });
    await call('POST', '/v1/monitor/run');
    await call(
      'PUT',
      '/v1/projects/bench/models/model/monitoring',
      JSON.stringify({ bins: { c0: { edges: [25, 50, 75] } } }),
    );
    const started = performance.now();
    let running = true;
    const rebuilt = call('POST', '/v1/monitor/run')
      .then((answer) => answer.json() as Promise<{ hours_rebuilt: number }>)
      .finally(() => {
        running = false;
      });
    const queryMs: number[] = [];
    while (running) {
      const asked = performance.now();
      await call(
        'GET',
        `/v1/projects/bench/models/model/metrics?metric=jsd&column=c1&bin_size=day&start=${START}&end=${START + 30 * 24 * HOUR}`,
      );
      queryMs.push(performance.now() - asked);
    }
    const { hours_rebuilt } = await rebuilt;
    return { hours: hours_rebuilt, rebuildS: (performance.now() - started) / 1000, queryMs };
  } finally {
    await service.stop();
  }
}

const report = (label: string, o: Outcome) => {
  const sorted = [...o.queryMs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  console.log(
    `${label}: rebuilt ${o.hours} hours in ${o.rebuildS.toFixed(1)} s (${(o.hours / o.rebuildS).toFixed(0)} hours/s); ` +
      `30-day daily query meanwhile: median ${median.toFixed(0)} ms, worst ${(sorted.at(-1) ?? 0).toFixed(0)} ms over ${sorted.length} queries`,
  );
};

report('this checkout', await run());
const compareDir = process.env.BENCH_COMPARE_DIR;
if (compareDir) report(compareDir, await run(compareDir));
