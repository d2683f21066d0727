// The monitoring spec of a model: each monitored column's type, baseline range and drift bins, plus what performance
// needs. Built once from the model, its baseline profile and monitoring config; plain JSON, so it can be stored.

import type {
  ColumnProfile,
  DatasetProfile,
  DataType,
  ModelInfo,
  MonitoringConfig,
  Task,
} from '../schema/types.js';
import { cleanEdges, countPerNumericBin, edgesFromDeciles } from './drift-bins.js';
import { type BaselineGrid, buildBaselineGrid } from './numeric/baseline-grid.js';

export type ClassLabel = string | number | boolean;

/** Drift bins of a column and the baseline's count in each. */
export type DriftBins =
  /** k interior edges, k+1 right-closed bins. */
  | { layout: 'numeric'; edges: number[]; baseline_counts: number[] }
  /** One bin per baseline category (in the column's `categories` order), then one for unseen values (baseline 0). */
  | { layout: 'category'; baseline_counts: number[] }
  /** [false, true]. */
  | { layout: 'bool'; baseline_counts: number[] };

export interface ColumnSpec {
  name: string;
  data_type: DataType;
  /** Baseline range of numeric columns: values outside it are range violations. */
  min: number | null;
  max: number | null;
  /** Baseline categories of category columns: other values are range violations. */
  categories: string[] | null;
  /** Null for str columns, which have no drift. */
  drift: DriftBins | null;
  /**
   * Numeric columns: the baseline on a grid of its percentiles, for statistics-based drift (KS, Wasserstein) and
   * their noise. Absent from specs stored before it existed, and null for other columns or an empty baseline.
   */
  baseline?: BaselineGrid | null;
}

export interface MonitorSpec {
  task: Task;
  /** The monitoring config version the drift bins come from (0 without a config). */
  config_version: number;
  /** Inputs then outputs, each once: the columns drift and integrity watch. */
  columns: ColumnSpec[];
  inputs: string[];
  outputs: string[];
  /** The first target column; performance is not computed without one. */
  target: string | null;
  threshold: number;
  /** Binary: [negative, positive]; multiclass: the classes in the order of the outputs. */
  target_class_order: ClassLabel[];
}

export class MonitorSpecError extends Error {
  override readonly name = 'MonitorSpecError';
}

/**
 * Builds the spec. `baselineSortedValues` holds, for every numeric monitored column, the baseline's well-typed
 * values in ascending order: baseline bin counts come from them. Explicit edges apply to numeric columns only.
 */
export function buildMonitorSpec(
  model: ModelInfo,
  datasetProfile: DatasetProfile,
  config: Pick<MonitoringConfig, 'bins' | 'version'> | null | undefined,
  baselineSortedValues: Record<string, Float64Array>,
): MonitorSpec {
  const profilesByName = new Map(datasetProfile.columns.map((column) => [column.name, column]));
  const profileOf = (name: string): ColumnProfile => {
    const profile = profilesByName.get(name);
    if (!profile) throw new MonitorSpecError(`column ${name} is not in dataset ${datasetProfile.dataset_id}`);
    return profile;
  };
  const monitored = [...new Set([...model.inputs, ...model.outputs])];
  const columns = monitored.map((name) =>
    columnSpecOf(profileOf(name), ownEntry(config?.bins, name)?.edges, ownEntry(baselineSortedValues, name)),
  );
  const target = model.targets[0] ?? null;
  const targetProfile = target === null ? null : profileOf(target);
  return {
    task: model.task,
    config_version: config?.version ?? 0,
    columns,
    inputs: [...model.inputs],
    outputs: [...model.outputs],
    target,
    threshold: model.binary_classification_threshold,
    target_class_order: classOrderOf(model, targetProfile),
  };
}

function columnSpecOf(
  profile: ColumnProfile,
  explicitEdges: number[] | undefined,
  sortedValues: Float64Array | undefined,
): ColumnSpec {
  const { name, data_type, min, max, categories } = profile;
  const drift = driftBinsOf(profile, explicitEdges, sortedValues);
  const numeric = data_type === 'int' || data_type === 'float';
  const baseline = numeric && sortedValues ? buildBaselineGrid(sortedValues) : null;
  return { name, data_type, min, max, categories, drift, baseline };
}

function driftBinsOf(
  profile: ColumnProfile,
  explicitEdges: number[] | undefined,
  sortedValues: Float64Array | undefined,
): DriftBins | null {
  switch (profile.data_type) {
    case 'int':
    case 'float': {
      if (!sortedValues) {
        throw new MonitorSpecError(
          `baseline values of numeric column ${profile.name} are needed for its drift bins`,
        );
      }
      const edges = explicitEdges ? cleanEdges(explicitEdges) : edgesFromDeciles(profile.deciles);
      return { layout: 'numeric', edges, baseline_counts: countPerNumericBin(edges, sortedValues) };
    }
    case 'category': {
      const counts = profile.category_counts ?? (profile.categories ?? []).map(() => 0);
      return { layout: 'category', baseline_counts: [...counts, 0] };
    }
    case 'bool':
      return { layout: 'bool', baseline_counts: [...(profile.bool_counts ?? [0, 0])] };
    case 'str':
      return null;
  }
}

/** The model's class order, or the contract's default for binary models: [false, true] or [0, 1]. */
function classOrderOf(model: ModelInfo, targetProfile: ColumnProfile | null): ClassLabel[] {
  const order = [...model.target_class_order];
  if (model.task === 'binary_classification') {
    if (order.length === 0) return targetProfile?.data_type === 'bool' ? [false, true] : [0, 1];
    if (order.length !== 2) {
      throw new MonitorSpecError(`target_class_order of a binary model needs 2 classes, not ${order.length}`);
    }
  }
  if (model.task === 'multiclass_classification' && order.length !== model.outputs.length) {
    throw new MonitorSpecError(
      `target_class_order has ${order.length} classes but the model has ${model.outputs.length} outputs`,
    );
  }
  return order;
}

/** record[key] only when it is the record's own entry: column names such as `constructor` must not hit prototypes. */
function ownEntry<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Index of a column in the spec, or -1. */
export function columnIndexOf(spec: MonitorSpec, name: string): number {
  return spec.columns.findIndex((column) => column.name === name);
}
