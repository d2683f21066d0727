// `modelwatch publish`: a CSV, NDJSON, JSON or Parquet file of events, sent in chunks a few at a time, with
// a progress bar. Rows without ids get ids derived from the file and row, so a re-run never counts twice.
import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import {
  type BatchRowError,
  type ChunkResult,
  ModelwatchError,
  type TimestampFormat,
} from '../../sdk/src/index.js';
import { clientOf, positiveInt, withModel } from '../context.js';
import { PartialFailure } from '../errors.js';
import {
  batchSourceOf,
  countRows,
  deterministicIds,
  FILE_FORMATS,
  fileFormatOf,
  fileSize,
} from '../files.js';
import { count } from '../output.js';
import { ProgressBar } from '../progress.js';

const TIMESTAMP_FORMATS = ['infer', 'epoch_ms', 'epoch_s', 'iso8601'];

interface PublishOptions {
  project: string;
  model: string;
  format?: string;
  update?: boolean;
  idField?: string;
  timestampField?: string;
  timestampFormat: TimestampFormat;
  chunkSize: number;
  concurrency: number;
  progress?: boolean;
  showErrors: number;
  output: string;
}

export function publishCommand(program: Command): void {
  withModel(program.command('publish'))
    .description('publish (or with --update, update) the events of a CSV, NDJSON, JSON or Parquet file')
    .argument('<file>', 'the events; a CSV has a header row')
    .addOption(
      new Option('--format <format>', 'the file format (default: from the extension)').choices(FILE_FORMATS),
    )
    .option('--update', 'update existing events (targets, decisions, metadata) instead of inserting')
    .option(
      '--id-field <column>',
      'the column holding event ids (default event_id; rows without one get an id from the file path and row number)',
    )
    .option('--timestamp-field <column>', 'the column holding event times (default event_timestamp)')
    .addOption(
      new Option('--timestamp-format <format>', 'how event times are written')
        .choices(TIMESTAMP_FORMATS)
        .default('infer'),
    )
    .option('--chunk-size <rows>', 'rows per request', positiveInt, 2000)
    .option('--concurrency <n>', 'requests in flight at once', positiveInt, 4)
    .option('--progress', 'show the progress bar even when stderr is not a terminal')
    .option('--no-progress', 'never show the progress bar')
    .option('--show-errors <n>', 'rejected rows to describe', positiveInt, 20)
    .option('-o, --output <format>', 'text, or json for the result on stdout', 'text')
    .addHelpText(
      'after',
      '\nRe-running a publish that was interrupted is safe: rows already stored answer 409 and are\nreported as "already published". Exit codes: 0 all rows stored, 1 a request failed, 2 usage, 3 some rows rejected.',
    )
    .action(async (file: string, options: PublishOptions, command: Command) => {
      const format = fileFormatOf(file, options.format, FILE_FORMATS);
      await fileSize(file);
      const client = await clientOf(command);
      const showProgress = options.progress ?? Boolean(process.stderr.isTTY);
      const bar = new ProgressBar(
        process.stderr,
        showProgress ? await countRows(file, format) : undefined,
        showProgress,
      );
      const tally = new Tally(options.showErrors);
      const startedAt = Date.now();
      let failure: unknown;
      try {
        await client.publishBatch(options.project, options.model, batchSourceOf(file, format), {
          format: format === 'parquet' ? undefined : format,
          updateEvent: options.update ?? false,
          idField: options.idField,
          timestampField: options.timestampField,
          timestampFormat: options.timestampFormat,
          idFor: deterministicIds(file),
          chunkRows: options.chunkSize,
          concurrency: options.concurrency,
          maxErrors: 0,
          onChunk: (chunk) => {
            tally.add(chunk);
            bar.update(tally.rows);
          },
        });
      } catch (error) {
        failure = error;
      }
      bar.finish(tally.rows);
      tally.report(
        `${basename(file)} to ${options.project}/${options.model}`,
        options.update ?? false,
        Date.now() - startedAt,
        options.output,
      );
      if (failure) {
        if (failure instanceof ModelwatchError)
          process.stderr.write('stopped: a request failed (rows sent so far are stored; re-run to finish)\n');
        throw failure;
      }
      if (tally.failed > 0) throw new PartialFailure(`${count(tally.failed)} rows were rejected`);
    });
}

/** Counts over the whole publish: what was stored, what was there already, and what was rejected. */
class Tally {
  rows = 0;
  accepted = 0;
  alreadyPublished = 0;
  failed = 0;
  private readonly shown: BatchRowError[] = [];
  private readonly warnings = new Set<string>();

  constructor(private readonly showErrors: number) {}

  add(chunk: ChunkResult): void {
    this.rows += chunk.rows;
    this.accepted += chunk.accepted;
    for (const warning of chunk.warnings) this.warnings.add(warning);
    for (const error of chunk.errors) {
      if (error.code === 'already_exists') this.alreadyPublished++;
      else {
        this.failed++;
        if (this.shown.length < this.showErrors) this.shown.push(error);
      }
    }
  }

  report(what: string, update: boolean, elapsedMs: number, output: string): void {
    const seconds = elapsedMs / 1000;
    const rate = Math.round(this.rows / Math.max(seconds, 0.001));
    for (const warning of this.warnings) process.stderr.write(`warning: ${warning}\n`);
    for (const error of this.shown.sort((a, b) => a.row - b.row)) {
      const id = error.event_id ? ` (event_id ${error.event_id})` : '';
      process.stderr.write(`row ${error.row}${id}: ${error.code}: ${error.message}\n`);
    }
    if (this.failed > this.shown.length)
      process.stderr.write(`... and ${count(this.failed - this.shown.length)} more rejected rows\n`);
    const verb = update ? 'updated' : 'published';
    process.stderr.write(
      `${verb} ${count(this.rows)} rows from ${what} in ${seconds.toFixed(1)}s (${count(rate)} events/s): ` +
        `${count(this.accepted)} accepted, ${count(this.alreadyPublished)} already published, ${count(this.failed)} rejected\n`,
    );
    if (output === 'json') {
      const result = {
        rows: this.rows,
        accepted: this.accepted,
        already_published: this.alreadyPublished,
        rejected: this.failed,
        errors: this.shown,
      };
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    }
  }
}
