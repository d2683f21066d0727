// `npm run bench:wru`: DynamoDB write units per event, all writes included (the event, its change's delta, the
// fold's profile, journal, state and checkpoint writes), for inserts and for label updates at 100 and 1,000
// events per batch. Measured with ReturnConsumedCapacity on every call of the local service's storage client.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalService } from '../local/service.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000);
const BASE_TIME = Date.UTC(2026, 10, 2);
const COLUMNS = Array.from({ length: 10 }, (_, i) => `c${i}`);

interface Tally {
  write: number;
  read: number;
  calls: number;
}

const empty = (): Tally => ({ write: 0, read: 0, calls: 0 });

function row(i: number, prefix: string): Record<string, unknown> {
  const values: Record<string, unknown> = {
    event_id: `${prefix}-${i}`,
    event_timestamp: BASE_TIME + i * 700,
  };
  for (const [c, column] of COLUMNS.entries())
    values[column] = c === 9 ? `k${i % 7}` : ((i * (c + 3)) % 1000) / 10;
  values.score = (i % 100) / 100;
  values.label = i % 3 === 0;
  return values;
}

async function measure(batchRows: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-wru-'));
  const service = await startLocalService({
    port: 0,
    host: '127.0.0.1',
    dataDir: dir,
    adminToken: 'bench',
    monitorIntervalMs: 0,
  });
  const tally: Tally = { write: 0, read: 0, calls: 0 };
  service.storageClient.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const commandName = context.commandName ?? '';
      for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
        const units = (entry as { CapacityUnits?: number }).CapacityUnits ?? 0;
        if (/Get|Query|Scan/.test(commandName)) tally.read += units;
        else tally.write += units;
      }
      tally.calls++;
      return result;
    },
    { step: 'initialize', name: 'consumedCapacity' },
  );
  const call = async (method: string, path: string, body?: string, type = 'application/json') => {
    const answer = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: 'Bearer bench', 'content-type': type },
      body,
    });
    if (!answer.ok) throw new Error(`${method} ${path}: ${answer.status} ${await answer.text()}`);
    return answer.json();
  };
  try {
    await call('POST', '/v1/projects', JSON.stringify({ project_id: 'bench' }));
    const baseline = Array.from({ length: 500 }, (_, i) => JSON.stringify(row(i, 'base'))).join('\n');
    await call('PUT', '/v1/projects/bench/datasets/base', baseline, 'application/x-ndjson');
    await call(
      'PUT',
      '/v1/projects/bench/models/model',
      JSON.stringify({
        dataset_id: 'base',
        task: 'binary_classification',
        inputs: COLUMNS,
        outputs: ['score'],
        targets: ['label'],
      }),
    );
    await call('POST', '/v1/monitor/run');
    // As in AWS, where the stream Lambda folds each batch it is handed: publish a batch, then fold it.
    const spent = { insert: empty(), foldInserts: empty(), update: empty(), foldUpdates: empty() };
    const timed = async (into: Tally, work: () => Promise<unknown>) => {
      const before = { ...tally };
      await work();
      into.write += tally.write - before.write;
      into.read += tally.read - before.read;
      into.calls += tally.calls - before.calls;
    };
    const batch = '/v1/projects/bench/models/model/events/batch';
    for (let b = 0; b < EVENTS; b += batchRows) {
      const ids = Array.from({ length: Math.min(batchRows, EVENTS - b) }, (_, j) => b + j);
      const inserts = ids.map((i) => {
        const { label: _label, ...values } = row(i, 'ev');
        return JSON.stringify(values);
      });
      await timed(spent.insert, () => call('POST', batch, inserts.join('\n'), 'application/x-ndjson'));
      await timed(spent.foldInserts, () => call('POST', '/v1/monitor/run'));
    }
    for (let b = 0; b < EVENTS; b += batchRows) {
      const ids = Array.from({ length: Math.min(batchRows, EVENTS - b) }, (_, j) => b + j);
      const labels = ids.map((i) => JSON.stringify({ event_id: `ev-${i}`, label: i % 3 === 0 }));
      await timed(spent.update, () =>
        call('POST', `${batch}?update_event=true`, labels.join('\n'), 'application/x-ndjson'),
      );
      await timed(spent.foldUpdates, () => call('POST', '/v1/monitor/run'));
    }
    const per = (value: number) => (value / EVENTS).toFixed(2);
    for (const [name, used] of Object.entries(spent)) {
      console.log(
        `${String(batchRows).padStart(5)} per batch, ${name.padEnd(11)}: ${per(used.write)} WRU/event, ${per(used.read)} RRU/event (${used.calls} calls)`,
      );
    }
  } finally {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  }
}

console.log(
  `${EVENTS} events of ${COLUMNS.length} columns; dynalite's units (table only: add 1 WRU per insert for the KEYS_ONLY by_hour index)`,
);
for (const rows of [100, 1_000]) await measure(rows);
