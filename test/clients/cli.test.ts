// The modelwatch CLI run as a real child process with a temporary MODELWATCH_CONFIG, against the local
// service: login, datasets, models, chunked and resumable publishing, metrics, help and exit codes.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/main.js';
import {
  type Client,
  clientFor,
  seedChurnModel,
  startTestService,
  type TestService,
} from '../support/local-service.js';
import { eventsCsv, runCli } from './cli-process.js';
import { writeParquet } from './fixtures/parquet-writer.js';
import { trafficBetween } from './support.js';

let dir: string;
let service: TestService;
let admin: Client;
let config: string;
const cli = (...args: string[]) => runCli(args, { config });
const JAN_5 = Date.UTC(2026, 0, 5);
const DAY_MS = 86_400_000;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelwatch-cli-'));
  service = await startTestService();
  admin = clientFor(service.url, service.adminToken);
  await seedChurnModel(admin);
  config = join(dir, 'config.json');
  await writeFile(config, JSON.stringify({ url: service.url, token: service.adminToken }), { mode: 0o600 });
});

afterAll(async () => {
  await service.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('login', () => {
  it('checks the token and saves URL and token to MODELWATCH_CONFIG with mode 0600', async () => {
    const path = join(dir, 'login', 'config.json');
    const run = await runCli(['login', service.url, '--token', service.adminToken], { config: path });
    expect(run.code).toBe(0);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ url: service.url, token: service.adminToken });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('reads the token from stdin', async () => {
    const path = join(dir, 'stdin', 'config.json');
    const run = await runCli(['login', service.url], { config: path, input: `${service.adminToken}\n` });
    expect(run.code).toBe(0);
    expect(JSON.parse(await readFile(path, 'utf8')).token).toBe(service.adminToken);
  });

  it('refuses a token the service rejects, saving nothing and exiting 1', async () => {
    const path = join(dir, 'refused', 'config.json');
    const run = await runCli(['login', service.url, '--token', 'wrong'], { config: path });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error: .*token.*HTTP 401/);
    await expect(stat(path)).rejects.toThrow();
  });
});

describe('projects, datasets and models', () => {
  it('creates a project and lists projects as CSV', async () => {
    expect((await cli('projects', 'create', 'cli_project')).code).toBe(0);
    const run = await cli('projects', 'list', '--output', 'csv');
    expect(run.stdout.split('\n')[0]).toBe('project_id,created_at');
    expect(run.stdout).toContain('\ncli_project,');
  });

  it('uploads a CSV baseline and prints its inferred columns', async () => {
    const file = join(dir, 'baseline.csv');
    await writeFile(file, 'score,label\n1,a\n2.5,b\n');
    const run = await cli('upload-dataset', file, '-p', 'bank', '-d', 'cli_baseline');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('uploaded bank/cli_baseline: 2 rows, 2 columns');
    expect(run.stdout).toMatch(/score\s+float/);
    expect(run.stdout).toMatch(/label\s+category\s+false\s+a, b/);
  });

  it('registers a model from a model.json file, with flags overriding its fields', async () => {
    const file = join(dir, 'model.json');
    const model = { dataset_id: 'baseline', task: 'regression', inputs: ['age'], outputs: ['balance'] };
    await writeFile(file, JSON.stringify(model));
    const run = await cli(
      'register-model',
      '-p',
      'bank',
      '-m',
      'cli_model',
      '--file',
      file,
      '--inputs',
      'age,tenure',
    );
    expect(run.code).toBe(0);
    const stored = await admin.get('/v1/projects/bank/models/cli_model');
    expect(stored.body).toMatchObject({
      task: 'regression',
      inputs: ['age', 'tenure'],
      outputs: ['balance'],
    });
  });
});

describe('publishing', () => {
  it('publishes a 10,000-row CSV in chunks with a progress bar showing events/s, ETA and a summary', async () => {
    const file = join(dir, 'events-10k.csv');
    await writeFile(file, eventsCsv(10_000));
    const run = await cli('publish', file, '-p', 'bank', '-m', 'churn', '--progress');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/\d+%\s+[\d,]+\/10,000 events\s+[\d,]+ events\/s\s+ETA \d+/);
    expect(run.stderr).toMatch(
      /published 10,000 rows from events-10k\.csv to bank\/churn in [\d.]+s \([\d,]+ events\/s\): 10,000 accepted, 0 already published, 0 rejected/,
    );
  }, 120_000);

  it('publishes a Parquet file, with 64-bit integers and timestamps as JSON values', async () => {
    const file = join(dir, 'events.parquet');
    const n = 12;
    const range = (f: (i: number) => number | string) => Array.from({ length: n }, (_, i) => f(i));
    await writeParquet(file, [
      { name: 'event_id', type: 'utf8', values: range((i) => `pq-${i}`) },
      { name: 'age', type: 'int64', values: range((i) => 30 + i) },
      { name: 'tenure', type: 'int32', values: range((i) => i % 10) },
      { name: 'balance', type: 'double', values: range((i) => i * 2.5) },
      { name: 'geography', type: 'utf8', values: range((i) => ['France', 'Spain'][i % 2] as string) },
      { name: 'probability_churned', type: 'double', values: range((i) => i / 20) },
      { name: 'event_timestamp', type: 'timestamp_ms', values: range((i) => JAN_5 + i * 60_000) },
    ]);
    const run = await cli('publish', file, '-p', 'bank', '-m', 'churn');
    expect(run.stderr).toContain('12 accepted, 0 already published, 0 rejected');
    expect(run.code).toBe(0);
    const stored = await admin.get('/v1/projects/bank/models/churn/events/pq-3');
    expect(stored.body).toMatchObject({
      event_timestamp: JAN_5 + 3 * 60_000,
      event: { age: 33, balance: 7.5 },
    });
  });

  it('exits 3 naming each rejected row by index, and reports a re-run as already published', async () => {
    const file = join(dir, 'some-bad.ndjson');
    const good = { age: 30, balance: 1, geography: 'Spain', tenure: 1, probability_churned: 0.5 };
    const lines = [good, { ...good, event_timestamp: 'yesterday' }, good].map((row) => JSON.stringify(row));
    await writeFile(file, `${lines.join('\n')}\n`);
    const first = await cli('publish', file, '-p', 'bank', '-m', 'churn');
    expect(first.code).toBe(3);
    expect(first.stderr).toContain('row 1');
    expect(first.stderr).toContain('invalid_timestamp');
    expect(first.stderr).toContain('2 accepted, 0 already published, 1 rejected');
    const again = await cli('publish', file, '-p', 'bank', '-m', 'churn');
    expect(again.stderr).toContain('0 accepted, 2 already published, 1 rejected');
  });
});

describe('an interrupted publish, re-run', () => {
  let own: TestService;
  let ownAdmin: Client;
  let ownConfig: string;
  const rows = 2_000;

  beforeAll(async () => {
    own = await startTestService();
    ownAdmin = clientFor(own.url, own.adminToken);
    await seedChurnModel(ownAdmin);
    ownConfig = join(dir, 'own-config.json');
    await writeFile(ownConfig, JSON.stringify({ url: own.url, token: own.adminToken }));
  });

  afterAll(() => own.destroy());

  it('stores every row exactly once: traffic after a monitor run equals the row count', async () => {
    const file = join(dir, 'events-interrupted.csv');
    await writeFile(file, eventsCsv(rows));
    const args = [
      'publish',
      file,
      '-p',
      'bank',
      '-m',
      'churn',
      '--progress',
      '--chunk-size',
      '100',
      '--concurrency',
      '1',
    ];
    const killed = await runCli(args, {
      config: ownConfig,
      onStderr: (soFar, kill) => {
        const done = [...soFar.matchAll(/([\d,]+)\/2,000 events/g)].map((m) =>
          Number(m[1]?.replaceAll(',', '')),
        );
        if (done.some((n) => n >= 400)) kill();
      },
    });
    expect(killed.signal).toBe('SIGKILL');
    const rerun = await runCli(args, { config: ownConfig });
    expect(rerun.code).toBe(0);
    const summary = /([\d,]+) accepted, ([\d,]+) already published, 0 rejected/.exec(rerun.stderr);
    const [accepted, already] = [summary?.[1], summary?.[2]].map((n) => Number(n?.replaceAll(',', '')));
    expect(already).toBeGreaterThanOrEqual(400);
    expect(accepted).toBeGreaterThan(0);
    expect((accepted as number) + (already as number)).toBe(rows);
    expect((await ownAdmin.post('/v1/monitor/run')).status).toBe(200);
    expect(await trafficBetween(ownAdmin, 'bank', 'churn', JAN_5, JAN_5 + 2 * DAY_MS)).toBe(rows);
  }, 120_000);

  it('prints the metric as CSV with --output csv', async () => {
    const run = await runCli(
      ['metrics', '-p', 'bank', '-m', 'churn', '--metric', 'traffic', '--bin-size', 'day'].concat([
        '--start',
        '2026-01-05T00:00:00Z',
        '--end',
        '2026-01-07T00:00:00Z',
        '--output',
        'csv',
      ]),
      { config: ownConfig },
    );
    expect(run.code).toBe(0);
    // eventsCsv puts row i in slot i % 4: slots 0 and 1 are on 2026-01-05, 2 and 3 on 2026-01-06.
    const firstDay = Array.from({ length: rows }, (_, i) => i % 4).filter((slot) => slot < 2).length;
    const secondDay = rows - firstDay;
    expect(run.stdout).toBe(
      `start,value,count\n2026-01-05T00:00:00.000Z,${firstDay},${firstDay}\n2026-01-06T00:00:00.000Z,${secondDay},${secondDay}\n`,
    );
  });

  it('prints many series from one request with metrics query, each --metric as m or m:column', async () => {
    const range = ['--bin-size', 'day', '--start', '2026-01-05T00:00:00Z', '--end', '2026-01-06T00:00:00Z'];
    const run = await runCli(
      ['metrics', 'query', '-p', 'bank', '-m', 'churn', '--metric', 'traffic', '--metric', 'jsd:geography']
        .concat(range)
        .concat(['-o', 'json']),
      { config: ownConfig },
    );
    expect(run.code, run.stderr).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(
      answer.series.map((series: { metric: string; column: string | null }) => [
        series.metric,
        series.column,
      ]),
    ).toEqual([
      ['traffic', null],
      ['jsd', 'geography'],
    ]);
    expect(answer.series[0].points[0].value).toBe(
      Array.from({ length: rows }, (_, i) => i % 4).filter((slot) => slot < 2).length,
    );
  });

  it('prints the model summary, one row per column', async () => {
    const run = await runCli(
      [
        'summary',
        '-p',
        'bank',
        '-m',
        'churn',
        '--bin-size',
        'day',
        '--start',
        '2026-01-05T00:00:00Z',
        '-o',
        'csv',
      ].concat(['--end', '2026-01-07T00:00:00Z']),
      { config: ownConfig },
    );
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^column,role,jsd_latest,jsd_worst/);
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual([
      'age',
      'balance',
      'geography',
      'tenure',
      'probability_churned',
    ]);
  });
});

describe('performance', () => {
  const range = ['--bin-size', 'day', '--start', '2026-01-05T00:00:00Z', '--end', '2026-01-06T00:00:00Z'];

  beforeAll(async () => {
    const model = await admin.put('/v1/projects/bank/models/labelled', {
      dataset_id: 'baseline',
      task: 'binary_classification',
      inputs: ['age', 'balance', 'geography', 'tenure'],
      outputs: ['probability_churned'],
      targets: ['churned'],
    });
    expect(model.status, model.text).toBe(201);
    const rows = [
      [0.9, true],
      [0.7, false],
      [0.2, false],
      [0.3, true],
      [0.1, false],
    ].map(([probability_churned, churned], i) => ({
      event_timestamp: JAN_5 + i * 60_000,
      age: 40,
      balance: 1000,
      geography: 'France',
      tenure: 3,
      probability_churned,
      churned,
    }));
    const published = await admin.post('/v1/projects/bank/models/labelled/events/batch', rows);
    expect(published.body.accepted, published.text).toBe(rows.length);
    expect((await admin.post('/v1/monitor/run')).status).toBe(200);
  });

  it('prints the confusion counts of each bin of a binary model', async () => {
    const run = await cli('performance', '-p', 'bank', '-m', 'labelled', ...range, '-o', 'csv');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('start,data_count,tp,fp,tn,fn\n2026-01-05T00:00:00.000Z,5,1,1,2,1\n');
  });

  it('prints the calibration buckets of each bin with --calibration', async () => {
    const run = await cli(
      'performance',
      '-p',
      'bank',
      '-m',
      'labelled',
      ...range,
      '--calibration',
      '-o',
      'csv',
    );
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('start,lower,upper,count,mean_predicted,mean_label');
    expect(lines).toHaveLength(11);
    expect(lines[10]).toBe('2026-01-05T00:00:00.000Z,0.9,1,1,0.9,1');
    expect(lines[3]).toBe('2026-01-05T00:00:00.000Z,0.2,0.3,1,0.2,0');
  });
});

describe('alert rules and alerts', () => {
  it('creates, lists and deletes a rule, and lists alerts', async () => {
    const base = ['-p', 'bank', '-m', 'churn'];
    const created = await cli(
      'rules',
      'create',
      ...base,
      '--name',
      'busy',
      '--metric',
      'traffic',
      '--bin-size',
      'hour',
      '--compare-to',
      'raw_value',
      '--condition',
      'greater',
      '--critical',
      '1000',
      '--priority',
      'low',
      '-o',
      'json',
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const ruleId = JSON.parse(created.stdout).rule_id as string;
    expect((await cli('rules', 'list', ...base, '-o', 'csv')).stdout).toContain(`${ruleId},busy,traffic`);
    expect((await cli('alerts', 'list', ...base, '-o', 'json')).code).toBe(0);
    expect((await cli('rules', 'delete', ...base, ruleId)).code).toBe(0);
    expect((await cli('rules', 'list', ...base, '-o', 'csv')).stdout).not.toContain(ruleId);
  });
});

describe('help and exit codes', () => {
  const allCommands = (command: Command): Command[] => [
    command,
    ...command.commands.flatMap((sub) => allCommands(sub)),
  ];

  it('gives every command a description and a usage text', () => {
    const commands = allCommands(buildProgram()).filter((command) => command.name() !== 'help');
    expect(commands.map((command) => command.name())).toEqual(
      expect.arrayContaining(['login', 'upload-dataset', 'register-model', 'publish', 'metrics', 'alerts']),
    );
    for (const command of commands) {
      expect(command.description(), command.name()).not.toBe('');
      expect(command.helpInformation()).toMatch(/^Usage: modelwatch/);
    }
  });

  it('prints usage for --help and exits 0, at the top and on a command', async () => {
    const [top, publish] = await Promise.all([cli('--help'), cli('publish', '--help')]);
    expect([top.code, publish.code]).toEqual([0, 0]);
    expect(top.stdout).toMatch(/^Usage: modelwatch \[options\] \[command\]/);
    expect(publish.stdout).toMatch(/^Usage: modelwatch publish \[options\] <file>/);
    expect(publish.stdout).toContain('--timestamp-format <format>');
  });

  it('exits 2 on usage errors: an unknown flag, a missing option, an unreadable file, no login', async () => {
    const runs = await Promise.all([
      cli('publish', 'x.csv', '-p', 'bank', '-m', 'churn', '--bogus'),
      cli('metrics', '-p', 'bank', '-m', 'churn'),
      cli('publish', join(dir, 'missing.csv'), '-p', 'bank', '-m', 'churn'),
      runCli(['projects', 'list'], { config: join(dir, 'nobody.json') }),
    ]);
    expect(runs.map((run) => run.code)).toEqual([2, 2, 2, 2]);
    expect(runs[0]?.stderr).toContain("unknown option '--bogus'");
    expect(runs[1]?.stderr).toContain("required option '--metric <id>' not specified");
    expect(runs[2]?.stderr).toMatch(/cannot read .*missing\.csv: ENOENT/);
    expect(runs[3]?.stderr).toContain('not logged in');
  });

  it('exits 1 with the service error in words when a request fails', async () => {
    const run = await cli('metrics', '-p', 'bank', '-m', 'nope', '--metric', 'traffic');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: .*nope.*\(HTTP 404 not_found\)/m);
  });
});
