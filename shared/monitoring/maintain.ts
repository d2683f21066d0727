// Brings one model's profiles up to date under its lease: folds pending deltas, starts a rebuild when its
// drift bins changed, advances the rebuild, and recomputes the day profiles of changed days. One writer per
// model at a time, wherever it runs.
import { type AlertDeps, type AlertSummary, evaluateModelAlerts } from '../alerts/engine.js';
import { mapBounded } from '../concurrency/keyed-lock.js';
import { compactModel, targetsOf } from '../fold/compaction.js';
import { type RebuildDeps, rebuildHour } from '../fold/rebuild.js';
import { markingStaleDays, rollUp, stateHolder } from '../fold/rollups.js';
import { advanceSegmentRebuild, wantedSegments } from '../fold/segment-rebuild.js';
import { activeSegmentKeys, automaticTargets, definedTargets, loadCatalog } from '../fold/segment-targets.js';
import type { MonitorSpec } from '../metrics/spec.js';
import { autoSegmentsFor } from '../specs/auto-segments.js';
import { type SpecDeps, specFor } from '../specs/specs.js';
import type { ModelRef, ModelState, ProfileStore } from '../storage/profiles.js';
import { ruleBinReader } from './rule-bins.js';

/** Maintaining a model touches every kind of profile item: pending packs, profiles, and the model's state. */
export interface MaintainDeps extends SpecDeps, Omit<RebuildDeps, 'profiles'> {}

export interface MaintainResult {
  /** False when another process holds the model's lease. */
  ran: boolean;
  folded: number;
  rebuiltHours: number;
  /** True while a rebuild still has hours to go. */
  rebuilding: boolean;
  /** Changed hours that alert rules still have to see once their bins complete. */
  pendingHours: number;
  /** Day profiles recomputed. */
  daysRefreshed: number;
  alerts?: AlertSummary;
}

function union(hours: number[] | undefined, more: Iterable<number>): number[] {
  return [...new Set([...(hours ?? []), ...more])].sort((a, b) => a - b);
}

function sameHours(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((hour, i) => hour === b[i]);
}

const LEASE_MS = 60_000;
/** Hours of a rebuild read and written at once. */
const REBUILD_HOURS_IN_FLIGHT = 8;

export async function maintainModel(
  deps: MaintainDeps,
  model: ModelRef,
  owner: string,
  options: { rebuildHourBudget?: number; alerts?: AlertDeps } = {},
): Promise<MaintainResult> {
  const result: MaintainResult = {
    ran: false,
    folded: 0,
    rebuiltHours: 0,
    rebuilding: false,
    pendingHours: 0,
    daysRefreshed: 0,
  };
  if (!(await deps.profiles.acquireLease(model, owner, LEASE_MS, deps.clock()))) return result;
  result.ran = true;
  try {
    const record = await deps.registry.getModel(model.project_id, model.model_id);
    if (!record) return result;
    const holder = stateHolder(
      deps.profiles,
      model,
      await loadState(deps.profiles, model, record.monitoring.version),
    );
    const specs = await loadSpecs(deps, model, holder.state);
    const catalog = await loadCatalog(deps, model, record, [...specs.keys()]);
    const writer = { ...deps, profiles: markingStaleDays(deps.profiles, holder) };
    const compaction = await compactModel(writer.profiles, model, targetsOf(holder.state, specs, catalog));
    result.folded = compaction.folded;
    if (compaction.hours.size > 0) {
      await holder.save({ pending_hours: union(holder.state.pending_hours, compaction.hours) });
    }

    const newest = Math.max(holder.state.active_version, holder.state.rebuild?.version ?? 0);
    if (record.monitoring.version > newest) {
      // Read hours only after compaction, so every folded change is in the list.
      const hours = (await deps.profiles.listHours(model, holder.state.active_version)).sort((a, b) => a - b);
      const version = record.monitoring.version;
      // Every defined segment is built with the new version; a segment job of the old version is dropped.
      const segments = wantedSegments(catalog);
      await holder.save({
        active_version: hours.length === 0 ? version : holder.state.active_version,
        rebuild: hours.length === 0 ? null : { version, hours, next: 0, started_at: deps.clock(), segments },
        ...(hours.length === 0 ? { segments } : {}),
        segment_rebuild: null,
      });
      specs.set(version, await specFor(deps, model, version, record));
      catalog.automatic.set(version, await autoSegmentsFor(deps, model, version, record));
    }

    const budget = options.rebuildHourBudget ?? Number.POSITIVE_INFINITY;
    while (holder.state.rebuild && result.rebuiltHours < budget) {
      const job = holder.state.rebuild;
      // Hours are rebuilt side by side, each from its own read of events: progress is saved once per batch, and
      // a batch cut short is rebuilt again whole (rebuilding an hour twice gives the same profile).
      const batch = job.hours.slice(
        job.next,
        job.next + Math.min(REBUILD_HOURS_IN_FLIGHT, budget - result.rebuiltHours),
      );
      const segments = [...automaticTargets(catalog, job.version), ...definedTargets(catalog, job.segments)];
      const spec = specs.get(job.version) as MonitorSpec;
      await mapBounded(batch, REBUILD_HOURS_IN_FLIGHT, (hour) =>
        rebuildHour(writer, model, job.version, spec, hour, segments),
      );
      await deps.profiles.acquireLease(model, owner, LEASE_MS, deps.clock());
      result.rebuiltHours += batch.length;
      const next = job.next + batch.length;
      const done = next >= job.hours.length;
      await holder.save({
        active_version: done ? job.version : holder.state.active_version,
        rebuild: done ? null : { ...job, next },
        ...(done ? { segments: job.segments ?? {} } : {}),
        // New bins change drift everywhere: rules look at every rebuilt hour again.
        pending_hours: done ? union(holder.state.pending_hours, job.hours) : holder.state.pending_hours,
      });
    }
    const renewLease = async () => {
      await deps.profiles.acquireLease(model, owner, LEASE_MS, deps.clock());
    };
    const activeSpec = specs.get(holder.state.active_version) as MonitorSpec;
    result.rebuiltHours += await advanceSegmentRebuild(
      { ...deps, profiles: writer.profiles },
      model,
      holder,
      activeSpec,
      catalog,
      budget - result.rebuiltHours,
      renewLease,
    );
    // After a switch to rebuilt hours too: the new version's day profiles are made from them here.
    result.daysRefreshed = await rollUp(
      deps.profiles,
      model,
      holder,
      renewLease,
      activeSegmentKeys(catalog, holder.state),
    );
    let state = holder.state;
    result.rebuilding = state.rebuild !== null || Boolean(state.segment_rebuild);

    if (options.alerts) {
      const spec = specs.get(state.active_version) ?? (await specFor(deps, model, state.active_version));
      const alerts = await evaluateModelAlerts(
        options.alerts,
        model,
        state.active_version,
        state.pending_hours ?? [],
        ruleBinReader(deps, record, state.active_version, spec),
      );
      result.alerts = alerts;
      if (!sameHours(alerts.pending_hours, state.pending_hours ?? [])) {
        state = await holder.save({ pending_hours: alerts.pending_hours });
      }
    }
    result.pendingHours = state.pending_hours?.length ?? 0;
    return result;
  } finally {
    await deps.profiles.releaseLease(model, owner);
  }
}

async function loadState(store: ProfileStore, model: ModelRef, configVersion: number): Promise<ModelState> {
  const stored = await store.getState(model);
  if (stored) return stored;
  // A model's first profiles use whatever config it has when its first change is folded.
  const initial: ModelState = { active_version: configVersion, rebuild: null, rev: 1 };
  if (!(await store.putState(model, initial, undefined)))
    throw new Error(`state of ${model.model_id} appeared concurrently`);
  return initial;
}

async function loadSpecs(
  deps: MaintainDeps,
  model: ModelRef,
  state: ModelState,
): Promise<Map<number, MonitorSpec>> {
  const specs = new Map<number, MonitorSpec>();
  specs.set(state.active_version, await specFor(deps, model, state.active_version));
  if (state.rebuild) specs.set(state.rebuild.version, await specFor(deps, model, state.rebuild.version));
  return specs;
}
