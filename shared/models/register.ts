// Model registration: the model's columns checked against its baseline and its task.
import { InvalidInput } from '../errors.js';
import type { ColumnProfile, ModelInfo } from '../schema/types.js';
import type { ModelRecord } from '../storage/registry.js';

const ROLES = ['inputs', 'outputs', 'targets', 'decisions', 'metadata'] as const;

/** A registration: the model info it names, with the settings that have defaults left optional. */
export type ModelRequest = Pick<ModelInfo, 'dataset_id' | 'task' | (typeof ROLES)[number]> &
  Partial<Pick<ModelInfo, 'binary_classification_threshold' | 'target_class_order' | 'retention_days'>>;

export const DEFAULT_RETENTION_DAYS = 180;
/** The widest multiclass model the service promises to fold (contract section 7): its confusion matrix is 500². */
export const MAX_CLASSES = 500;
const isNumeric = (column: ColumnProfile) => column.data_type === 'int' || column.data_type === 'float';

/** Checks a registration against the baseline's columns and builds the record to store. */
export function buildModelRecord(
  projectId: string,
  modelId: string,
  request: ModelRequest,
  baselineColumns: ColumnProfile[],
  now: number,
): ModelRecord {
  const byName = new Map(baselineColumns.map((column) => [column.name, column]));
  const roleOf = new Map<string, string>();
  for (const role of ROLES) {
    for (const [index, name] of request[role].entries()) {
      if (!byName.has(name)) {
        throw new InvalidInput(
          `${role}[${index}]: column '${name}' is not in dataset '${request.dataset_id}'`,
        );
      }
      const earlier = roleOf.get(name);
      if (earlier)
        throw new InvalidInput(`${role}[${index}]: column '${name}' is already one of the ${earlier}`);
      roleOf.set(name, role);
    }
  }
  if (request.inputs.length === 0) throw new InvalidInput('inputs: a model needs at least one input column');
  const column = (name: string) => byName.get(name) as ColumnProfile;
  const classOrder = checkTask(request, column);
  const info: ModelInfo = {
    project_id: projectId,
    model_id: modelId,
    dataset_id: request.dataset_id,
    task: request.task,
    inputs: request.inputs,
    outputs: request.outputs,
    targets: request.targets,
    decisions: request.decisions,
    metadata: request.metadata,
    binary_classification_threshold: request.binary_classification_threshold ?? 0.5,
    target_class_order: classOrder,
    retention_days: request.retention_days ?? DEFAULT_RETENTION_DAYS,
    created_at: now,
  };
  const columnTypes: ModelRecord['column_types'] = {};
  for (const name of roleOf.keys()) {
    const { data_type, nullable, min, max, categories } = column(name);
    columnTypes[name] = { name, data_type, nullable, min, max, categories };
  }
  return { info, column_types: columnTypes, monitoring: { bins: {}, version: 1, updated_at: now } };
}

/** Applies the task's rules on outputs and targets; returns the class order to store. */
function checkTask(
  request: ModelRequest,
  column: (name: string) => ColumnProfile,
): ModelInfo['target_class_order'] {
  const { task, outputs, targets } = request;
  // An empty class order means "not given": the task's default applies.
  const givenOrder = request.target_class_order?.length ? request.target_class_order : undefined;
  if (task !== 'not_set' && targets.length > 1)
    throw new InvalidInput('targets: a model has at most one target column');
  for (const [index, name] of outputs.entries()) {
    if (task !== 'not_set' && !isNumeric(column(name))) {
      throw new InvalidInput(`outputs[${index}]: column '${name}' must be numeric for a ${task} model`);
    }
  }
  const target = targets[0] === undefined ? undefined : column(targets[0]);
  switch (task) {
    case 'binary_classification': {
      if (outputs.length !== 1)
        throw new InvalidInput(
          'outputs: a binary_classification model has exactly one output, the positive-class probability',
        );
      const threshold = request.binary_classification_threshold ?? 0.5;
      if (threshold < 0 || threshold > 1)
        throw new InvalidInput('binary_classification_threshold must be between 0 and 1');
      const order = givenOrder ?? defaultBinaryOrder(target);
      if (order.length !== 2)
        throw new InvalidInput('target_class_order: a binary model needs exactly [negative, positive]');
      return order;
    }
    case 'multiclass_classification': {
      const order = givenOrder ?? target?.categories ?? undefined;
      if (!order || order.length < 2) {
        throw new InvalidInput(
          'target_class_order: a multiclass model needs its classes (at least two), in output order',
        );
      }
      if (order.length > MAX_CLASSES) {
        const source = givenOrder
          ? 'target_class_order'
          : `target_class_order (the categories of '${target?.name}')`;
        throw new InvalidInput(
          `${source}: a multiclass model has at most ${MAX_CLASSES} classes, not ${order.length}`,
        );
      }
      if (outputs.length !== order.length) {
        throw new InvalidInput(
          `outputs: a multiclass model needs one output per class (${order.length} classes, ${outputs.length} outputs)`,
        );
      }
      return order;
    }
    case 'regression':
      if (outputs.length !== 1)
        throw new InvalidInput('outputs: a regression model has exactly one output, the prediction');
      if (target && !isNumeric(target))
        throw new InvalidInput(`targets[0]: column '${target.name}' must be numeric for regression`);
      return [];
    case 'not_set':
      return givenOrder ?? [];
  }
}

function defaultBinaryOrder(target: ColumnProfile | undefined): ModelInfo['target_class_order'] {
  if (!target || target.data_type === 'bool') return [false, true];
  if (target.data_type === 'category' && target.categories?.length === 2) return target.categories;
  if (isNumeric(target)) return [0, 1];
  throw new InvalidInput(`target_class_order: give [negative, positive] for target column '${target.name}'`);
}
