// A segment's own baseline (contract section 10): the baseline rows that pass the segment's filter, when the
// baseline holds every column the filter names, counted into the version's drift bins as events are. The raw
// baseline is read once per dataset and the counts once per (version, segment), then kept in memory.
import { Readable } from 'node:stream';
import { booleanFromText, numberFromText } from '../baselines/infer.js';
import { firstSignificantByte, readRows, type TableFormat } from '../bodies/records.js';
import { columnTypesOf } from '../fold/segment-targets.js';
import { baselineOnGrid } from '../metrics/numeric/baseline-grid.js';
import { absorbEvent, emptyProfile } from '../metrics/profile.js';
import type { MonitorSpec } from '../metrics/spec.js';
import type { DataType } from '../schema/types.js';
import { readAll } from '../storage/blobs.js';
import type { DatasetRecord, ModelRecord } from '../storage/registry.js';
import { compileFilter } from './segment-filter.js';
import type { ResolvedSegment } from './segment-resolve.js';
import type { SpecDeps } from './specs.js';

const rowsCache = new Map<string, Array<Record<string, unknown>>>();
const specCache = new Map<string, MonitorSpec>();
const CACHE_LIMIT = 64;

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
  return value;
}

/** CSV cells are text: read as the column's type, as the baseline profiler read them. */
function typed(value: unknown, type: DataType | undefined): unknown {
  if (typeof value !== 'string') return value;
  if (type === 'int' || type === 'float') return numberFromText(value) ?? value;
  if (type === 'bool') return booleanFromText(value) ?? value;
  return value;
}

async function baselineRows(deps: SpecDeps, dataset: DatasetRecord, types: Record<string, DataType>) {
  const cached = rowsCache.get(dataset.raw_key);
  if (cached) return cached;
  const stream = await deps.blobs.read(dataset.raw_key);
  if (!stream) throw new Error(`raw baseline ${dataset.raw_key} is missing from the blob store`);
  const bytes = await readAll(stream);
  const { byte } = await firstSignificantByte(Readable.from([bytes]));
  const format: TableFormat = byte === '[' ? 'json' : byte === '{' ? 'ndjson' : 'csv';
  const rows: Array<Record<string, unknown>> = [];
  for await (const row of readRows(Readable.from([bytes]), format)) {
    if ('error' in row) continue;
    const values: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(row.values)) values[column] = typed(value, types[column]);
    rows.push(values);
  }
  return remember(rowsCache, dataset.raw_key, rows);
}

/**
 * The spec with the segment's baseline in place of the dataset's: drift bin counts and, for numeric columns, its
 * values on the version's percentile grid, which KS and Wasserstein compare with. The whole baseline when it lacks
 * a column the filter names.
 */
export async function segmentBaselineSpec(
  deps: SpecDeps,
  record: ModelRecord,
  version: number,
  spec: MonitorSpec,
  segment: ResolvedSegment,
): Promise<MonitorSpec> {
  const cacheKey = `${record.info.project_id}/${record.info.model_id}#${version}#${segment.key}`;
  const cached = specCache.get(cacheKey);
  if (cached) return cached;
  const dataset = await deps.registry.getDataset(record.info.project_id, record.info.dataset_id);
  if (!dataset) throw new Error(`dataset ${record.info.dataset_id} does not exist`);
  const types = columnTypesOf(record);
  const rows = await baselineRows(deps, dataset, types);
  const columns = Object.keys(segment.filter);
  if (rows.length === 0 || !columns.every((column) => Object.hasOwn(rows[0] as object, column))) {
    return remember(specCache, cacheKey, spec);
  }
  const passes = compileFilter(segment.filter, types);
  const profile = emptyProfile(spec);
  const numeric = new Map<string, number[]>();
  for (const row of rows) {
    if (!passes(row)) continue;
    absorbEvent(profile, spec, row, 1);
    for (const column of spec.columns) {
      const value = row[column.name];
      if (column.baseline && typeof value === 'number' && Number.isFinite(value)) {
        const list = numeric.get(column.name) ?? [];
        list.push(value);
        numeric.set(column.name, list);
      }
    }
  }
  const segmentSpec: MonitorSpec = {
    ...spec,
    columns: spec.columns.map((column, index) => {
      const counts = profile.columns[index]?.drift_counts;
      const values = Float64Array.from(numeric.get(column.name) ?? []).sort();
      return {
        ...column,
        drift: column.drift && counts ? { ...column.drift, baseline_counts: [...counts] } : column.drift,
        // On the version's grid: the segment's production profiles are counted on its edges.
        baseline: column.baseline ? baselineOnGrid(values, column.baseline.edges) : column.baseline,
      };
    }),
  };
  return remember(specCache, cacheKey, segmentSpec);
}
