// Rebuilding a model's profiles from its stored events after its drift bins change: a resumable job, one
// hour at a time, whose progress lives in the model's state. Queries keep reading the previous version until
// every hour is rebuilt, then switch at once.
import { absorbBatch, emptyProfile } from '../metrics/profile.js';
import type { MonitorSpec } from '../metrics/spec.js';
import type { EventStore } from '../storage/events.js';
import type { ModelRef, ProfileItemStore } from '../storage/profiles.js';
import type { FoldSegment } from './segment-targets.js';

/**
 * Changes written more than this long before an hour's rebuild began are certainly in what it reads; later
 * ones are told apart by revision (recorded in the rebuilt hour). Covers write latency, index lag and clock skew.
 */
export const REBUILD_MARGIN_MS = 5_000;

/**
 * Recomputes one hour of `version` from the events stored now: the model's profile unless `segmentsOnly`, and
 * each segment's from the events passing its filter, all from one read of the hour.
 */
/** What reading stored events back into profiles needs. */
export interface RebuildDeps {
  events: EventStore;
  profiles: ProfileItemStore;
  clock: () => number;
}

export async function rebuildHour(
  deps: RebuildDeps,
  model: ModelRef,
  version: number,
  spec: MonitorSpec,
  hour: number,
  segments: FoldSegment[] = [],
  segmentsOnly = false,
): Promise<number> {
  const t0 = deps.clock() - REBUILD_MARGIN_MS;
  const events = await deps.events.readHour(model.project_id, model.model_id, hour);
  const targets: Array<{ key?: string; passes?: FoldSegment['passes'] }> = [
    ...(segmentsOnly ? [] : [{}]),
    ...segments,
  ];
  const seen: Record<string, number> = {};
  for (const event of events) if (event.written_at > t0) seen[event.event_id] = event.rev;
  for (const target of targets) {
    const profile = emptyProfile(spec);
    const passing = events.filter((event) => !target.passes || target.passes(event.values));
    absorbBatch(
      profile,
      spec,
      passing.map((event) => event.values),
      1,
    );
    // A rebuild cut short may have written this hour already: reading again and overwriting is the same result.
    const existing = await deps.profiles.getHour(model, version, hour, target.key);
    const item = { profile, rev: (existing?.rev ?? 0) + 1, applied: [], rebuild_t0: t0, rebuild_seen: seen };
    if (!(await deps.profiles.putHour(model, version, hour, item, existing?.rev, target.key))) {
      throw new Error(`hour ${hour} of ${model.model_id} changed while it was being rebuilt`);
    }
  }
  return events.length;
}
