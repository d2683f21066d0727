// What every command needs: a client from the flags, environment or config file, and the usual options.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { Modelwatch } from '../sdk/src/index.js';
import { resolveConnection } from './config.js';
import { OUTPUTS } from './output.js';

export const TIME_HELP = 'epoch milliseconds or ISO-8601';

export type Output = 'table' | 'csv' | 'json';

export interface ModelOptions {
  project: string;
  model: string;
}

export async function clientOf(command: Command): Promise<Modelwatch> {
  const flags = command.optsWithGlobals() as { url?: string; token?: string };
  return new Modelwatch(await resolveConnection(flags));
}

/** -p/--project and -m/--model, both required. */
export function withModel(command: Command): Command {
  return command
    .requiredOption('-p, --project <project_id>', 'the project')
    .requiredOption('-m, --model <model_id>', 'the model');
}

export function withOutput(command: Command, formats: readonly string[] = OUTPUTS): Command {
  return command.addOption(
    new Option('-o, --output <format>', 'how to print the result').choices(formats).default('table'),
  );
}

/** A comma-separated list flag, repeatable: `--inputs a,b --inputs c` gives [a, b, c]. */
export function list(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  ];
}

/** Commander parsers: the value as a number, or commander's own "argument is invalid" usage error. */
export function positiveInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError('it must be a positive integer.');
  return number;
}

export function finiteNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) throw new InvalidArgumentError('it must be a number.');
  return number;
}
