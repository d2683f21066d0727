// The modelwatch command line: parses the command, runs it, and turns the outcome into an exit code
// (0 ok, 1 a request failed, 2 usage, 3 some rows rejected) with errors in words on stderr.
import { Command, CommanderError } from 'commander';
import { ModelwatchError } from '../sdk/src/index.js';
import { alertCommands } from './commands/alerts.js';
import { datasetCommands } from './commands/datasets.js';
import { incidentCommands } from './commands/incidents.js';
import { loginCommand } from './commands/login.js';
import { metricCommands } from './commands/metrics.js';
import { modelCommands } from './commands/models.js';
import { projectCommands } from './commands/projects.js';
import { publishCommand } from './commands/publish.js';
import { segmentCommands } from './commands/segments.js';
import { tokenCommands } from './commands/tokens.js';
import { EXIT, PartialFailure, UsageError } from './errors.js';

export function buildProgram(): Command {
  const program = new Command('modelwatch')
    .description(
      'Modelwatch: monitor deployed ML models (projects, datasets, models, events, metrics, alerts)',
    )
    .version('0.1.0')
    .option('--url <url>', 'the service URL (default: $MODELWATCH_URL, then the login config)')
    .option('--token <token>', 'the bearer token (default: $MODELWATCH_TOKEN, then the login config)')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 a request failed, 2 usage error, 3 some rows were rejected.',
    );
  loginCommand(program);
  projectCommands(program);
  tokenCommands(program);
  datasetCommands(program);
  modelCommands(program);
  publishCommand(program);
  metricCommands(program);
  alertCommands(program);
  incidentCommands(program);
  segmentCommands(program);
  return program;
}

/** Runs the command line `argv` (as process.argv: node, script, arguments...) and answers the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length <= 2) {
    program.outputHelp({ error: true });
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    return exitCodeOf(error);
  }
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed its message already; help and version are successes.
    const printedOnPurpose = ['commander.helpDisplayed', 'commander.version'].includes(error.code);
    return printedOnPurpose ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof PartialFailure) return EXIT.partial;
  if (error instanceof UsageError) {
    process.stderr.write(`error: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof ModelwatchError) {
    const status = error.status ? ` (HTTP ${error.status} ${error.code})` : '';
    process.stderr.write(`error: ${error.message}${status}\n`);
    return EXIT.requestFailed;
  }
  process.stderr.write(`error: ${(error as Error)?.message ?? String(error)}\n`);
  return EXIT.requestFailed;
}
