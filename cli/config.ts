// Where the CLI keeps the service URL and token: ~/.config/modelwatch/config.json (or $MODELWATCH_CONFIG),
// readable by its owner only, since it holds a bearer token.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError } from './errors.js';

export interface CliConfig {
  url: string;
  token: string;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MODELWATCH_CONFIG) return env.MODELWATCH_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'modelwatch', 'config.json');
}

export async function readConfig(path = configPath()): Promise<Partial<CliConfig>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as Partial<CliConfig>;
    return {
      url: typeof value.url === 'string' ? value.url : undefined,
      token: typeof value.token === 'string' ? value.token : undefined,
    };
  } catch {
    throw new UsageError(`the config file ${path} is not valid JSON; run 'modelwatch login' again`);
  }
}

/** Writes the config with mode 0600 (its folder 0700), replacing any earlier file atomically. */
export async function writeConfig(config: CliConfig, path = configPath()): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

/** The URL and token to use: flags, then MODELWATCH_URL / MODELWATCH_TOKEN, then the config file. */
export async function resolveConnection(flags: { url?: string; token?: string }): Promise<CliConfig> {
  const path = configPath();
  const saved = await readConfig(path);
  const url = flags.url ?? process.env.MODELWATCH_URL ?? saved.url;
  const token = flags.token ?? process.env.MODELWATCH_TOKEN ?? saved.token;
  if (!url || !token) {
    throw new UsageError(
      `not logged in: run 'modelwatch login <url> --token <token>' first (no URL or token in ${path})`,
    );
  }
  return { url, token };
}
