// `modelwatch projects`: the projects a token may see, listed, and new ones created (admin token).
import type { Command } from 'commander';
import { clientOf, positiveInt, withOutput } from '../context.js';
import { isoTime, printRecords } from '../output.js';

export function projectCommands(program: Command): void {
  const projects = program.command('projects').description('list or create projects');
  withOutput(projects.command('list').description('list the projects the token may see'))
    .option('--limit <n>', 'projects per request', positiveInt)
    .action(async (options: { output: 'table' | 'csv' | 'json'; limit?: number }, command: Command) => {
      const client = await clientOf(command);
      const items = [];
      for await (const project of client.listProjects({ limit: options.limit })) items.push(project);
      const rows = items.map((p) => [p.project_id, isoTime(p.created_at)]);
      printRecords(options.output, ['project_id', 'created_at'], rows, items);
    });
  projects
    .command('create')
    .description('create a project (admin token)')
    .argument('<project_id>', '2-64 characters of a-z, 0-9, _ or -, starting with a letter')
    .action(async (projectId: string, _options: unknown, command: Command) => {
      const project = await (await clientOf(command)).createProject(projectId);
      process.stdout.write(`created project ${project.project_id}\n`);
    });
}
