// Segments as GET .../segments shows them: defined and automatic, each with whether its profiles answer
// queries yet (`ready`) or are still being built from stored events (`building`, with progress in hours).
import type { ModelRecord, SegmentFilter } from '../storage/registry.js';
import { autoSegmentsFor } from './auto-segments.js';
import { definedProgress } from './segment-resolve.js';
import type { SpecDeps } from './specs.js';

export interface SegmentView {
  segment_id: string;
  name: string;
  filter: SegmentFilter;
  automatic: boolean;
  version: number;
  state: 'ready' | 'building';
  progress?: { hours_done: number; hours_total: number };
  created_at?: number;
  updated_at?: number;
}

export async function listSegmentViews(deps: SpecDeps, record: ModelRecord): Promise<SegmentView[]> {
  const model = { project_id: record.info.project_id, model_id: record.info.model_id };
  const state = await deps.profiles.getState(model);
  const activeVersion = state?.active_version ?? record.monitoring.version;
  const defined = (await deps.registry.listSegments(model.project_id, model.model_id)).map((segment) => {
    const progress = definedProgress(state, segment.segment_id, segment.key);
    const { project_id: _p, model_id: _m, key: _k, ...shown } = segment;
    return {
      ...shown,
      automatic: false,
      state: progress.state,
      ...(progress.state === 'building'
        ? { progress: { hours_done: progress.hours_done, hours_total: progress.hours_total } }
        : {}),
    } as SegmentView;
  });
  // While a new config is rebuilt, its automatic segments are listed as building; the active ones as ready.
  const job = state?.rebuild;
  const automatic = job
    ? (await autoSegmentsFor(deps, model, job.version, record)).map((segment) => ({
        segment,
        version: job.version,
        progress: { hours_done: job.next, hours_total: job.hours.length },
      }))
    : (await autoSegmentsFor(deps, model, activeVersion, record)).map((segment) => ({
        segment,
        version: activeVersion,
        progress: undefined,
      }));
  const automaticViews: SegmentView[] = automatic.map(({ segment, version, progress }) => ({
    segment_id: segment.segment_id,
    name: `${segment.column} = ${segment.value}`,
    filter: segment.filter,
    automatic: true,
    version,
    state: progress ? 'building' : 'ready',
    ...(progress ? { progress } : {}),
  }));
  return [...defined, ...automaticViews];
}
