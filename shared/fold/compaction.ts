// Folds a model's pending deltas into its hour profiles. Exactly once in effect: a delta is keyed by event
// revision, and a step applies each key once (a redelivered change may sit in two packs); a step's packs are
// journaled before it touches any profile, and each profile write records the step's delta keys, so a step cut
// short is finished with exactly the same deltas and never applies one twice.
import { createHash } from 'node:crypto';
import { mapBounded } from '../concurrency/keyed-lock.js';
import { absorbChanges, emptyProfile, type ProfileChange } from '../metrics/profile.js';
import type { MonitorSpec } from '../metrics/spec.js';
import {
  DELTA_SHARDS,
  type HourItem,
  type ModelRef,
  type ModelState,
  type PendingStore,
  type ProfileItemStore,
  type StoredDelta,
} from '../storage/profiles.js';
import {
  activeSegmentTargets,
  automaticTargets,
  definedTargets,
  type FoldSegment,
  type SegmentCatalog,
} from './segment-targets.js';

/** What compaction reads and writes: pending packs and journals, and hour profiles. */
export type CompactionStore = PendingStore & ProfileItemStore;

/** Deltas per step: keeps the step's record of covered deltas small within one profile item. */
export const COMPACTION_STEP = 500;
/** Hours a step folds at once. */
const HOURS_IN_FLIGHT = 8;
const MAX_WRITE_ATTEMPTS = 5;

export interface CompactionTarget {
  version: number;
  spec: MonitorSpec;
  /** Whether this version's profile of `hour` takes deltas now (a rebuild reads hours it has not reached). */
  takes(hour: number): boolean;
  /** Segment profiles of this version, each taking the deltas whose old or new values pass its filter. */
  segments?: Array<FoldSegment & { takes(hour: number): boolean }>;
}

/** How a delta changes one profile: take its old values out, put its new values in. */
type Effect = (delta: StoredDelta) => { remove: boolean; add: boolean };
const WHOLE_MODEL: Effect = (delta) => ({ remove: delta.old_values !== null, add: true });

/** A short, stable digest of a delta key, for the per-item record of covered deltas. */
export function deltaDigest(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

export interface CompactionResult {
  folded: number;
  /** Hours whose profile changed in the first (active) target: what alert rules must look at again. */
  hours: Set<number>;
}

/**
 * The journal slot of a step across all delta shards. Slots 0..DELTA_SHARDS-1 hold the per-shard steps of earlier
 * versions, still finished first after an upgrade.
 */
const CROSS_SHARD_JOURNAL = DELTA_SHARDS;

/**
 * Folds every pending delta of the model. A step takes up to COMPACTION_STEP deltas from all shards at once, so
 * each hour profile it touches is written once per step, not once per shard: a stream batch of 100 events spread
 * over 16 shards costs one profile write per model-hour instead of sixteen.
 */
export async function compactModel(
  store: CompactionStore,
  model: ModelRef,
  targets: CompactionTarget[],
): Promise<CompactionResult> {
  const result: CompactionResult = { folded: 0, hours: new Set() };
  // A step cut short is finished first, before any other step can overwrite the records of what it covered.
  for (let slot = 0; slot <= CROSS_SHARD_JOURNAL; slot++) {
    const unfinished = await store.getJournal(model, slot);
    if (!unfinished) continue;
    const deltas =
      slot === CROSS_SHARD_JOURNAL
        ? await journaledDeltas(store, model, unfinished)
        : await store.getDeltas(model, slot, unfinished);
    await runStep(store, model, slot, targets, deltas, false);
    for (const delta of deltas) result.hours.add(delta.hour);
  }
  for (;;) {
    const deltas: StoredDelta[] = [];
    for (let shard = 0; shard < DELTA_SHARDS && deltas.length < COMPACTION_STEP; shard++) {
      deltas.push(...(await store.queryDeltas(model, shard, COMPACTION_STEP - deltas.length)));
    }
    if (deltas.length === 0) break;
    await runStep(store, model, CROSS_SHARD_JOURNAL, targets, deltas, true);
    result.folded += deltas.length;
    for (const delta of deltas) result.hours.add(delta.hour);
    if (deltas.length < COMPACTION_STEP) break;
  }
  return result;
}

/**
 * The deltas a cross-shard journal names that still exist. Each shard is asked for every key (a key lives in one
 * shard only): a step is finished this way only after a run died inside it, so the extra reads are rare.
 */
async function journaledDeltas(
  store: CompactionStore,
  model: ModelRef,
  keys: string[],
): Promise<StoredDelta[]> {
  const found: StoredDelta[] = [];
  for (let shard = 0; shard < DELTA_SHARDS; shard++)
    found.push(...(await store.getDeltas(model, shard, keys)));
  return found;
}

async function runStep(
  store: CompactionStore,
  model: ModelRef,
  slot: number,
  targets: CompactionTarget[],
  deltas: StoredDelta[],
  journal: boolean,
): Promise<void> {
  if (journal) await store.putJournal(model, slot, [...new Set(deltas.map((delta) => delta.source))]);
  // A change delivered twice before its first copy was folded sits in two packs: apply one copy.
  const unique = [...new Map(deltas.map((delta) => [delta.key, delta])).values()];
  await applyStep(store, model, targets, unique);
  await store.deleteDeltas(model, deltas);
  await store.deleteJournal(model, slot);
}

async function applyStep(
  store: CompactionStore,
  model: ModelRef,
  targets: CompactionTarget[],
  deltas: StoredDelta[],
): Promise<void> {
  const byHour = new Map<number, StoredDelta[]>();
  for (const delta of deltas) byHour.set(delta.hour, [...(byHour.get(delta.hour) ?? []), delta]);
  // Each hour's items are written under their own revisions, so hours go side by side: a step over a backfill
  // spread across many hours is not one storage round trip after another.
  await mapBounded([...byHour], HOURS_IN_FLIGHT, async ([hour, hourDeltas]) => {
    // An event's revisions must land in order: each one subtracts what the previous one added.
    hourDeltas.sort((a, b) =>
      a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : a.new_rev - b.new_rev,
    );
    for (const target of targets) {
      if (target.takes(hour)) await applyToHour(store, model, target, hour, hourDeltas);
    }
  });
}

/**
 * The model's profile of the hour, then each segment's whose filter the old values pass (remove) or the new values
 * pass (add): an update that changes a metadata or decision value leaves one segment and enters another. Every
 * write records the step's digests, so a segment profile is exactly once in effect like the model's.
 */
async function applyToHour(
  store: CompactionStore,
  model: ModelRef,
  target: CompactionTarget,
  hour: number,
  deltas: StoredDelta[],
): Promise<void> {
  await applyToItem(store, model, target, hour, deltas, WHOLE_MODEL);
  for (const segment of target.segments ?? []) {
    if (!segment.takes(hour)) continue;
    const effect: Effect = (delta) => ({
      remove: delta.old_values !== null && segment.passes(delta.old_values),
      add: segment.passes(delta.new_values),
    });
    if (!deltas.some((delta) => effect(delta).remove || effect(delta).add)) continue;
    await applyToItem(store, model, target, hour, deltas, effect, segment.key);
  }
}

async function applyToItem(
  store: CompactionStore,
  model: ModelRef,
  target: CompactionTarget,
  hour: number,
  deltas: StoredDelta[],
  effect: Effect,
  segment?: string,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const stored = await store.getHour(model, target.version, hour, segment);
    const item: HourItem = stored
      ? structuredClone(stored)
      : { profile: emptyProfile(target.spec), rev: 0, applied: [] };
    const covered = new Set(stored?.applied ?? []);
    const digests: string[] = [];
    const changes: ProfileChange[] = [];
    for (const delta of deltas) {
      const digest = deltaDigest(delta.key);
      digests.push(digest);
      if (covered.has(digest) || readByRebuild(item, delta)) continue;
      const { remove, add } = effect(delta);
      changes.push({
        old_values: remove ? delta.old_values : null,
        new_values: add ? delta.new_values : null,
      });
    }
    // In order, each run of additions as one batch: the profile folding them one by one would give.
    absorbChanges(item.profile, target.spec, changes);
    // Every delta of this step is recorded, skipped ones too: the step may be repeated before they are deleted.
    const next: HourItem = { ...item, rev: item.rev + 1, applied: digests };
    if (await store.putHour(model, target.version, hour, next, stored ? stored.rev : undefined, segment))
      return;
    if (attempt >= MAX_WRITE_ATTEMPTS)
      throw new Error(`profile of ${model.model_id} hour ${hour} kept changing under compaction`);
  }
}

/**
 * On an hour rebuilt from events: a change written before the rebuild's t0 was read by it, and so was any
 * revision up to the one the rebuild saw for events written after t0.
 */
function readByRebuild(item: HourItem, delta: StoredDelta): boolean {
  if (item.rebuild_t0 === undefined) return false;
  if (delta.new_written_at <= item.rebuild_t0) return true;
  const seenRevision = item.rebuild_seen?.[delta.event_id];
  return seenRevision !== undefined && delta.new_rev <= seenRevision;
}

/**
 * The versions a model's deltas go to: the active one, and the one being rebuilt for hours it has reached, each
 * with its segments (none without a catalog).
 */
export function targetsOf(
  state: ModelState,
  specs: Map<number, MonitorSpec>,
  catalog?: SegmentCatalog,
): CompactionTarget[] {
  const active = specs.get(state.active_version);
  if (!active) throw new Error(`spec ${state.active_version} not loaded`);
  const targets: CompactionTarget[] = [
    {
      version: state.active_version,
      spec: active,
      takes: () => true,
      segments: catalog ? activeSegmentTargets(catalog, state) : [],
    },
  ];
  const job = state.rebuild;
  if (job) {
    const spec = specs.get(job.version);
    if (!spec) throw new Error(`spec ${job.version} not loaded`);
    const pending = new Set(job.hours.slice(job.next));
    const takes = (hour: number) => !pending.has(hour);
    const segments = catalog
      ? [...automaticTargets(catalog, job.version), ...definedTargets(catalog, job.segments)]
      : [];
    targets.push({ version: job.version, spec, takes, segments: segments.map((s) => ({ ...s, takes })) });
  }
  return targets;
}
