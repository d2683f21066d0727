// What the registry stores, independent of the database behind it.

import type { TableFormat } from '../bodies/records.js';
import type { ColumnInfo, ModelInfo, MonitoringConfig } from '../schema/types.js';

export interface ProjectRecord {
  project_id: string;
  created_at: number;
}

export interface DatasetRecord {
  project_id: string;
  dataset_id: string;
  row_count: number;
  /** Column info lives in the profile blob: a wide dataset's categories would not fit in one item. */
  column_count: number;
  created_at: number;
  /**
   * The baseline PUT whose blobs this record names: every PUT writes under its own id, so two at once never mix.
   * Absent on datasets stored before blobs were kept per PUT; their keys below still say where the blobs are.
   */
  upload_id?: string;
  /** Blob keys of the raw upload, the profile JSON and the sorted numeric values. */
  raw_key: string;
  profile_key: string;
  values_key: string;
}

/** The monitoring config as stored: drift bins, and the columns whose values make automatic segments. */
export type ModelMonitoring = MonitoringConfig & { segment_by?: string[] };

export interface ModelRecord {
  info: ModelInfo;
  /** Data type of every column the model names, copied from the dataset so publishing reads one item. */
  column_types: Record<string, ColumnInfo>;
  monitoring: ModelMonitoring;
}

/** A value set (`not_in` only for the automatic `__OTHER__` segments) or an inclusive numeric range. */
export type SegmentCondition =
  | { in: Array<string | number | boolean> }
  | { not_in: Array<string | number | boolean> }
  | { min?: number; max?: number };

export type SegmentFilter = Record<string, SegmentCondition>;

/** A segment a user defined on a model (contract section 10). */
export interface SegmentRecord {
  project_id: string;
  model_id: string;
  segment_id: string;
  name: string;
  filter: SegmentFilter;
  /** Bumped when the filter changes: a new version is rebuilt from stored events. */
  version: number;
  /**
   * Names the profiles of this version of the filter. Fresh on every filter change and every re-creation, so
   * profiles built for an earlier filter, or for a deleted segment of the same id, are never read as this one's.
   */
  key: string;
  created_at: number;
  updated_at: number;
}

export interface TokenRecord {
  token_id: string;
  name: string;
  projects: string[];
  /** SHA-256 (hex) of the whole token; the token itself is never stored. */
  token_hash: string;
  created_at: number;
}

export interface UploadRecord {
  project_id: string;
  dataset_id: string;
  upload_id: string;
  blob_key: string;
  format: TableFormat;
  created_at: number;
  expires_at: number;
}

/** A baseline PUT in progress holds its dataset id, so a second PUT can answer 409 without reading its body. */
export interface DatasetClaim {
  project_id: string;
  dataset_id: string;
  upload_id: string;
  /** After this (epoch ms) the claim no longer holds: the PUT that took it is presumed dead. */
  expires_at: number;
}

export interface RegistryStore {
  createProject(project: ProjectRecord): Promise<void>;
  getProject(projectId: string): Promise<ProjectRecord | undefined>;
  listProjects(limit: number, nextToken?: string): Promise<{ items: ProjectRecord[]; nextToken?: string }>;
  /** Stores a dataset unless its id is taken (AlreadyExists): of two PUTs at once, exactly one is stored. */
  createDataset(dataset: DatasetRecord): Promise<void>;
  /** Takes the dataset id for one PUT, unless another holds an unexpired claim on it (AlreadyExists). */
  claimDataset(claim: DatasetClaim, now: number): Promise<void>;
  /** Gives up a claim, if `uploadId` still holds it. */
  releaseDatasetClaim(projectId: string, datasetId: string, uploadId: string): Promise<void>;
  getDataset(projectId: string, datasetId: string): Promise<DatasetRecord | undefined>;
  createModel(model: ModelRecord): Promise<void>;
  getModel(projectId: string, modelId: string): Promise<ModelRecord | undefined>;
  /** A project's models in id order, a page at a time. */
  listModels(
    projectId: string,
    limit: number,
    nextToken?: string,
  ): Promise<{ items: ModelRecord[]; nextToken?: string }>;
  setMonitoringConfig(projectId: string, modelId: string, config: ModelMonitoring): Promise<void>;
  putSegment(segment: SegmentRecord): Promise<void>;
  getSegment(projectId: string, modelId: string, segmentId: string): Promise<SegmentRecord | undefined>;
  listSegments(projectId: string, modelId: string): Promise<SegmentRecord[]>;
  /** False when there was no such segment. */
  deleteSegment(projectId: string, modelId: string, segmentId: string): Promise<boolean>;
  putToken(token: TokenRecord): Promise<void>;
  getToken(tokenId: string): Promise<TokenRecord | undefined>;
  deleteToken(tokenId: string): Promise<boolean>;
  putUpload(upload: UploadRecord): Promise<void>;
  getUpload(projectId: string, uploadId: string): Promise<UploadRecord | undefined>;
}
