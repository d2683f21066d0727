// What the metrics engine keeps, independent of the database: pending deltas, hour and day profiles per spec
// version, specs, per-model state (active version, rebuild job), leases and feed checkpoints.
import type { HourProfile } from '../metrics/profile.js';
import type { MonitorSpec } from '../metrics/spec.js';

export interface ModelRef {
  project_id: string;
  model_id: string;
}

export const modelKey = (model: ModelRef) => `${model.project_id}/${model.model_id}`;

/** One change of one event, waiting to be folded into its hour: the old and new values of the event. */
export interface Delta {
  model: ModelRef;
  event_id: string;
  /** Start of the event's hour (epoch ms); an update never moves it. */
  hour: number;
  old_values: Record<string, unknown> | null;
  new_values: Record<string, unknown>;
  new_rev: number;
  new_written_at: number;
}

export interface StoredDelta extends Delta {
  /** Unique per event revision, so writing a delta twice is harmless. */
  key: string;
}

export interface HourItem {
  profile: HourProfile;
  /** Optimistic concurrency: bumped on every write. */
  rev: number;
  /** Short hashes of the deltas the last compaction step covered: a step cut short is never applied twice. */
  applied: string[];
  /** Set on hours rebuilt from events: changes written before t0 were read by the rebuild... */
  rebuild_t0?: number;
  /** ...and these events (id -> revision read) were read although written after t0. */
  rebuild_seen?: Record<string, number>;
}

export interface RebuildJob {
  version: number;
  /** Hours (epoch ms) to rebuild from events, ascending. */
  hours: number[];
  /** Index in `hours` of the next hour to rebuild. */
  next: number;
  started_at: number;
}

export interface ModelState {
  /** The spec version whose profiles answer queries. */
  active_version: number;
  rebuild: RebuildJob | null;
  /** Hours whose metrics changed and that alert rules have yet to see in a completed bin. */
  pending_hours?: number[];
  /**
   * The spec version whose day profiles cover every day holding hours, except `stale_days`. Absent (a model
   * from before day profiles, or a version just switched to): readers merge hours only.
   */
  day_items?: number;
  /** Days (UTC midnight, epoch ms) whose hours changed after their day profile was written: read their hours. */
  stale_days?: number[];
  /** Bumped on every write, for conditional updates. */
  rev: number;
}

export interface ProfileStore {
  putDeltas(deltas: Delta[]): Promise<void>;
  queryDeltas(model: ModelRef, shard: number, limit: number): Promise<StoredDelta[]>;
  deleteDeltas(model: ModelRef, deltas: StoredDelta[]): Promise<void>;
  /** The deltas of one shard with these keys that still exist. */
  getDeltas(model: ModelRef, shard: number, keys: string[]): Promise<StoredDelta[]>;
  /** The keys of the compaction step under way on one shard, written before the step touches any profile. */
  getJournal(model: ModelRef, shard: number): Promise<string[] | undefined>;
  putJournal(model: ModelRef, shard: number, keys: string[]): Promise<void>;
  deleteJournal(model: ModelRef, shard: number): Promise<void>;

  /** Marks models as having work pending; each mark carries a fresh token. */
  markDirty(models: ModelRef[]): Promise<void>;
  listDirty(): Promise<Array<{ model: ModelRef; token: string }>>;
  /** Clears the mark unless it was set again since `token` was read. */
  clearDirty(model: ModelRef, token: string): Promise<void>;

  getHour(model: ModelRef, version: number, hour: number): Promise<HourItem | undefined>;
  /** Writes when the stored revision is still `expectedRev` (undefined: absent); false on conflict. */
  putHour(
    model: ModelRef,
    version: number,
    hour: number,
    item: HourItem,
    expectedRev: number | undefined,
  ): Promise<boolean>;
  /** Hour profiles of hours starting in [fromHour, toHour]; `consistent` for a writer reading what it wrote. */
  queryHours(
    model: ModelRef,
    version: number,
    fromHour: number,
    toHour: number,
    options?: { consistent?: boolean },
  ): Promise<Array<{ hour: number; profile: HourProfile }>>;
  listHours(model: ModelRef, version: number): Promise<number[]>;

  /** Writes the day profile (the merge of the day's hours); a recomputation overwrites it. */
  putDay(model: ModelRef, version: number, day: number, profile: HourProfile): Promise<void>;
  /** Day profiles of days starting in [fromDay, toDay], in one query. */
  queryDays(
    model: ModelRef,
    version: number,
    fromDay: number,
    toDay: number,
  ): Promise<Array<{ day: number; profile: HourProfile }>>;

  getSpec(model: ModelRef, version: number): Promise<MonitorSpec | undefined>;
  putSpec(model: ModelRef, version: number, spec: MonitorSpec): Promise<void>;

  getState(model: ModelRef): Promise<ModelState | undefined>;
  /** Conditional on the stored revision (undefined: absent); false on conflict. */
  putState(model: ModelRef, state: ModelState, expectedRev: number | undefined): Promise<boolean>;

  /** Takes or renews the model's lease for `ms` unless another owner holds an unexpired one. */
  acquireLease(model: ModelRef, owner: string, ms: number, now: number): Promise<boolean>;
  releaseLease(model: ModelRef, owner: string): Promise<void>;

  getCheckpoint(name: string): Promise<number | undefined>;
  putCheckpoint(name: string, position: number): Promise<void>;
}
