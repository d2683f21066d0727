// `modelwatch metrics`, `metrics query`, `summary`, `performance` and `run-monitor`: reading what the service
// computed, and asking it to compute now.
import { type Command, Option } from 'commander';
import type { PerformanceDetails, SeriesSpec } from '../../sdk/src/index.js';
import { clientOf, type ModelOptions, type Output, TIME_HELP, withModel, withOutput } from '../context.js';
import { UsageError } from '../errors.js';
import { type Cell, isoTime, printRecords } from '../output.js';

const repeatable = (value: string, previous: string[] = []) => [...previous, value];

function withRange(command: Command): Command {
  return command
    .addOption(
      new Option('--bin-size <size>', 'the bin').choices(['hour', 'day', 'week', 'month']).default('hour'),
    )
    .option('--start <time>', `${TIME_HELP} (default: 7 days before end)`)
    .option('--end <time>', `${TIME_HELP}, exclusive (default: now)`);
}

/** `m` or `m:column`: the column after the first colon, as column names may hold colons themselves. */
export function seriesSpecOf(text: string): SeriesSpec {
  const colon = text.indexOf(':');
  return colon < 0 ? { metric: text } : { metric: text.slice(0, colon), column: text.slice(colon + 1) };
}

export function metricCommands(program: Command): void {
  withRange(withOutput(withModel(program.command('metrics'))))
    .description(
      'print a metric as a time series, one row per bin; `metrics query` prints many series from one request',
    )
    .argument('[query]', '"query": each --metric is m or m:column, and every series comes from one request')
    .option(
      '--metric <id>',
      'jsd, psi, traffic, *_violation_count, accuracy, auc, mae, ...; repeatable with query',
      repeatable,
    )
    .option('--column <name>', 'the column, for per-column metrics (or __ANY__ for integrity)')
    .option('--segment <id>', 'a segment: the series of its events only')
    .option('--baseline <baseline>', 'drift metrics: dataset (default), window:<start>:<end> or previous:<n>')
    .action(async (mode: string | undefined, options: MetricOptions, command: Command) => {
      if (mode !== undefined && mode !== 'query')
        throw new UsageError(`unknown metrics mode '${mode}' (query?)`);
      const metrics = options.metric ?? [];
      if (metrics.length === 0) throw new UsageError("required option '--metric <id>' not specified");
      const client = await clientOf(command);
      const range = { binSize: options.binSize, start: options.start, end: options.end };
      if (mode === undefined) {
        if (metrics.length > 1) throw new UsageError('--metric once, or use `metrics query` for many');
        const series = await client.getMetrics(options.project, options.model, {
          metric: metrics[0] as string,
          column: options.column,
          segment: options.segment,
          baseline: options.baseline,
          ...range,
        });
        const rows = series.points.map((point) => [isoTime(point.start), point.value, point.count]);
        printRecords(options.output, ['start', 'value', 'count'], rows, series);
        return;
      }
      const answer = await client.queryMetrics(
        options.project,
        options.model,
        metrics.map((text) => ({
          ...seriesSpecOf(text),
          segment: options.segment,
          baseline: options.baseline,
        })),
        range,
      );
      const rows = answer.series.flatMap((series) =>
        series.points.map((point) => [
          series.metric,
          series.column,
          isoTime(point.start),
          point.value,
          point.count,
        ]),
      );
      printRecords(options.output, ['metric', 'column', 'start', 'value', 'count'], rows, answer);
    });

  withRange(withOutput(withModel(program.command('summary'))))
    .description(
      "print a model's health: per column the latest and worst drift and violations (json: everything)",
    )
    .action(async (options: RangeCommandOptions, command: Command) => {
      const client = await clientOf(command);
      const summary = await client.summary(options.project, options.model, {
        binSize: options.binSize,
        start: options.start,
        end: options.end,
      });
      const rows = summary.columns.map((column) => [
        column.column,
        column.role,
        column.jsd?.latest?.value,
        column.jsd?.worst?.value,
        isoTime(column.jsd?.worst?.start),
        column.any_violation_percentage.latest?.value,
        column.any_violation_percentage.worst?.value,
        isoTime(column.any_violation_percentage.worst?.start),
      ]);
      const header = ['column', 'role', 'jsd_latest', 'jsd_worst', 'jsd_worst_bin'].concat([
        'violations_pct_latest',
        'violations_pct_worst',
        'violations_worst_bin',
      ]);
      printRecords(options.output, header, rows, summary);
    });

  withRange(withOutput(withModel(program.command('performance'))))
    .description(
      'print the confusion counts per bin of a classification model (binary: tp, fp, tn, fn; json: everything)',
    )
    .option('--segment <id>', 'a segment: the counts of its events only')
    .option('--calibration', 'binary: print the 10 calibration buckets of each bin instead')
    .action(async (options: PerformanceOptions, command: Command) => {
      const client = await clientOf(command);
      const details = await client.performance(options.project, options.model, {
        binSize: options.binSize,
        start: options.start,
        end: options.end,
        segment: options.segment,
      });
      const { header, rows } = performanceTable(details, options.calibration === true);
      printRecords(options.output, header, rows, details);
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

/** Binary: a row per bin (or per calibration bucket); multiclass: a row per bin and actual class. */
export function performanceTable(
  details: PerformanceDetails,
  calibration: boolean,
): { header: string[]; rows: Cell[][] } {
  if (details.task === 'binary_classification' && calibration) {
    const header = ['start', 'lower', 'upper', 'count', 'mean_predicted', 'mean_label'];
    const rows = details.points.flatMap((point) =>
      (point.calibration ?? []).map((bucket) => [
        isoTime(point.start),
        bucket.lower,
        bucket.upper,
        bucket.count,
        bucket.mean_predicted,
        bucket.mean_label,
      ]),
    );
    return { header, rows };
  }
  if (details.task === 'binary_classification') {
    const header = ['start', 'data_count', 'tp', 'fp', 'tn', 'fn'];
    const rows = details.points.map((p) => [isoTime(p.start), p.data_count, p.tp, p.fp, p.tn, p.fn]);
    return { header, rows };
  }
  const header = ['start', 'actual', ...details.classes.map((label) => `predicted_${label}`)];
  const rows = details.points.flatMap((point) =>
    point.confusion.map((row, actual) => [isoTime(point.start), String(details.classes[actual]), ...row]),
  );
  return { header, rows };
}

interface RangeCommandOptions extends ModelOptions {
  binSize: 'hour' | 'day' | 'week' | 'month';
  start?: string;
  end?: string;
  output: Output;
}

interface MetricOptions extends RangeCommandOptions {
  metric?: string[];
  column?: string;
  segment?: string;
  baseline?: string;
}

interface PerformanceOptions extends RangeCommandOptions {
  segment?: string;
  calibration?: boolean;
}
