// One pass of the monitor: fold what the change feed holds into deltas (local run; in AWS the stream Lambda
// does this), then bring every model with pending work up to date.
import { randomUUID } from 'node:crypto';
import type { AlertDeps } from '../alerts/engine.js';
import { type PollableFeed, recordFeed } from '../fold/record.js';
import { isPoison, isStorageFault } from '../storage/faults.js';
import { failureReason, type QuarantineStore } from '../storage/quarantine.js';
import { type MaintainDeps, maintainModel } from './maintain.js';

/** Leases are held per process; the local run passes one owner for its data dir, so a restart takes its own back. */
const PROCESS_OWNER = `monitor-${randomUUID()}`;

/** A model whose metrics could not be brought up to date; it stays marked, so the next run tries again. */
export interface FailedModel {
  project_id: string;
  model_id: string;
  reason: string;
}

export interface RunSummary {
  changes_read: number;
  /** Changes that can never be folded, set aside at GET /v1/admin/quarantine. */
  changes_quarantined: number;
  deltas_folded: number;
  models_updated: number;
  hours_rebuilt: number;
  /** Models whose lease another process held: they are brought up to date there. */
  models_busy: number;
  alert_bins_evaluated: number;
  alert_records_written: number;
  notifications_sent: number;
  failed: FailedModel[];
}

export function emptySummary(): RunSummary {
  return {
    changes_read: 0,
    changes_quarantined: 0,
    deltas_folded: 0,
    models_updated: 0,
    hours_rebuilt: 0,
    models_busy: 0,
    alert_bins_evaluated: 0,
    alert_records_written: 0,
    notifications_sent: 0,
    failed: [],
  };
}

export async function runMonitor(
  deps: MaintainDeps & { alerts?: AlertDeps; quarantine?: QuarantineStore },
  feed?: PollableFeed,
  owner = PROCESS_OWNER,
): Promise<RunSummary> {
  const summary = emptySummary();
  if (feed) {
    const drained = await recordFeed(deps.profiles, feed, deps.quarantine);
    summary.changes_read = drained.read;
    summary.changes_quarantined = drained.quarantined;
  }
  const watchedDeps = watchStorage(deps);
  let storageFault: unknown;
  for (const { model, token } of await deps.profiles.listDirty()) {
    // One model's failure must not hold back the others; it stays marked so the next run retries it.
    const result = await maintainModel(watchedDeps, model, owner, { alerts: watchedDeps.alerts }).catch(
      (error: unknown) => {
        if (isStorageFailure(error)) storageFault ??= error;
        else summary.failed.push({ ...model, reason: failureReason(error) });
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
  // Storage that fails is no model's fault: the run fails as a whole (503 where the API maps it), once every
  // model had its chance.
  if (storageFault !== undefined) throw storageFault;
  return summary;
}

const storageErrors = new WeakSet<object>();

/**
 * A failure inside a storage call, unless the storage refused the data itself, is the storage's: it says
 * nothing about the model (a plain "unprocessed items" error after retries is throttling, not poison).
 */
function isStorageFailure(error: unknown): boolean {
  if (isStorageFault(error)) return true;
  return typeof error === 'object' && error !== null && storageErrors.has(error) && !isPoison(error);
}

function watchStorage<T extends MaintainDeps & { alerts?: AlertDeps }>(deps: T): T {
  const alerts = deps.alerts && {
    ...deps.alerts,
    alerts: watched(deps.alerts.alerts),
    profiles: watched(deps.alerts.profiles),
  };
  return {
    ...deps,
    registry: watched(deps.registry),
    blobs: watched(deps.blobs),
    events: watched(deps.events),
    profiles: watched(deps.profiles),
    alerts,
  };
}

/** The store, with every error its methods raise remembered as a storage error. */
function watched<S extends object>(store: S): S {
  const remember = (error: unknown): never => {
    if (typeof error === 'object' && error !== null) storageErrors.add(error);
    throw error;
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          const result = value.apply(target, args);
          return result instanceof Promise ? result.catch(remember) : result;
        } catch (error) {
          return remember(error);
        }
      };
    },
  });
}
