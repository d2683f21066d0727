// Runs the modelwatch CLI as users do: a child process with its own config file and no inherited login.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI_BIN = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  config: string;
  input?: string;
  env?: Record<string, string>;
  /** Sees stderr as it arrives; may kill the child. */
  onStderr?: (soFar: string, kill: () => void) => void;
}

export function runCli(args: string[], options: CliOptions): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, MODELWATCH_CONFIG: options.config, ...options.env };
  for (const name of ['MODELWATCH_URL', 'MODELWATCH_TOKEN']) if (!options.env?.[name]) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (piece: Buffer) => {
      stdout += piece.toString();
    });
    child.stderr.on('data', (piece: Buffer) => {
      stderr += piece.toString();
      options.onStderr?.(stderr, () => child.kill('SIGKILL'));
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * CSV of churn-model events: `ids` adds an event_id column. Row i falls in slot i % 4: hours 00 and 01 of
 * 2026-01-05, then of 2026-01-06 (UTC); few hours keep the monitor run short.
 */
export function eventsCsv(rows: number, options: { ids?: string } = {}): string {
  const header = ['age', 'balance', 'geography', 'tenure', 'probability_churned', 'event_timestamp'];
  const lines = [(options.ids ? ['event_id', ...header] : header).join(',')];
  const geographies = ['France', 'Spain', 'Germany'];
  for (let i = 0; i < rows; i++) {
    const slot = i % 4;
    const time = new Date(Date.UTC(2026, 0, 5 + Math.floor(slot / 2), slot % 2)).toISOString();
    const cells = [
      20 + (i % 50),
      (i * 1.5).toFixed(2),
      geographies[i % 3],
      i % 10,
      ((i % 100) / 100).toFixed(2),
      time,
    ];
    lines.push((options.ids ? [`${options.ids}-${i}`, ...cells] : cells).join(','));
  }
  return `${lines.join('\n')}\n`;
}
