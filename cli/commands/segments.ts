// `modelwatch segments`: define, list and remove a model's segments (contract section 10).
import type { Command } from 'commander';
import { clientOf, type ModelOptions, type Output, withModel, withOutput } from '../context.js';
import { printRecords } from '../output.js';

export function segmentCommands(program: Command): void {
  const segments = program.command('segments').description('define, list or remove segments of a model');
  withOutput(
    withModel(segments.command('list').description('list the segments of a model and their state')),
  ).action(async (options: ModelOptions & { output: Output }, command: Command) => {
    const client = await clientOf(command);
    const items = await client.listSegments(options.project, options.model);
    const rows = items.map((s) => [
      s.segment_id,
      s.name,
      s.automatic ? 'automatic' : 'defined',
      s.state,
      s.progress ? `${s.progress.hours_done}/${s.progress.hours_total}` : '',
      JSON.stringify(s.filter),
    ]);
    printRecords(options.output, ['segment_id', 'name', 'kind', 'state', 'hours', 'filter'], rows, items);
  });
  withModel(segments.command('put'))
    .description('define or change a segment; it is built from the stored events by the next monitor run')
    .argument('<segment_id>', 'the segment')
    .requiredOption('--filter <json>', 'conditions per column, e.g. {"geography": {"in": ["Germany"]}}')
    .option('--name <name>', 'a name to show (default: the id)')
    .action(
      async (
        segmentId: string,
        options: ModelOptions & { filter: string; name?: string },
        command: Command,
      ) => {
        let filter: Record<string, unknown>;
        try {
          filter = JSON.parse(options.filter);
        } catch {
          command.error(`--filter is not JSON: ${options.filter}`, { exitCode: 2 });
        }
        const client = await clientOf(command);
        const segment = await client.putSegment(options.project, options.model, segmentId, {
          name: options.name ?? segmentId,
          filter: filter as never,
        });
        process.stdout.write(`segment ${segment.segment_id} is ${segment.state}\n`);
      },
    );
  withModel(segments.command('delete'))
    .description('remove a segment')
    .argument('<segment_id>', 'the segment')
    .action(async (segmentId: string, options: ModelOptions, command: Command) => {
      const client = await clientOf(command);
      await client.deleteSegment(options.project, options.model, segmentId);
      process.stdout.write(`segment ${segmentId} deleted\n`);
    });
}
