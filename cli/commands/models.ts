// `modelwatch register-model`: a model registered against a baseline, from flags and/or a model.json file.
import type { Command } from 'commander';
import type { ModelRegistration } from '../../sdk/src/index.js';
import { clientOf, finiteNumber, list, positiveInt } from '../context.js';
import { UsageError } from '../errors.js';
import { readJsonObject } from '../files.js';

const TASKS = ['binary_classification', 'multiclass_classification', 'regression', 'not_set'];

export function modelCommands(program: Command): void {
  program
    .command('register-model')
    .description('register a model against a baseline dataset, from flags and/or a model.json file')
    .requiredOption('-p, --project <project_id>', 'the project')
    .requiredOption('-m, --model <model_id>', 'the model id')
    .option('--file <model.json>', 'model info as JSON (flags given too override its fields)')
    .option('--dataset <dataset_id>', 'the baseline dataset')
    .option('--task <task>', TASKS.join(', '))
    .option('--inputs <columns>', 'input columns, comma-separated', list)
    .option('--outputs <columns>', 'output columns (binary: the positive-class probability)', list)
    .option('--targets <columns>', 'target (label) columns', list)
    .option('--decisions <columns>', 'decision columns', list)
    .option('--metadata <columns>', 'metadata columns', list)
    .option('--threshold <p>', 'binary classification threshold (default 0.5)', finiteNumber)
    .option('--class-order <values>', 'target classes, comma-separated (binary: negative,positive)', list)
    .option('--retention-days <n>', 'days events are kept (default 180)', positiveInt)
    .option('-o, --output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      '\nExample:\n  modelwatch register-model -p bank -m churn --dataset baseline --task binary_classification \\\n    --inputs age,balance --outputs probability_churned --targets churned',
    )
    .action(async (options: ModelOptions, command: Command) => {
      const info = { ...(options.file ? await readJsonObject(options.file) : {}), ...modelFlags(options) };
      if (!info.dataset_id)
        throw new UsageError('register-model needs the baseline: --dataset or "dataset_id" in --file');
      if (!info.task)
        throw new UsageError(`register-model needs --task (${TASKS.join(', ')}) or "task" in --file`);
      if (!TASKS.includes(info.task))
        throw new UsageError(`--task must be one of ${TASKS.join(', ')} (got '${info.task}')`);
      const model = await (await clientOf(command)).registerModel(
        options.project,
        options.model,
        info as ModelRegistration,
      );
      if (options.output === 'json') process.stdout.write(`${JSON.stringify(model, null, 2)}\n`);
      else {
        const roles = [
          `inputs: ${model.inputs.join(', ')}`,
          `outputs: ${model.outputs.join(', ')}`,
          model.targets.length > 0 ? `targets: ${model.targets.join(', ')}` : '',
        ];
        process.stdout.write(
          `registered model ${model.project_id}/${model.model_id} (${model.task}; ${roles.filter(Boolean).join('; ')})\n`,
        );
      }
    });
}

interface ModelOptions {
  project: string;
  model: string;
  file?: string;
  dataset?: string;
  task?: string;
  inputs?: string[];
  outputs?: string[];
  targets?: string[];
  decisions?: string[];
  metadata?: string[];
  threshold?: number;
  classOrder?: string[];
  retentionDays?: number;
  output: string;
}

function modelFlags(
  options: ModelOptions,
): Partial<Record<string, unknown>> & { dataset_id?: string; task?: string } {
  const fields = {
    dataset_id: options.dataset,
    task: options.task,
    inputs: options.inputs,
    outputs: options.outputs,
    targets: options.targets,
    decisions: options.decisions,
    metadata: options.metadata,
    binary_classification_threshold: options.threshold,
    target_class_order: options.classOrder?.map(scalar),
    retention_days: options.retentionDays,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** A class label from the command line: true/false and numbers as such, anything else as text. */
function scalar(value: string): string | number | boolean {
  if (value === 'true' || value === 'false') return value === 'true';
  const number = Number(value);
  return value.trim() !== '' && Number.isFinite(number) ? number : value;
}
