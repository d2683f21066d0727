// `modelwatch tokens`: project-scoped tokens created (the secret printed once) and revoked (admin token).
import type { Command } from 'commander';
import { clientOf, list } from '../context.js';
import { UsageError } from '../errors.js';

export function tokenCommands(program: Command): void {
  const tokens = program
    .command('tokens')
    .description('create or revoke project-scoped tokens (admin token)');
  tokens
    .command('create')
    .description('create a token allowed on the given projects; the secret is printed once')
    .requiredOption('--name <name>', 'what the token is for')
    .requiredOption('--project <project_id...>', 'projects it may use (repeat, or comma-separated)')
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (options: { name: string; project: string[]; output: string }, command: Command) => {
      const projects = options.project.flatMap((value) => list(value));
      if (projects.length === 0) throw new UsageError('--project must name at least one project');
      const created = await (await clientOf(command)).createToken(options.name, projects);
      if (options.output === 'json') process.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
      else {
        process.stdout.write(`token_id: ${created.token_id}\ntoken: ${created.token}\n`);
        process.stderr.write('the token is shown only now: keep it somewhere safe\n');
      }
    });
  tokens
    .command('revoke')
    .description('revoke a token')
    .argument('<token_id>', 'the token_id printed by tokens create')
    .action(async (tokenId: string, _options: unknown, command: Command) => {
      await (await clientOf(command)).revokeToken(tokenId);
      process.stdout.write(`revoked token ${tokenId}\n`);
    });
}
