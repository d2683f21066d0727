// A segment id as queries name it, resolved to the profiles that answer for it: an automatic `<column>=<value>`
// segment of the active version, or a defined segment whose current filter is built. A segment still being built
// answers 409 with its progress rather than partial points: its values would change as hours are added.
import { DomainError, NotFound } from '../errors.js';
import type { ModelState } from '../storage/profiles.js';
import type { ModelRecord, SegmentFilter } from '../storage/registry.js';
import { autoSegmentsFor } from './auto-segments.js';
import type { SpecDeps } from './specs.js';

export interface ResolvedSegment {
  segment_id: string;
  /** Profile key of the segment's hours and days. */
  key: string;
  filter: SegmentFilter;
  automatic: boolean;
}

export class SegmentNotReady extends DomainError {
  constructor(message: string) {
    super(409, 'segment_not_ready', message);
  }
}

export type SegmentProgress =
  | { state: 'ready' }
  | { state: 'building'; hours_done: number; hours_total: number };

/** Where a defined segment's current filter stands in the model's state. */
export function definedProgress(
  state: ModelState | undefined,
  segmentId: string,
  key: string,
): SegmentProgress {
  // No state: nothing folded yet, so there is nothing to build from either.
  if (!state || state.segments?.[segmentId] === key) return { state: 'ready' };
  const job = state.rebuild?.segments?.[segmentId] === key ? state.rebuild : state.segment_rebuild;
  const building = job && (job.segments?.[segmentId] === key ? job : undefined);
  return {
    state: 'building',
    hours_done: building ? building.next : 0,
    hours_total: building ? building.hours.length : 0,
  };
}

export async function resolveSegment(
  deps: SpecDeps,
  record: ModelRecord,
  state: ModelState | undefined,
  version: number,
  segmentId: string,
): Promise<ResolvedSegment> {
  const model = { project_id: record.info.project_id, model_id: record.info.model_id };
  const notFound = () => new NotFound(`segment '${segmentId}' does not exist on model '${model.model_id}'`);
  if (segmentId.includes('=')) {
    const automatic = (await autoSegmentsFor(deps, model, version, record)).find(
      (segment) => segment.segment_id === segmentId,
    );
    if (automatic)
      return { segment_id: segmentId, key: automatic.key, filter: automatic.filter, automatic: true };
    const column = segmentId.slice(0, segmentId.indexOf('='));
    if (record.monitoring.segment_by?.includes(column) && state?.rebuild) {
      throw new SegmentNotReady(
        `segment ${segmentId} is being built with the new monitoring config (${state.rebuild.next} of ${state.rebuild.hours.length} hours)`,
      );
    }
    throw notFound();
  }
  const segment = await deps.registry.getSegment(model.project_id, model.model_id, segmentId);
  if (!segment) throw notFound();
  const progress = definedProgress(state, segmentId, segment.key);
  if (progress.state === 'building') {
    throw new SegmentNotReady(
      `segment ${segmentId} is being built from stored events (${progress.hours_done} of ${progress.hours_total} hours); its points are answered once it is ready`,
    );
  }
  return { segment_id: segmentId, key: segment.key, filter: segment.filter, automatic: false };
}
