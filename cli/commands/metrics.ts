// `modelwatch metrics` and `modelwatch run-monitor`: reading what the service computed, and asking it to
// compute now.
import { type Command, Option } from 'commander';
import { clientOf, type ModelOptions, type Output, TIME_HELP, withModel, withOutput } from '../context.js';
import { isoTime, printRecords } from '../output.js';

export function metricCommands(program: Command): void {
  withOutput(withModel(program.command('metrics')))
    .description('print a metric as a time series: one row per bin')
    .requiredOption('--metric <id>', 'jsd, psi, traffic, *_violation_count, accuracy, auc, mae, ...')
    .option('--column <name>', 'the column, for per-column metrics (or __ANY__ for integrity)')
    .addOption(
      new Option('--bin-size <size>', 'the bin').choices(['hour', 'day', 'week', 'month']).default('hour'),
    )
    .option('--start <time>', `${TIME_HELP} (default: 7 days before end)`)
    .option('--end <time>', `${TIME_HELP}, exclusive (default: now)`)
    .action(async (options: MetricOptions, command: Command) => {
      const client = await clientOf(command);
      const series = await client.getMetrics(options.project, options.model, {
        metric: options.metric,
        column: options.column,
        binSize: options.binSize,
        start: options.start,
        end: options.end,
      });
      const rows = series.points.map((point) => [isoTime(point.start), point.value, point.count]);
      printRecords(options.output, ['start', 'value', 'count'], rows, series);
    });

  program
    .command('run-monitor')
    .description(
      'fold everything published so far into the metrics and evaluate alert rules now (admin token)',
    )
    .action(async (_options: unknown, command: Command) => {
      const summary = await (await clientOf(command)).runMonitor();
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    });
}

interface MetricOptions extends ModelOptions {
  metric: string;
  column?: string;
  binSize: 'hour' | 'day' | 'week' | 'month';
  start?: string;
  end?: string;
  output: Output;
}
