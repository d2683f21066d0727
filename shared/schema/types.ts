// The domain vocabulary shared by ingest, metrics and alerts: column types, baseline profiles and model info.

export const DATA_TYPES = ['int', 'float', 'bool', 'category', 'str'] as const;
export type DataType = (typeof DATA_TYPES)[number];

export const TASKS = ['binary_classification', 'multiclass_classification', 'regression', 'not_set'] as const;
export type Task = (typeof TASKS)[number];

/** A column as the public contract shows it in dataset info. */
export interface ColumnInfo {
  name: string;
  data_type: DataType;
  nullable: boolean;
  /** Baseline minimum, for numeric (int, float) columns; null otherwise. */
  min: number | null;
  /** Baseline maximum, for numeric (int, float) columns; null otherwise. */
  max: number | null;
  /** Sorted distinct baseline values of a category column; null otherwise. */
  categories: string[] | null;
}

/**
 * What drift needs of a baseline column beyond its info. Kept in the stored baseline profile
 * (S3), never in API answers.
 */
export interface ColumnProfile extends ColumnInfo {
  /** Number of non-null, well-typed baseline values. */
  value_count: number;
  /** Exact deciles 10%..90% of numeric columns (numpy's default linear interpolation); null otherwise. */
  deciles: number[] | null;
  /** Per-category baseline counts, in `categories` order (category columns). */
  category_counts: number[] | null;
  /** [false, true] baseline counts (bool columns). */
  bool_counts: [number, number] | null;
}

export interface DatasetProfile {
  dataset_id: string;
  row_count: number;
  columns: ColumnProfile[];
}

/** Interior cut points of one numeric column's drift bins: bins are (-inf,e1], (e1,e2], ..., (ek,+inf). */
export interface BinEdges {
  edges: number[];
}

export interface MonitoringConfig {
  /** Explicit drift bins per numeric column; columns left out use the baseline's deciles. */
  bins: Record<string, BinEdges>;
  /** Bumped on every change, so derived state (profiles) can tell which config it was built with. */
  version: number;
  updated_at: number;
}

export interface ModelInfo {
  project_id: string;
  model_id: string;
  dataset_id: string;
  task: Task;
  inputs: string[];
  outputs: string[];
  targets: string[];
  decisions: string[];
  metadata: string[];
  binary_classification_threshold: number;
  /** Class labels as they appear in targets; binary: [negative, positive]. Empty for regression/not_set. */
  target_class_order: Array<string | number | boolean>;
  retention_days: number;
  created_at: number;
}

/** A stored event: the event's column values plus its identity and time. */
export interface StoredEvent {
  project_id: string;
  model_id: string;
  event_id: string;
  /** Event time, epoch ms: decides the time bin. */
  event_timestamp: number;
  /** When the event was first received, epoch ms: retention counts from here. */
  received_at: number;
  /** Column values as published (unvalidated: integrity metrics judge them). */
  event: Record<string, unknown>;
}
