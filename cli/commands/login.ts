// `modelwatch login`: checks a URL and token against the service, then saves them for later commands.
import type { Command } from 'commander';
import { Modelwatch } from '../../sdk/src/index.js';
import { configPath, writeConfig } from '../config.js';
import { UsageError } from '../errors.js';

export function loginCommand(program: Command): void {
  program
    .command('login')
    .description(
      'save the service URL and a token (from --token, $MODELWATCH_TOKEN or stdin) to the config file',
    )
    .argument('[url]', 'the service URL, e.g. http://127.0.0.1:8080 (default: --url or $MODELWATCH_URL)')
    .option('--no-verify', 'save without checking the token against the service')
    .addHelpText(
      'after',
      `\nThe config file is ${configPath()} (set MODELWATCH_CONFIG to use another), mode 0600.`,
    )
    .action(async (urlArgument: string | undefined, options: { verify: boolean }, command: Command) => {
      const globals = command.optsWithGlobals() as { url?: string; token?: string };
      const url = urlArgument ?? globals.url ?? process.env.MODELWATCH_URL;
      if (!url) throw new UsageError('login needs the service URL: modelwatch login <url> --token <token>');
      if (!/^https?:\/\//i.test(url))
        throw new UsageError(`the URL must start with http:// or https:// (got '${url}')`);
      const token = globals.token ?? process.env.MODELWATCH_TOKEN ?? (await tokenFromStdin());
      if (!token)
        throw new UsageError(
          'login needs a token: --token <token>, $MODELWATCH_TOKEN, or the token on stdin',
        );
      if (options.verify) await new Modelwatch({ url, token, retries: 1 }).listProjectsPage({ limit: 1 });
      const path = configPath();
      await writeConfig({ url: url.replace(/\/+$/, ''), token }, path);
      process.stderr.write(`logged in to ${url}; saved to ${path}\n`);
    });
}

/** The first line of stdin when it is piped (`echo $TOKEN | modelwatch login URL`); nothing on a terminal. */
async function tokenFromStdin(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  let text = '';
  for await (const piece of process.stdin) text += String(piece);
  return text.split(/\r?\n/)[0]?.trim() || undefined;
}
