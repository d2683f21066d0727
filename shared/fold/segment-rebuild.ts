// Defined segments that are new or whose filter changed are built from stored events, as new drift bins are: a
// resumable job over the active version's hours, one hour at a time, with its progress in the model's state.
// Deltas reach a segment under rebuild only for hours already rebuilt (the rebuild's t0 and seen revisions tell
// which of them it read), and queries of the segment answer once every hour is done.
import type { MonitorSpec } from '../metrics/spec.js';
import type { ModelRef } from '../storage/profiles.js';
import { type RebuildDeps, rebuildHour } from './rebuild.js';
import type { StateHolder } from './rollups.js';
import { definedTargets, type SegmentCatalog } from './segment-targets.js';

const union = (hours: number[] | undefined, more: number[]) =>
  [...new Set([...(hours ?? []), ...more])].sort((a, b) => a - b);

/** Defined segments as the registry holds them now: id -> profile key. */
export function wantedSegments(catalog: SegmentCatalog): Record<string, string> {
  return Object.fromEntries(
    [...catalog.defined.values()].map((segment) => [segment.segment_id, segment.key]),
  );
}

/**
 * Plans a job for the defined segments whose current key is not built, and advances it by up to `budget` hours.
 * Returns the hours rebuilt. Runs only while no new spec version is being rebuilt (that job builds them all).
 */
export async function advanceSegmentRebuild(
  deps: RebuildDeps,
  model: ModelRef,
  holder: StateHolder,
  spec: MonitorSpec,
  catalog: SegmentCatalog,
  budget: number,
  renewLease: () => Promise<void>,
): Promise<number> {
  if (holder.state.rebuild) return 0;
  const wanted = wantedSegments(catalog);
  const ready = Object.fromEntries(
    Object.entries(holder.state.segments ?? {}).filter(([id, key]) => wanted[id] === key),
  );
  if (Object.keys(ready).length !== Object.keys(holder.state.segments ?? {}).length) {
    await holder.save({ segments: ready });
  }
  let job = holder.state.segment_rebuild ?? null;
  if (job && job.version !== holder.state.active_version) job = null;
  if (!job) {
    const missing = Object.fromEntries(Object.entries(wanted).filter(([id, key]) => ready[id] !== key));
    if (Object.keys(missing).length === 0) {
      if (holder.state.segment_rebuild) await holder.save({ segment_rebuild: null });
      return 0;
    }
    const version = holder.state.active_version;
    const hours = (await deps.profiles.listHours(model, version)).sort((a, b) => a - b);
    if (hours.length === 0) {
      await holder.save({ segments: { ...ready, ...missing }, segment_rebuild: null });
      return 0;
    }
    job = { version, segments: missing, hours, next: 0, started_at: deps.clock() };
    await holder.save({ segment_rebuild: job });
  }
  let rebuilt = 0;
  const targets = definedTargets(catalog, job.segments);
  while (job && rebuilt < budget) {
    const hour = job.hours[job.next] as number;
    await rebuildHour(deps, model, job.version, spec, hour, targets, true);
    await renewLease();
    rebuilt++;
    const done = job.next + 1 >= job.hours.length;
    const current: typeof job = job;
    await holder.save(
      done
        ? {
            segments: { ...(holder.state.segments ?? {}), ...current.segments },
            segment_rebuild: null,
            // Rules on the new segments look at every hour they now answer for.
            pending_hours: union(holder.state.pending_hours, current.hours),
          }
        : { segment_rebuild: { ...current, next: current.next + 1 } },
    );
    job = holder.state.segment_rebuild ?? null;
  }
  return rebuilt;
}
