// Models: registration against a baseline, model info, and the drift bins of the monitoring config.
import { loadProfile } from '../datasets/baseline-store.js';
import { type DatasetDeps, requireDataset } from '../datasets/datasets.js';
import { InvalidInput } from '../errors.js';
import { requireInProject, requireProjectExists } from '../projects/projects.js';
import type { BinEdges, ModelInfo } from '../schema/types.js';
import type { PendingStore } from '../storage/profiles.js';
import type { ModelMonitoring, ModelRecord, RegistryStore } from '../storage/registry.js';
import { buildModelRecord, type ModelRequest } from './register.js';
import { checkSegmentBy } from './segments.js';

export type ModelView = ModelInfo & { monitoring: ModelMonitoring };

const MAX_EDGES = 100;

export async function registerModel(
  deps: DatasetDeps,
  projectId: string,
  modelId: string,
  request: ModelRequest,
): Promise<ModelView> {
  const dataset = await requireDataset(deps.registry, projectId, request.dataset_id);
  const { profile } = await loadProfile(deps.blobs, dataset);
  const record = buildModelRecord(projectId, modelId, request, profile.columns, deps.clock());
  await deps.registry.createModel(record);
  return viewOf(record);
}

export function requireModel(
  registry: RegistryStore,
  projectId: string,
  modelId: string,
): Promise<ModelRecord> {
  return requireInProject(registry, projectId, `model '${modelId}'`, () =>
    registry.getModel(projectId, modelId),
  );
}

export async function getModel(
  registry: RegistryStore,
  projectId: string,
  modelId: string,
): Promise<ModelView> {
  return viewOf(await requireModel(registry, projectId, modelId));
}

/**
 * Replaces the explicit drift bins; columns left out go back to the baseline's deciles. `segment_by` left out
 * keeps the model's automatic segments (an empty list removes them).
 */
export async function setMonitoring(
  deps: DatasetDeps & { profiles: PendingStore },
  projectId: string,
  modelId: string,
  bins: Record<string, BinEdges>,
  segmentBy?: string[],
): Promise<ModelView> {
  const model = await requireModel(deps.registry, projectId, modelId);
  checkBins(model, bins);
  const segment_by = segmentBy ?? model.monitoring.segment_by ?? [];
  checkSegmentBy(model, segment_by);
  const config: ModelMonitoring = {
    bins,
    segment_by,
    version: model.monitoring.version + 1,
    updated_at: deps.clock(),
  };
  await deps.registry.setMonitoringConfig(projectId, modelId, config);
  // The next monitor run sees the new version and rebuilds the model's profiles with the new bins.
  await deps.profiles.markDirty([{ project_id: projectId, model_id: modelId }]);
  return viewOf({ ...model, monitoring: config });
}

export function checkBins(model: ModelRecord, bins: Record<string, BinEdges>): void {
  const monitored = new Set([...model.info.inputs, ...model.info.outputs]);
  for (const [column, { edges }] of Object.entries(bins)) {
    const type = model.column_types[column]?.data_type;
    if (!monitored.has(column))
      throw new InvalidInput(`bins.${column}: not an input or output column of the model`);
    if (type !== 'int' && type !== 'float') {
      throw new InvalidInput(`bins.${column}: only numeric columns take edges (this one is ${type})`);
    }
    if (edges.length === 0 || edges.length > MAX_EDGES) {
      throw new InvalidInput(`bins.${column}.edges: give between 1 and ${MAX_EDGES} cut points`);
    }
    for (let i = 1; i < edges.length; i++) {
      if (!((edges[i] as number) > (edges[i - 1] as number))) {
        throw new InvalidInput(
          `bins.${column}.edges: cut points must be strictly increasing (at index ${i})`,
        );
      }
    }
  }
}

/** A project's models (404 for an unknown project), a page at a time. */
export async function listModels(
  registry: RegistryStore,
  projectId: string,
  limit: number,
  nextToken?: string,
): Promise<{ items: ModelView[]; nextToken?: string }> {
  await requireProjectExists(registry, projectId);
  const page = await registry.listModels(projectId, limit, nextToken);
  return { ...page, items: page.items.map(viewOf) };
}

function viewOf(record: ModelRecord): ModelView {
  return { ...record.info, monitoring: record.monitoring };
}
