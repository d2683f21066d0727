// Baseline datasets: upload (inline or through a presigned upload), schema inference and dataset info.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { AlreadyExists, InvalidInput, NotFound } from '../errors.js';
import { BaselineProfiler } from '../profiles/infer.js';
import type { ColumnInfo } from '../schema/types.js';
import type { BlobStore, PresignedUpload } from '../storage/blobs.js';
import type { DatasetRecord, RegistryStore } from '../storage/registry.js';
import { readRows, type TableFormat } from '../tables/records.js';
import { baselineKeys, loadProfile, saveBaseline } from './baseline-store.js';

export interface DatasetInfo {
  dataset_id: string;
  row_count: number;
  columns: ColumnInfo[];
}

export interface DatasetDeps {
  registry: RegistryStore;
  blobs: BlobStore;
  clock: () => number;
}

const UPLOAD_URL_SECONDS = 3600;
const MAX_COLUMNS = 2000;

/** Profiles a baseline from a stream, keeping the raw bytes in the blob store unless they are already there. */
export async function uploadDataset(
  deps: DatasetDeps,
  projectId: string,
  datasetId: string,
  source: { body: Readable; format: TableFormat; rawAlreadyAt?: string },
  maxCardinality: number,
): Promise<DatasetInfo> {
  await requireProjectExists(deps.registry, projectId);
  if (await deps.registry.getDataset(projectId, datasetId)) {
    throw new AlreadyExists(
      `dataset '${datasetId}' already exists in project '${projectId}'; baselines are immutable`,
    );
  }
  const keys = baselineKeys(projectId, datasetId);
  const profiler = new BaselineProfiler(maxCardinality, source.format === 'csv');
  // Store the raw bytes first, then parse them back from the store: the same single path as the upload
  // flow, and the raw baseline is kept for re-profiling.
  const rawKey = source.rawAlreadyAt ?? keys.raw_key;
  if (!source.rawAlreadyAt) await deps.blobs.put(rawKey, source.body, contentTypeOf(source.format));
  const stored = await deps.blobs.read(rawKey);
  if (!stored) throw new Error(`raw baseline ${rawKey} vanished from the blob store`);
  for await (const row of readRows(stored, source.format)) {
    if ('error' in row) throw new InvalidInput(`baseline row ${row.row}: ${row.error}`);
    profiler.absorb(row.values);
  }
  const { profile, sortedValues } = profiler.finish(datasetId);
  if (profile.row_count === 0) throw new InvalidInput('the baseline has no rows');
  if (profile.columns.length > MAX_COLUMNS)
    throw new InvalidInput(`the baseline has more than ${MAX_COLUMNS} columns`);
  await saveBaseline(deps.blobs, keys, { profile, sortedValues });
  // Uploads expire after a few days; the baseline keeps its own copy of the raw file.
  if (rawKey !== keys.raw_key) await deps.blobs.copy(rawKey, keys.raw_key);
  const record: DatasetRecord = {
    project_id: projectId,
    dataset_id: datasetId,
    row_count: profile.row_count,
    column_count: profile.columns.length,
    created_at: deps.clock(),
    ...keys,
    raw_key: keys.raw_key,
  };
  await deps.registry.createDataset(record);
  return { dataset_id: datasetId, row_count: profile.row_count, columns: profile.columns.map(columnInfoOf) };
}

/** Starts a presigned upload for a baseline too large for one request. */
export async function startUpload(
  deps: DatasetDeps,
  projectId: string,
  datasetId: string,
  format: TableFormat,
): Promise<{ upload_id: string } & PresignedUpload> {
  await requireProjectExists(deps.registry, projectId);
  const uploadId = `up_${randomBytes(12).toString('base64url')}`;
  const blobKey = `uploads/${projectId}/${datasetId}/${uploadId}`;
  const presigned = await deps.blobs.presignUpload(blobKey, contentTypeOf(format), UPLOAD_URL_SECONDS);
  await deps.registry.putUpload({
    project_id: projectId,
    dataset_id: datasetId,
    upload_id: uploadId,
    blob_key: blobKey,
    format,
    created_at: deps.clock(),
    expires_at: presigned.expires_at,
  });
  return { upload_id: uploadId, ...presigned };
}

/** Profiles a baseline whose bytes were PUT to a presigned upload URL. */
export async function completeUpload(
  deps: DatasetDeps,
  projectId: string,
  datasetId: string,
  uploadId: string,
  maxCardinality: number,
): Promise<DatasetInfo> {
  const upload = await deps.registry.getUpload(projectId, uploadId);
  if (!upload || upload.dataset_id !== datasetId) {
    throw new NotFound(`upload_id '${uploadId}' does not exist for dataset '${datasetId}'`);
  }
  const body = await deps.blobs.read(upload.blob_key);
  if (!body)
    throw new InvalidInput(`upload_id '${uploadId}' has received no data yet: PUT the file to its url first`);
  return uploadDataset(
    deps,
    projectId,
    datasetId,
    { body, format: upload.format, rawAlreadyAt: upload.blob_key },
    maxCardinality,
  );
}

export async function getDatasetInfo(
  deps: DatasetDeps,
  projectId: string,
  datasetId: string,
): Promise<DatasetInfo> {
  const record = await requireDataset(deps.registry, projectId, datasetId);
  const { profile } = await loadProfile(deps.blobs, record);
  return { dataset_id: datasetId, row_count: record.row_count, columns: profile.columns.map(columnInfoOf) };
}

export async function requireDataset(
  registry: RegistryStore,
  projectId: string,
  datasetId: string,
): Promise<DatasetRecord> {
  await requireProjectExists(registry, projectId);
  const record = await registry.getDataset(projectId, datasetId);
  if (!record) throw new NotFound(`dataset '${datasetId}' does not exist in project '${projectId}'`);
  return record;
}

export async function requireProjectExists(registry: RegistryStore, projectId: string): Promise<void> {
  if (!(await registry.getProject(projectId))) throw new NotFound(`project '${projectId}' does not exist`);
}

function columnInfoOf(column: ColumnInfo): ColumnInfo {
  const { name, data_type, nullable, min, max, categories } = column;
  return { name, data_type, nullable, min, max, categories };
}

export function contentTypeOf(format: TableFormat): string {
  return { csv: 'text/csv', ndjson: 'application/x-ndjson', json: 'application/json' }[format];
}
