// Baseline datasets: upload (inline or through a presigned upload), schema inference and dataset info.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BaselineProfiler } from '../baselines/infer.js';
import { readRows, type TableFormat } from '../bodies/records.js';
import { AlreadyExists, InvalidInput, NotFound } from '../errors.js';
import { requireInProject, requireProjectExists } from '../projects/projects.js';
import type { ColumnInfo } from '../schema/types.js';
import type { BlobStore, PresignedUpload } from '../storage/blobs.js';
import type { DatasetRecord, RegistryStore } from '../storage/registry.js';
import {
  type BaselineKeys,
  baselineKeys,
  discardBaseline,
  loadProfile,
  saveBaseline,
} from './baseline-store.js';

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
/** No request outlives a Lambda's 15-minute limit, so a claim older than that was left by a PUT that died. */
const CLAIM_MS = 15 * 60 * 1000;

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
  const uploadId = `bl_${randomBytes(12).toString('base64url')}`;
  const now = deps.clock();
  // The claim only lets a concurrent PUT answer 409 before reading its body; the conditional create of the
  // record is what decides which PUT wins, so even a claim that expired mid-upload never lets baselines mix.
  const claim = {
    project_id: projectId,
    dataset_id: datasetId,
    upload_id: uploadId,
    expires_at: now + CLAIM_MS,
  };
  await deps.registry.claimDataset(claim, now);
  try {
    const keys = baselineKeys(projectId, datasetId, uploadId);
    const target = { projectId, datasetId, uploadId, keys };
    const { record, info } = await storeBaseline(deps, target, source, maxCardinality).catch(
      async (error) => {
        await discardBaseline(deps.blobs, keys);
        throw error;
      },
    );
    try {
      await deps.registry.createDataset(record);
    } catch (error) {
      const owner = await ownerOf(deps.registry, record);
      // A create that landed but answered an error (a retried put meeting its own item) is still this PUT's.
      if (owner === 'this') return info;
      // When the registry cannot say, the blobs may be live: leaking them beats breaking a stored dataset.
      if (owner === 'another') await discardBaseline(deps.blobs, keys);
      throw error;
    }
    return info;
  } finally {
    // Best effort: a claim left behind expires.
    await deps.registry.releaseDatasetClaim(projectId, datasetId, uploadId).catch(() => undefined);
  }
}

/** Writes one PUT's raw bytes, profile and sorted values under its own keys, and the record naming them. */
async function storeBaseline(
  deps: DatasetDeps,
  target: { projectId: string; datasetId: string; uploadId: string; keys: BaselineKeys },
  source: { body: Readable; format: TableFormat; rawAlreadyAt?: string },
  maxCardinality: number,
): Promise<{ record: DatasetRecord; info: DatasetInfo }> {
  const { projectId, datasetId, uploadId, keys } = target;
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
  await saveBaseline(deps.blobs, keys, { profile, sortedValues });
  // Uploads expire after a few days; the baseline keeps its own copy of the raw file.
  if (rawKey !== keys.raw_key) await deps.blobs.copy(rawKey, keys.raw_key);
  const record: DatasetRecord = {
    project_id: projectId,
    dataset_id: datasetId,
    row_count: profile.row_count,
    column_count: profile.columns.length,
    created_at: deps.clock(),
    upload_id: uploadId,
    ...keys,
  };
  const info = {
    dataset_id: datasetId,
    row_count: profile.row_count,
    columns: profile.columns.map(columnInfoOf),
  };
  return { record, info };
}

/** Which PUT the dataset's stored record belongs to: this one, another (or none yet), or unknown. */
async function ownerOf(
  registry: RegistryStore,
  record: DatasetRecord,
): Promise<'this' | 'another' | 'unknown'> {
  return registry.getDataset(record.project_id, record.dataset_id).then(
    (stored) => (stored?.upload_id === record.upload_id ? 'this' : 'another'),
    () => 'unknown' as const,
  );
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

export function requireDataset(
  registry: RegistryStore,
  projectId: string,
  datasetId: string,
): Promise<DatasetRecord> {
  return requireInProject(registry, projectId, `dataset '${datasetId}'`, () =>
    registry.getDataset(projectId, datasetId),
  );
}

function columnInfoOf(column: ColumnInfo): ColumnInfo {
  const { name, data_type, nullable, min, max, categories } = column;
  return { name, data_type, nullable, min, max, categories };
}

export function contentTypeOf(format: TableFormat): string {
  return { csv: 'text/csv', ndjson: 'application/x-ndjson', json: 'application/json' }[format];
}
