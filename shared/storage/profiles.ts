// What the metrics engine keeps, independent of the database: pending deltas, hour and day profiles per spec
// version and segment, specs, per-model state (active version, rebuild jobs), leases and feed checkpoints.
// A segment's profiles sit beside the model's under the segment's profile key; no key: the whole model.
import type { HourProfile } from '../metrics/profile.js';
import type { MonitorSpec } from '../metrics/spec.js';
import type { SegmentFilter } from './registry.js';

export interface ModelRef {
  project_id: string;
  model_id: string;
}

/** Shards of each model's pending deltas: 5,000 changes/s over 16 keys stays under a partition's 1,000 WCU. */
export const DELTA_SHARDS = 16;

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
  /** Unique per event revision: a change delivered twice has one key, and is applied once. */
  key: string;
  /** The stored item holding the delta (a pack of one write's deltas), as a step's journal names it. */
  source: string;
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
  /** Defined segments (id -> profile key) rebuilt with the new version; automatic ones always are. */
  segments?: Record<string, string>;
  /** Hours (epoch ms) to rebuild from events, ascending. */
  hours: number[];
  /** Index in `hours` of the next hour to rebuild. */
  next: number;
  started_at: number;
}

/** Defined segments new or changed since the active version's profiles were built: read from stored events. */
export interface SegmentRebuildJob {
  /** The spec version the segments are built for (the active one when the job was planned). */
  version: number;
  /** Segment id -> profile key. */
  segments: Record<string, string>;
  hours: number[];
  next: number;
  started_at: number;
}

/** Automatic segments of a spec version: one per frequent value of each `segment_by` column, then `__OTHER__`. */
export interface AutoSegment {
  segment_id: string;
  column: string;
  /** The value as a label (`__OTHER__` for the rest). */
  value: string;
  /** `in: [value]`, or `not_in` every listed value for `__OTHER__`. */
  filter: SegmentFilter;
  key: string;
  /** Baseline rows holding the value. */
  baseline_count: number;
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
  /**
   * Days (UTC midnight, epoch ms) whose hours changed after their day profile was written: read their hours. A
   * month holding one is read from its days.
   */
  stale_days?: number[];
  /**
   * The spec version whose month profiles cover every month holding days, except those of `stale_days`. Absent
   * (a model from before month profiles): readers merge days.
   */
  month_items?: number;
  /** Defined segments whose profiles of the active version are complete: segment id -> profile key. */
  segments?: Record<string, string>;
  segment_rebuild?: SegmentRebuildJob | null;
  /** Bumped on every write, for conditional updates. */
  rev: number;
}

/** Changes waiting to be folded: packs of deltas, the journals of compaction steps, marks, feed checkpoints. */
export interface PendingStore {
  /**
   * Writes deltas in packs named by `source` (what delivered them: a feed page, a stream batch) and each pack's
   * first change: a retried delivery from the same place writes the same packs again, in place.
   */
  putDeltas(deltas: Delta[], source: string): Promise<void>;
  queryDeltas(model: ModelRef, shard: number, limit: number): Promise<StoredDelta[]>;
  deleteDeltas(model: ModelRef, deltas: StoredDelta[]): Promise<void>;
  /** The deltas of one shard held by these sources that still exist. */
  getDeltas(model: ModelRef, shard: number, sources: string[]): Promise<StoredDelta[]>;
  /** The sources of the compaction step under way, written before the step touches any profile. */
  getJournal(model: ModelRef, shard: number): Promise<string[] | undefined>;
  putJournal(model: ModelRef, shard: number, keys: string[]): Promise<void>;
  deleteJournal(model: ModelRef, shard: number): Promise<void>;

  /** Marks models as having work pending; each mark carries a fresh token. */
  markDirty(models: ModelRef[]): Promise<void>;
  listDirty(): Promise<Array<{ model: ModelRef; token: string }>>;
  /** Clears the mark unless it was set again since `token` was read. */
  clearDirty(model: ModelRef, token: string): Promise<void>;

  getCheckpoint(name: string): Promise<number | undefined>;
  putCheckpoint(name: string, position: number): Promise<void>;
}

/** Hour and day profiles per spec version and segment. */
/** Profiles kept beside hour profiles, so a query of N bins reads about N items. */
export type RollupSize = 'day' | 'month';

/** Which profiles a query reads: the whole model's or a segment's, and of them the columns it needs (all without). */
export interface ProfileRead {
  segment?: string;
  /** Columns a query reads; the profile's other columns come back unread (metrics/profile.ts). */
  columns?: ReadonlySet<string>;
}

export interface ProfileItemStore {
  getHour(model: ModelRef, version: number, hour: number, segment?: string): Promise<HourItem | undefined>;
  /** Writes when the stored revision is still `expectedRev` (undefined: absent); false on conflict. */
  putHour(
    model: ModelRef,
    version: number,
    hour: number,
    item: HourItem,
    expectedRev: number | undefined,
    segment?: string,
  ): Promise<boolean>;
  /** Hour profiles of hours starting in [fromHour, toHour]; `consistent` for a writer reading what it wrote. */
  queryHours(
    model: ModelRef,
    version: number,
    fromHour: number,
    toHour: number,
    options?: ProfileRead & { consistent?: boolean },
  ): Promise<Array<{ hour: number; profile: HourProfile }>>;
  listHours(model: ModelRef, version: number, segment?: string): Promise<number[]>;

  /**
   * Writes a rollup: a day profile (the merge of the day's hours) or a month profile (the merge of the month's
   * days). A recomputation overwrites it.
   */
  putRollup(
    size: RollupSize,
    model: ModelRef,
    version: number,
    start: number,
    profile: HourProfile,
    segment?: string,
  ): Promise<void>;
  /** Rollups of one size starting in [from, to], in one query; `consistent` for a writer reading what it wrote. */
  queryRollups(
    size: RollupSize,
    model: ModelRef,
    version: number,
    from: number,
    to: number,
    options?: ProfileRead & { consistent?: boolean },
  ): Promise<Array<{ start: number; profile: HourProfile }>>;
}

/** What a model's monitoring is and where it stands: specs, automatic segments, state and lease. */
export interface ModelStateStore {
  /** The automatic segments of a spec version, fixed when the version's spec is built. */
  getAutoSegments(model: ModelRef, version: number): Promise<AutoSegment[] | undefined>;
  putAutoSegments(model: ModelRef, version: number, segments: AutoSegment[]): Promise<void>;

  getSpec(model: ModelRef, version: number): Promise<MonitorSpec | undefined>;
  putSpec(model: ModelRef, version: number, spec: MonitorSpec): Promise<void>;

  getState(model: ModelRef): Promise<ModelState | undefined>;
  /** Conditional on the stored revision (undefined: absent); false on conflict. */
  putState(model: ModelRef, state: ModelState, expectedRev: number | undefined): Promise<boolean>;

  /** Takes or renews the model's lease for `ms` unless another owner holds an unexpired one. */
  acquireLease(model: ModelRef, owner: string, ms: number, now: number): Promise<boolean>;
  releaseLease(model: ModelRef, owner: string): Promise<void>;
}

/** The profiles table: every kind of item the metrics engine keeps. */
export type ProfileStore = PendingStore & ProfileItemStore & ModelStateStore;
