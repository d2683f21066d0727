// How a baseline is kept in the blob store: the raw upload, the profile (JSON) and the sorted values of
// every numeric column (one Float64 blob), which drift bins with any edges are counted from.
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

export function baselineKeys(projectId: string, datasetId: string) {
  const prefix = `baselines/${projectId}/${datasetId}`;
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
