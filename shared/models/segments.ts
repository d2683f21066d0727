// Segments a user defines on a model (contract section 10): checked against the model's columns and stored in
// the registry. A changed filter gets a fresh profile key, so the next monitor run rebuilds it from stored events.
import { randomBytes } from 'node:crypto';
import { InvalidInput, NotFound } from '../errors.js';
import type { DataType } from '../schema/types.js';
import { canonicalFilter } from '../specs/segment-filter.js';
import type { PendingStore } from '../storage/profiles.js';
import type { ModelRecord, RegistryStore, SegmentFilter, SegmentRecord } from '../storage/registry.js';

/** Each segment costs one profile write per hour it touches: the limit keeps a fold step's writes bounded. */
export const MAX_SEGMENTS = 50;
export const MAX_SEGMENT_BY = 3;
const MAX_VALUES = 1000;
const FILTER_TYPES: readonly DataType[] = ['category', 'bool', 'int', 'float'];
/** One automatic segment per value makes sense only for columns of few, exact values. */
const SEGMENT_BY_TYPES: readonly DataType[] = ['category', 'bool', 'int'];

export interface SegmentRequest {
  name: string;
  filter: SegmentFilter;
}

export interface SegmentDeps {
  registry: RegistryStore;
  profiles: PendingStore;
  clock: () => number;
}

/** Input, decision and metadata columns: what describes the traffic, not what the model answered or the truth. */
function filterableColumns(record: ModelRecord): string[] {
  return [...record.info.inputs, ...record.info.decisions, ...record.info.metadata];
}

function typeOf(record: ModelRecord, column: string): DataType | undefined {
  return Object.hasOwn(record.column_types, column) ? record.column_types[column]?.data_type : undefined;
}

export function checkFilter(record: ModelRecord, filter: SegmentFilter): void {
  const allowed = filterableColumns(record);
  const columns = Object.keys(filter);
  if (columns.length === 0) throw new InvalidInput('filter: name at least one column');
  for (const column of columns) {
    const type = typeOf(record, column);
    if (!allowed.includes(column)) {
      throw new InvalidInput(`filter.${column}: not an input, decision or metadata column of the model`);
    }
    if (!type || !FILTER_TYPES.includes(type)) {
      throw new InvalidInput(
        `filter.${column}: a ${type} column cannot filter (category, bool or numeric only)`,
      );
    }
    const condition = filter[column] as Record<string, unknown>;
    if ('in' in condition) {
      const values = condition.in;
      if (!Array.isArray(values) || values.length === 0 || values.length > MAX_VALUES)
        throw new InvalidInput(`filter.${column}.in: give between 1 and ${MAX_VALUES} values`);
      continue;
    }
    const { min, max } = condition as { min?: number; max?: number };
    if (type !== 'int' && type !== 'float')
      throw new InvalidInput(`filter.${column}: a ${type} column takes {"in": [...]}, not a range`);
    if (min === undefined && max === undefined)
      throw new InvalidInput(`filter.${column}: give "in", or "min" and/or "max"`);
    if (min !== undefined && max !== undefined && min > max)
      throw new InvalidInput(`filter.${column}: min must not be above max`);
  }
}

export function checkSegmentBy(record: ModelRecord, columns: string[]): void {
  if (columns.length > MAX_SEGMENT_BY)
    throw new InvalidInput(`segment_by: at most ${MAX_SEGMENT_BY} columns, not ${columns.length}`);
  const allowed = filterableColumns(record);
  for (const [index, column] of columns.entries()) {
    const type = typeOf(record, column);
    if (!allowed.includes(column))
      throw new InvalidInput(
        `segment_by[${index}]: '${column}' is not an input, decision or metadata column`,
      );
    if (!type || !SEGMENT_BY_TYPES.includes(type))
      throw new InvalidInput(`segment_by[${index}]: a ${type} column has no values to segment by`);
    if (columns.indexOf(column) !== index)
      throw new InvalidInput(`segment_by[${index}]: '${column}' is named twice`);
  }
}

const freshKey = (segmentId: string) => `${segmentId}~${randomBytes(6).toString('base64url')}`;

/** Creates or replaces a segment; `created` tells a 201 from a 200. */
export async function defineSegment(
  deps: SegmentDeps,
  record: ModelRecord,
  segmentId: string,
  request: SegmentRequest,
): Promise<{ segment: SegmentRecord; created: boolean }> {
  checkFilter(record, request.filter);
  const { project_id, model_id } = record.info;
  const existing = await deps.registry.getSegment(project_id, model_id, segmentId);
  if (!existing) {
    const count = (await deps.registry.listSegments(project_id, model_id)).length;
    if (count >= MAX_SEGMENTS)
      throw new InvalidInput(`segment_id: the model has ${count} segments already, the most it may have`);
  }
  const now = deps.clock();
  const sameFilter = existing && canonicalFilter(existing.filter) === canonicalFilter(request.filter);
  const segment: SegmentRecord = {
    project_id,
    model_id,
    segment_id: segmentId,
    name: request.name,
    filter: request.filter,
    version: existing ? existing.version + (sameFilter ? 0 : 1) : 1,
    key: existing && sameFilter ? existing.key : freshKey(segmentId),
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
  await deps.registry.putSegment(segment);
  // The next run builds the new filter's profiles from stored events.
  if (!sameFilter) await deps.profiles.markDirty([{ project_id, model_id }]);
  return { segment, created: !existing };
}

export async function requireSegment(
  registry: RegistryStore,
  record: ModelRecord,
  segmentId: string,
): Promise<SegmentRecord> {
  const segment = await registry.getSegment(record.info.project_id, record.info.model_id, segmentId);
  if (!segment)
    throw new NotFound(`segment '${segmentId}' does not exist on model '${record.info.model_id}'`);
  return segment;
}

export async function deleteSegment(registry: RegistryStore, record: ModelRecord, segmentId: string) {
  if (!(await registry.deleteSegment(record.info.project_id, record.info.model_id, segmentId)))
    throw new NotFound(`segment '${segmentId}' does not exist on model '${record.info.model_id}'`);
}
