// `npm run bench:ingest`: 100,000 ten-column events through the local batch route, beside the raw rate of
// dynalite's BatchWriteItem measured in the same run on the same machine. Both servers run as child processes,
// so the load generator does not share their event loop. With BENCH_COMPARE_DIR set to another checkout (with
// its node_modules), each round also measures that checkout's batch route, for a before/after in one run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTables } from '../shared/storage/dynamo/create-tables.js';
import { toItem } from '../shared/storage/dynamo/event-items.js';
import { freePort, pool, seedBenchModel, start, startServiceChild, stop, waitFor } from './support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const BATCH_ROWS = 5_000;
const API_CONCURRENCY = 4;
const RAW_CONCURRENCY = 8;
const PUT_CONCURRENCY = 32;
const COLUMNS = Array.from({ length: 10 }, (_, i) => `c${i}`);
const BASE_TIME = Date.UTC(2026, 10, 1);
const TABLES = { registry: 'bench-registry', events: 'bench-events', profiles: 'bench-profiles' };

function row(i: number, prefix: string): Record<string, unknown> {
  const values: Record<string, unknown> = {
    event_id: `${prefix}-${i}`,
    event_timestamp: BASE_TIME + i * 100,
  };
  for (const [c, column] of COLUMNS.entries())
    values[column] = c === 9 ? `k${i % 7}` : ((i * (c + 3)) % 1000) / 10;
  return values;
}

/**
 * BatchWriteItem straight into dynalite, of the items the events store writes (same key design and time index),
 * or, with `plain`, of a bare table without the index.
 */
async function rawBatchWriteRate(plain: boolean, conditionalPuts = false): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-raw-'));
  const port = await freePort();
  const server = start('node', [
    'node_modules/dynalite/cli.js',
    '--port',
    String(port),
    '--path',
    dir,
    '--createTableMs',
    '0',
  ]);
  try {
    const raw = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'local',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    await waitFor(async () => (await raw.send(new ListTablesCommand({}))) !== undefined, 10_000, 'dynalite');
    if (plain) {
      await raw.send(
        new CreateTableCommand({
          TableName: TABLES.events,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      );
    } else await ensureTables(raw, TABLES);
    const documents = DynamoDBDocumentClient.from(raw);
    const started = performance.now();
    if (conditionalPuts) {
      // What an insert costs when it must land exactly once: one conditional PutItem per event.
      await pool(EVENTS, PUT_CONCURRENCY, async (i) => {
        const { event_id, event_timestamp, ...values } = row(i, 'put');
        const event = {
          project_id: 'bench',
          model_id: 'model',
          event_id: String(event_id),
          event_timestamp: Number(event_timestamp),
          received_at: BASE_TIME,
          expires_at: 0,
          event: values,
        };
        await documents.send(
          new PutCommand({
            TableName: TABLES.events,
            Item: toItem(event),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      });
      return EVENTS / ((performance.now() - started) / 1000);
    }
    await pool(Math.ceil(EVENTS / 25), RAW_CONCURRENCY, async (chunk) => {
      const items = Array.from({ length: 25 }, (_, j) => {
        const { event_id, event_timestamp, ...values } = row(chunk * 25 + j, 'raw');
        const event = {
          project_id: 'bench',
          model_id: 'model',
          event_id: String(event_id),
          event_timestamp: Number(event_timestamp),
          received_at: BASE_TIME,
          expires_at: 0,
          event: values,
        };
        return { PutRequest: { Item: toItem(event) } };
      });
      await documents.send(new BatchWriteCommand({ RequestItems: { [TABLES.events]: items } }));
    });
    return EVENTS / ((performance.now() - started) / 1000);
  } finally {
    await stop(server);
    await rm(dir, { recursive: true, force: true });
  }
}

async function apiRate(cwd?: string): Promise<{ rate: number; accepted: number }> {
  const service = await startServiceChild(
    'bench-api-',
    'bench-admin-token',
    // The ingest path alone: no background fold competing for the cores.
    { MODELWATCH_MONITOR_INTERVAL_MS: '0' },
    cwd,
    process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : [],
  );
  const { call } = service;
  try {
    await seedBenchModel(
      call,
      Array.from({ length: 1000 }, (_, i) => row(i, 'base')),
      COLUMNS,
    );
    const bodies = Array.from({ length: Math.ceil(EVENTS / BATCH_ROWS) }, (_, b) =>
      Array.from({ length: Math.min(BATCH_ROWS, EVENTS - b * BATCH_ROWS) }, (_, j) =>
        JSON.stringify(row(b * BATCH_ROWS + j, 'api')),
      ).join('\n'),
    );
    let accepted = 0;
    const started = performance.now();
    await pool(bodies.length, API_CONCURRENCY, async (b) => {
      const answer = await call(
        'POST',
        '/v1/projects/bench/models/model/events/batch',
        bodies[b] as string,
        'application/x-ndjson',
      );
      const body = (await answer.json()) as { accepted?: number; error?: { message: string } };
      if (body.accepted === undefined) throw new Error(`batch ${b}: ${answer.status} ${body.error?.message}`);
      accepted += body.accepted;
    });
    return { rate: EVENTS / ((performance.now() - started) / 1000), accepted };
  } finally {
    await service.stop();
  }
}

// Two rounds, alternating, so neither side always runs on a warmer or busier machine.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const plains: number[] = [];
const raws: number[] = [];
const puts: number[] = [];
const apis: number[] = [];
const compared: number[] = [];
const compareDir = process.env.BENCH_COMPARE_DIR;
for (let round = 0; round < ROUNDS; round++) {
  plains.push(await rawBatchWriteRate(true));
  raws.push(await rawBatchWriteRate(false));
  puts.push(await rawBatchWriteRate(false, true));
  const api = await apiRate();
  if (api.accepted !== EVENTS) throw new Error(`the API accepted ${api.accepted} of ${EVENTS} events`);
  apis.push(api.rate);
  if (compareDir) {
    const other = await apiRate(compareDir);
    if (other.accepted !== EVENTS)
      throw new Error(`${compareDir} accepted ${other.accepted} of ${EVENTS} events`);
    compared.push(other.rate);
  }
}
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const [plain, raw, apiRateMean] = [mean(plains), mean(raws), mean(apis)];
const rate = (value: number) => `${Math.round(value)}`.padStart(6);
const each = (values: number[]) => values.map((value) => Math.round(value)).join(', ');
console.log(
  `events: ${EVENTS} x ${COLUMNS.length} columns; dynalite persisted on disk, each server its own process`,
);
console.log(`means of ${ROUNDS} alternating rounds (each round's figure in brackets)`);
console.log(
  `raw BatchWriteItem, bare table:           ${rate(plain)} items/s [${each(plains)}] (${RAW_CONCURRENCY} x 25 in flight)`,
);
console.log(
  `raw BatchWriteItem, events table + index: ${rate(raw)} items/s [${each(raws)}] (${RAW_CONCURRENCY} x 25 in flight)`,
);
console.log(
  `raw conditional PutItem, events table:    ${rate(mean(puts))} items/s [${each(puts)}] (${PUT_CONCURRENCY} in flight)`,
);
console.log(
  `API batch route (NDJSON):                 ${rate(apiRateMean)} events/s [${each(apis)}] (${API_CONCURRENCY} x ${BATCH_ROWS} rows in flight)`,
);
console.log(
  `API / raw (events table):                 ${(apiRateMean / raw).toFixed(2)} (goal: at least 0.50)`,
);
console.log(`API / raw (bare table):                   ${(apiRateMean / plain).toFixed(2)}`);
console.log(`API / raw conditional puts:               ${(apiRateMean / mean(puts)).toFixed(2)}`);
if (compareDir) {
  console.log(
    `API batch route of ${compareDir}: ${rate(mean(compared))} events/s [${each(compared)}]; this / that: ${(apiRateMean / mean(compared)).toFixed(2)}`,
  );
}
