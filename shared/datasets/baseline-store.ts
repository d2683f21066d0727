// How a baseline is kept in the blob store: the raw upload, the profile (JSON) and the sorted values of
// every numeric column (one Float64 blob), which drift bins with any edges are counted from. Readers find them
// through the keys in the dataset's registry record, never by computing a path.
import type { Readable } from 'node:stream';
import type { DatasetProfile } from '../schema/types.js';
import { type BlobStore, readAll } from '../storage/blobs.js';
import type { DatasetRecord } from '../storage/registry.js';

export interface StoredBaseline {
  profile: DatasetProfile;
  sortedValues: Map<string, Float64Array>;
}

interface ProfileDocument {
  profile: DatasetProfile;
  /** Where each numeric column's sorted values sit in the values blob, in Float64 elements. */
  values_layout: Record<string, { offset: number; length: number }>;
}

export type BaselineKeys = Pick<DatasetRecord, 'raw_key' | 'profile_key' | 'values_key'>;

/**
 * Each PUT of a baseline writes under its own upload id: two PUTs to one dataset id at once never overwrite each
 * other's blobs, and the registry record names the one set that won.
 */
export function baselineKeys(projectId: string, datasetId: string, uploadId: string): BaselineKeys {
  const prefix = `baselines/${projectId}/${datasetId}/${uploadId}`;
  return {
    raw_key: `${prefix}/raw`,
    profile_key: `${prefix}/profile.json`,
    values_key: `${prefix}/values.f64`,
  };
}

export async function saveBaseline(
  blobs: BlobStore,
  keys: { profile_key: string; values_key: string },
  baseline: StoredBaseline,
): Promise<void> {
  const layout: ProfileDocument['values_layout'] = {};
  let total = 0;
  for (const [column, values] of baseline.sortedValues) {
    layout[column] = { offset: total, length: values.length };
    total += values.length;
  }
  const packed = new Float64Array(total);
  for (const [column, values] of baseline.sortedValues) packed.set(values, layout[column]?.offset ?? 0);
  await blobs.put(keys.values_key, Buffer.from(packed.buffer), 'application/octet-stream');
  const document: ProfileDocument = { profile: baseline.profile, values_layout: layout };
  await blobs.put(keys.profile_key, JSON.stringify(document), 'application/json');
}

/** Best effort: blobs of a PUT that lost the race or failed are garbage, and nothing reads them. */
export async function discardBaseline(blobs: BlobStore, keys: BaselineKeys): Promise<void> {
  await Promise.all(
    [keys.raw_key, keys.profile_key, keys.values_key].map((key) =>
      blobs.delete(key).catch((error) => {
        const message = 'could not delete an abandoned baseline blob';
        console.warn(JSON.stringify({ level: 'WARN', message, key, error: String(error) }));
      }),
    ),
  );
}

export async function loadProfile(blobs: BlobStore, record: DatasetRecord): Promise<ProfileDocument> {
  const stream = await blobs.read(record.profile_key);
  if (!stream) throw new Error(`baseline profile ${record.profile_key} is missing from the blob store`);
  return JSON.parse((await readAll(stream)).toString('utf8')) as ProfileDocument;
}

export async function loadBaseline(blobs: BlobStore, record: DatasetRecord): Promise<StoredBaseline> {
  const document = await loadProfile(blobs, record);
  const stream: Readable | undefined = await blobs.read(record.values_key);
  if (!stream) throw new Error(`baseline values ${record.values_key} are missing from the blob store`);
  const bytes = await readAll(stream);
  // Copy into an aligned buffer: a Buffer from a stream may start at any byte offset.
  const packed = new Float64Array(new Uint8Array(bytes).buffer);
  const sortedValues = new Map<string, Float64Array>();
  for (const [column, { offset, length }] of Object.entries(document.values_layout)) {
    sortedValues.set(column, packed.slice(offset, offset + length));
  }
  return { profile: document.profile, sortedValues };
}
