// The spec that answers queries for a model now: its active version's.
import type { MonitorSpec } from '../metrics/spec.js';
import type { ModelRecord } from '../storage/registry.js';
import { type SpecDeps, specFor } from './specs.js';

export async function activeSpec(
  deps: SpecDeps,
  record: ModelRecord,
): Promise<{ version: number; spec: MonitorSpec }> {
  const model = { project_id: record.info.project_id, model_id: record.info.model_id };
  const state = await deps.profiles.getState(model);
  const version = state?.active_version ?? record.monitoring.version;
  return { version, spec: await specFor(deps, model, version, record) };
}
