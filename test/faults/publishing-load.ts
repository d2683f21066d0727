// A bounded publishing load for fault tests: single inserts, batches and label updates at once, keeping
// which writes the service acknowledged and which ids were ever attempted.
import type { Client } from '../support/local-service.js';

export const EVENTS = '/v1/projects/bank/models/churn/events';
export const HOUR = Date.UTC(2026, 5, 1, 9);

export interface Ledger {
  /** Every id whose insert was sent: stored or not, depending on where a fault fell. */
  attempted: Set<string>;
  /** Ids whose insert was acknowledged (a 200, or an accepted batch row). */
  acknowledged: Set<string>;
  /** Ids whose label update was acknowledged, with the label. */
  labelled: Map<string, boolean>;
  /** Answers that were neither a success nor a refusal: 5xx other than 503, or a malformed body. */
  unexpected: string[];
}

export function newLedger(): Ledger {
  return { attempted: new Set(), acknowledged: new Set(), labelled: new Map(), unexpected: [] };
}

let counter = 0;

function row(id: string, i: number) {
  return {
    event_id: id,
    event_timestamp: HOUR + (i % 7_200_000),
    age: 20 + (i % 50),
    balance: (i * 37) % 20_000,
    geography: ['France', 'Spain', 'Germany'][i % 3],
    tenure: i % 10,
    probability_churned: (i % 100) / 100,
  };
}

/** Notes an answer that is neither a success nor an allowed refusal of a fault. */
function check(ledger: Ledger, status: number, text: string): void {
  if (status >= 500 && status !== 503) ledger.unexpected.push(`${status} ${text.slice(0, 200)}`);
  if (status === 503 && !text.includes('storage_unavailable'))
    ledger.unexpected.push(`503 ${text.slice(0, 200)}`);
}

/**
 * Publishes until `stop()` resolves or the service dies: `workers` loops each sending a single insert, a
 * batch of `batchRows`, or a label update of an acknowledged id. Connection errors end a worker quietly
 * (the process was killed); their writes count as attempted, not acknowledged.
 */
export async function publishUntil(
  client: Client,
  ledger: Ledger,
  stopped: () => boolean,
  options: { workers?: number; batchRows?: number; prefix: string },
): Promise<void> {
  const workers = options.workers ?? 4;
  const batchRows = options.batchRows ?? 40;
  const worker = async (w: number) => {
    for (let step = 0; !stopped(); step++) {
      const kind = (step + w) % 3;
      try {
        if (kind === 0) {
          const id = `${options.prefix}-${counter++}`;
          ledger.attempted.add(id);
          const answer = await client.post(EVENTS, {
            event_id: id,
            event_timestamp: HOUR + (counter % 7_200_000),
            event: row(id, counter),
          });
          check(ledger, answer.status, answer.text);
          if (answer.status === 200) ledger.acknowledged.add(id);
        } else if (kind === 1) {
          const rows = Array.from({ length: batchRows }, () => {
            const id = `${options.prefix}-${counter++}`;
            ledger.attempted.add(id);
            return row(id, counter);
          });
          const answer = await client.post(
            `${EVENTS}/batch`,
            rows.map((r) => JSON.stringify(r)).join('\n'),
            'application/x-ndjson',
          );
          check(ledger, answer.status, answer.text);
          if (answer.status === 200) {
            const rejected = new Set((answer.body.errors ?? []).map((e: { row: number }) => e.row));
            rows.forEach((r, i) => {
              if (!rejected.has(i)) ledger.acknowledged.add(r.event_id);
            });
          }
        } else {
          const candidates = [...ledger.acknowledged].filter((id) => !ledger.labelled.has(id));
          const id = candidates[(step * 7919) % Math.max(1, candidates.length)];
          if (!id) continue;
          const label = step % 2 === 0;
          const answer = await client.post(EVENTS, {
            event_id: id,
            update_event: true,
            event: { churned: label },
          });
          check(ledger, answer.status, answer.text);
          if (answer.status === 200) ledger.labelled.set(id, label);
        }
      } catch {
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
}

/** Sums a metric over the two hours the load publishes into. */
export async function total(client: Client, metric: string): Promise<number> {
  const answer = await client.get(
    `/v1/projects/bank/models/churn/metrics?metric=${metric}&bin_size=day&start=${HOUR - 3_600_000 * 9}&end=${HOUR + 3_600_000 * 15}`,
  );
  if (answer.status !== 200) throw new Error(`metrics: ${answer.status} ${answer.text}`);
  return answer.body.points.reduce(
    (sum: number, point: { value: number | null }) => sum + (point.value ?? 0),
    0,
  );
}

/** Which attempted ids are stored, and with which label (GET each one). */
export async function storedEvents(client: Client, ids: Iterable<string>): Promise<Map<string, unknown>> {
  const stored = new Map<string, unknown>();
  const list = [...ids];
  for (let i = 0; i < list.length; i += 32) {
    await Promise.all(
      list.slice(i, i + 32).map(async (id) => {
        const answer = await client.get(`${EVENTS}/${encodeURIComponent(id)}`);
        if (answer.status === 200) stored.set(id, answer.body.event.churned ?? null);
        else if (answer.status !== 404) throw new Error(`GET ${id}: ${answer.status} ${answer.text}`);
      }),
    );
  }
  return stored;
}
