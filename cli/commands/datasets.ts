// `modelwatch upload-dataset`: a baseline file uploaded, and its inferred schema printed.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Row } from '../../sdk/src/index.js';
import { clientOf, positiveInt } from '../context.js';
import { fileFormatOf, fileSize, parquetRows } from '../files.js';
import { count, printRecords } from '../output.js';

export function datasetCommands(program: Command): void {
  program
    .command('upload-dataset')
    .description(
      'upload a baseline dataset (CSV, NDJSON, JSON array or Parquet) and print its inferred schema',
    )
    .argument('<file>', 'the baseline file; over 5 MB it goes through a presigned upload')
    .requiredOption('-p, --project <project_id>', 'the project')
    .requiredOption('-d, --dataset <dataset_id>', 'the dataset id')
    .option('--format <format>', 'csv, ndjson, json or parquet (default: from the extension)')
    .option(
      '--max-inferred-cardinality <n>',
      'string columns with at most n values are categories',
      positiveInt,
    )
    .option('-o, --output <format>', 'table or json', 'table')
    .action(async (file: string, options: UploadOptions, command: Command) => {
      const format = fileFormatOf(file, options.format, ['csv', 'ndjson', 'json', 'parquet']);
      await fileSize(file);
      const data =
        format === 'parquet' ? await allRows(parquetRows(file)) : new Uint8Array(await readFile(file));
      const client = await clientOf(command);
      const info = await client.uploadDataset(options.project, options.dataset, data, {
        format: format === 'parquet' ? undefined : format,
        maxInferredCardinality: options.maxInferredCardinality,
      });
      if (options.output === 'json') {
        process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
        return;
      }
      process.stderr.write(
        `uploaded ${options.project}/${info.dataset_id}: ${count(info.row_count)} rows, ${info.columns.length} columns\n`,
      );
      const rows = info.columns.map((c) => [
        c.name,
        c.data_type,
        c.nullable,
        c.min,
        c.max,
        categories(c.categories),
      ]);
      printRecords('table', ['column', 'data_type', 'nullable', 'min', 'max', 'categories'], rows, info);
    });
}

interface UploadOptions {
  project: string;
  dataset: string;
  format?: string;
  maxInferredCardinality?: number;
  output: string;
}

function categories(values: string[] | null): string {
  if (!values) return '';
  return values.length > 6 ? `${values.slice(0, 6).join(', ')}, ... (${values.length})` : values.join(', ');
}

async function allRows(rows: AsyncIterable<Row>): Promise<Row[]> {
  const all: Row[] = [];
  for await (const row of rows) all.push(row);
  return all;
}
