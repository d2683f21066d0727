// Monitor specs per model and config version: built once from the model, its baseline and its drift bins,
// then kept in the profiles table (and in memory) so profiles are always read with the spec they were built with.
import { loadBaseline } from '../datasets/baseline-store.js';
import { buildMonitorSpec, type MonitorSpec } from '../metrics/spec.js';
import type { BlobStore } from '../storage/blobs.js';
import { type ModelRef, modelKey, type ProfileStore } from '../storage/profiles.js';
import type { ModelRecord, RegistryStore } from '../storage/registry.js';

export interface SpecDeps {
  registry: RegistryStore;
  blobs: BlobStore;
  profiles: ProfileStore;
}

const cache = new Map<string, MonitorSpec>();

/** The spec of `version`; only the model's current config version can be built if it was never stored. */
export async function specFor(
  deps: SpecDeps,
  model: ModelRef,
  version: number,
  record?: ModelRecord,
): Promise<MonitorSpec> {
  const cacheKey = `${modelKey(model)}#${version}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  let spec = await deps.profiles.getSpec(model, version);
  if (!spec) {
    const current = record ?? (await deps.registry.getModel(model.project_id, model.model_id));
    if (!current) throw new Error(`model ${modelKey(model)} does not exist`);
    if (current.monitoring.version !== version) {
      throw new Error(
        `spec version ${version} of ${modelKey(model)} was never stored and its config is gone`,
      );
    }
    const dataset = await deps.registry.getDataset(model.project_id, current.info.dataset_id);
    if (!dataset) throw new Error(`dataset ${current.info.dataset_id} of ${modelKey(model)} does not exist`);
    const baseline = await loadBaseline(deps.blobs, dataset);
    spec = buildMonitorSpec(
      current.info,
      baseline.profile,
      current.monitoring,
      Object.fromEntries(baseline.sortedValues),
    );
    await deps.profiles.putSpec(model, version, spec);
  }
  cache.set(cacheKey, spec);
  return spec;
}
