// Which segment profiles a model's deltas go to, per spec version: the version's automatic segments, the defined
// segments whose profiles are complete, and those being rebuilt (for hours the rebuild has reached).
import type { DataType } from '../schema/types.js';
import { autoSegmentsFor } from '../specs/auto-segments.js';
import { compileFilter, type SegmentPredicate } from '../specs/segment-filter.js';
import type { SpecDeps } from '../specs/specs.js';
import type { AutoSegment, ModelRef, ModelState } from '../storage/profiles.js';
import type { ModelRecord, SegmentRecord } from '../storage/registry.js';

export interface FoldSegment {
  key: string;
  passes: SegmentPredicate;
}

/** Everything the fold needs to know of a model's segments, loaded once per maintain run. */
export interface SegmentCatalog {
  /** Automatic segments per spec version. */
  automatic: Map<number, AutoSegment[]>;
  /** Defined segments by id, as the registry holds them now. */
  defined: Map<string, SegmentRecord>;
  types: Record<string, DataType>;
}

export function columnTypesOf(record: ModelRecord): Record<string, DataType> {
  return Object.fromEntries(
    Object.entries(record.column_types).map(([name, info]) => [name, info.data_type]),
  );
}

export async function loadCatalog(
  deps: SpecDeps,
  model: ModelRef,
  record: ModelRecord,
  versions: number[],
): Promise<SegmentCatalog> {
  const automatic = new Map<number, AutoSegment[]>();
  for (const version of new Set(versions))
    automatic.set(version, await autoSegmentsFor(deps, model, version, record));
  const defined = new Map(
    (await deps.registry.listSegments(model.project_id, model.model_id)).map((s) => [s.segment_id, s]),
  );
  return { automatic, defined, types: columnTypesOf(record) };
}

/**
 * Defined segments of `keys` (id -> profile key) that still have that key in the registry: a segment deleted or
 * given a new filter since stops taking deltas under its old key (nothing reads that key again).
 */
export function definedTargets(
  catalog: SegmentCatalog,
  keys: Record<string, string> | undefined,
): FoldSegment[] {
  const targets: FoldSegment[] = [];
  for (const [id, key] of Object.entries(keys ?? {})) {
    const segment = catalog.defined.get(id);
    if (segment?.key === key) targets.push({ key, passes: compileFilter(segment.filter, catalog.types) });
  }
  return targets;
}

export function automaticTargets(catalog: SegmentCatalog, version: number): FoldSegment[] {
  return (catalog.automatic.get(version) ?? []).map((segment) => ({
    key: segment.key,
    passes: compileFilter(segment.filter, catalog.types),
  }));
}

/** Segment targets of the active version: automatic ones, complete defined ones, and those under rebuild. */
export function activeSegmentTargets(
  catalog: SegmentCatalog,
  state: ModelState,
): Array<FoldSegment & { takes(hour: number): boolean }> {
  const always = (_hour: number) => true;
  const targets = [
    ...automaticTargets(catalog, state.active_version),
    ...definedTargets(catalog, state.segments),
  ].map((target) => ({ ...target, takes: always }));
  const job = state.segment_rebuild;
  if (job && job.version === state.active_version) {
    const pending = new Set(job.hours.slice(job.next));
    for (const target of definedTargets(catalog, job.segments))
      targets.push({ ...target, takes: (hour: number) => !pending.has(hour) });
  }
  return targets;
}

/** Segment profile keys of the active version that day profiles are kept for. */
export function activeSegmentKeys(catalog: SegmentCatalog, state: ModelState): string[] {
  return activeSegmentTargets(catalog, state).map((target) => target.key);
}
