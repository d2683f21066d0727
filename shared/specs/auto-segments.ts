// Automatic segments of a spec version: for each `segment_by` column, one segment per value among the 50 most
// frequent in the baseline, then `__OTHER__` for every other event (missing values included), so a column's
// segments split the traffic exactly. Fixed when the version's spec is built and stored beside it, so the fold of
// an older version never picks up a newer config's columns.
import { createHash } from 'node:crypto';
import { loadBaseline } from '../datasets/baseline-store.js';
import type { ColumnProfile } from '../schema/types.js';
import { type AutoSegment, type ModelRef, modelKey } from '../storage/profiles.js';
import type { ModelRecord } from '../storage/registry.js';
import type { SpecDeps } from './specs.js';

export const TOP_VALUES = 50;
export const OTHER_VALUE = '__OTHER__';

const cache = new Map<string, AutoSegment[]>();

const autoKey = (column: string, value: string) =>
  `A~${createHash('sha256').update(`${column}\n${value}`).digest('base64url').slice(0, 16)}`;

/** Baseline values of a column with their counts, most frequent first (ties in the baseline's order). */
function valueCounts(
  profile: ColumnProfile,
  sorted: Float64Array | undefined,
): Array<{ value: string | number | boolean; count: number }> {
  let counts: Array<{ value: string | number | boolean; count: number }> = [];
  if (profile.data_type === 'category') {
    counts = (profile.categories ?? []).map((value, i) => ({
      value,
      count: profile.category_counts?.[i] ?? 0,
    }));
  } else if (profile.data_type === 'bool') {
    const [no, yes] = profile.bool_counts ?? [0, 0];
    counts = [
      { value: false, count: no },
      { value: true, count: yes },
    ];
  } else if (sorted) {
    for (const value of sorted) {
      const last = counts.at(-1);
      if (last && last.value === value) last.count++;
      else counts.push({ value, count: 1 });
    }
  }
  return counts
    .map((entry, order) => ({ ...entry, order }))
    .sort((a, b) => b.count - a.count || a.order - b.order);
}

export function buildAutoSegments(
  segmentBy: string[],
  columns: ColumnProfile[],
  sortedValues: Map<string, Float64Array>,
): AutoSegment[] {
  const segments: AutoSegment[] = [];
  for (const column of segmentBy) {
    const profile = columns.find((c) => c.name === column);
    if (!profile) continue;
    const top = valueCounts(profile, sortedValues.get(column)).slice(0, TOP_VALUES);
    for (const { value, count } of top) {
      const label = String(value);
      segments.push({
        segment_id: `${column}=${label}`,
        column,
        value: label,
        filter: { [column]: { in: [value] } },
        key: autoKey(column, label),
        baseline_count: count,
      });
    }
    const listed = top.map((entry) => entry.value);
    const rest = profile.value_count - top.reduce((sum, entry) => sum + entry.count, 0);
    segments.push({
      segment_id: `${column}=${OTHER_VALUE}`,
      column,
      value: OTHER_VALUE,
      filter: { [column]: { not_in: listed } },
      key: autoKey(column, OTHER_VALUE),
      baseline_count: Math.max(rest, 0),
    });
  }
  return segments;
}

/** The automatic segments of `version`; only the model's current config version can be built if never stored. */
export async function autoSegmentsFor(
  deps: SpecDeps,
  model: ModelRef,
  version: number,
  record?: ModelRecord,
): Promise<AutoSegment[]> {
  const cacheKey = `${modelKey(model)}#${version}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  let segments = await deps.profiles.getAutoSegments(model, version);
  if (!segments) {
    const current = record ?? (await deps.registry.getModel(model.project_id, model.model_id));
    // A version built before automatic segments existed, or whose config is gone, has none.
    if (!current || current.monitoring.version !== version) return [];
    const segmentBy = current.monitoring.segment_by ?? [];
    if (segmentBy.length === 0) segments = [];
    else {
      const dataset = await deps.registry.getDataset(model.project_id, current.info.dataset_id);
      if (!dataset)
        throw new Error(`dataset ${current.info.dataset_id} of ${modelKey(model)} does not exist`);
      const baseline = await loadBaseline(deps.blobs, dataset);
      segments = buildAutoSegments(segmentBy, baseline.profile.columns, baseline.sortedValues);
    }
    await deps.profiles.putAutoSegments(model, version, segments);
  }
  cache.set(cacheKey, segments);
  return segments;
}
