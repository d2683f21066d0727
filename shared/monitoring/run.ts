// One pass of the monitor: fold what the change feed holds into deltas (local run; in AWS the stream Lambda
// does this), then bring every model with pending work up to date.
import { randomUUID } from 'node:crypto';
import type { AlertDeps } from '../alerts/engine.js';
import type { ChangeRecord } from '../feed/change-record.js';
import type { ProfileStore } from '../storage/profiles.js';
import { deltasFromChanges } from './deltas.js';
import { type MaintainDeps, maintainModel } from './maintain.js';

export interface RunSummary {
  changes_read: number;
  deltas_folded: number;
  models_updated: number;
  hours_rebuilt: number;
  /** Models whose lease another process held: they are brought up to date there. */
  models_busy: number;
  alert_bins_evaluated: number;
  alert_records_written: number;
  notifications_sent: number;
}

export function emptySummary(): RunSummary {
  return {
    changes_read: 0,
    deltas_folded: 0,
    models_updated: 0,
    hours_rebuilt: 0,
    models_busy: 0,
    alert_bins_evaluated: 0,
    alert_records_written: 0,
    notifications_sent: 0,
  };
}

/** A feed the run reads from a checkpoint (the local run's file feed). */
export interface PollableFeed {
  read(position: number, limit: number): Promise<{ records: ChangeRecord[]; nextPosition: number }>;
}

const FEED_PAGE = 5_000;
const LOCAL_FEED_CHECKPOINT = 'local-feed';
const owner = `monitor-${randomUUID()}`;

/** Writes deltas for change records and marks their models: what the stream Lambda does in AWS. */
export async function recordChanges(profiles: ProfileStore, records: ChangeRecord[]): Promise<number> {
  const deltas = deltasFromChanges(records);
  if (deltas.length === 0) return 0;
  // Deltas first, then the mark: a model is never marked clean while its deltas are unwritten.
  await profiles.putDeltas(deltas);
  await profiles.markDirty(deltas.map((delta) => delta.model));
  return deltas.length;
}

/** Reads the feed from its checkpoint; folding a page twice after a crash writes the same deltas. */
export async function drainFeed(profiles: ProfileStore, feed: PollableFeed): Promise<number> {
  let position = (await profiles.getCheckpoint(LOCAL_FEED_CHECKPOINT)) ?? 0;
  let read = 0;
  for (;;) {
    const page = await feed.read(position, FEED_PAGE);
    if (page.records.length === 0) return read;
    await recordChanges(profiles, page.records);
    position = page.nextPosition;
    await profiles.putCheckpoint(LOCAL_FEED_CHECKPOINT, position);
    read += page.records.length;
  }
}

export async function runMonitor(
  deps: MaintainDeps & { alerts?: AlertDeps },
  feed?: PollableFeed,
): Promise<RunSummary> {
  const summary = emptySummary();
  if (feed) summary.changes_read = await drainFeed(deps.profiles, feed);
  const failures: string[] = [];
  for (const { model, token } of await deps.profiles.listDirty()) {
    // One model's failure must not hold back the others; the run still fails at the end, and the model stays
    // marked so the next run retries it.
    const result = await maintainModel(deps, model, owner, { alerts: deps.alerts }).catch(
      (error: unknown) => {
        failures.push(`${model.project_id}/${model.model_id}: ${(error as Error).message}`);
        return undefined;
      },
    );
    if (!result) continue;
    if (!result.ran) {
      summary.models_busy++;
      continue;
    }
    summary.models_updated++;
    summary.deltas_folded += result.folded;
    summary.hours_rebuilt += result.rebuiltHours;
    summary.alert_bins_evaluated += result.alerts?.bins_evaluated ?? 0;
    summary.alert_records_written += result.alerts?.records_written ?? 0;
    summary.notifications_sent += result.alerts?.notifications_sent ?? 0;
    // A model stays marked while a rebuild or bins not yet complete need later runs.
    if (!result.rebuilding && result.pendingHours === 0) await deps.profiles.clearDirty(model, token);
  }
  if (failures.length > 0) throw new Error(`the monitor run failed for ${failures.join('; ')}`);
  return summary;
}
