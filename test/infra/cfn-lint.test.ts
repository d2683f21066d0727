// cfn-lint over the synthesized templates of both stages; errors (E-codes) fail, warnings are reported only.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelwatchStack } from '../../infra/modelwatch-stack.js';
import { noteSkippedSuite } from '../support/skipped-suites.js';
import { fakeDashboardBuild, testApp } from './support.js';

const run = promisify(execFile);

interface CfnLintMatch {
  Rule: { Id: string };
  Message: string;
  Location: { Path?: Array<string | number> };
}

const cfnLintFound = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
if (!cfnLintFound) noteSkippedSuite('the cfn-lint test', 'no `cfn-lint` on PATH (pip install cfn-lint)');

const workdir = mkdtempSync(join(tmpdir(), 'modelwatch-cfn-lint-'));
const dashboardBuild = fakeDashboardBuild();
afterAll(() => {
  rmSync(workdir, { recursive: true, force: true });
  rmSync(dashboardBuild, { recursive: true, force: true });
});

describe.skipIf(!cfnLintFound)('cfn-lint', () => {
  it('finds no errors in the dev and prod templates', async () => {
    const app = testApp();
    const stacks = (['dev', 'prod'] as const).map(
      (stage) =>
        new ModelwatchStack(app, `Modelwatch-${stage}`, {
          stage,
          alertEmails: ['ops@example.com'],
          dashboardAssetsPath: dashboardBuild,
          env: { region: 'us-east-1' },
        }),
    );
    const templatePaths = stacks.map((stack) => {
      const path = join(workdir, `${stack.stackName}.template.json`);
      writeFileSync(path, JSON.stringify(Template.fromStack(stack).toJSON()));
      return path;
    });

    // cfn-lint's exit code is a bit set of what it found (2 errors, 4 warnings, 8 informational; 1 a crash),
    // so the JSON it prints decides, unless it crashed.
    const result = await run('cfn-lint', ['--format', 'json', '--', ...templatePaths], {
      maxBuffer: 16 * 1024 * 1024,
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (failure: { code?: number; stdout?: string; stderr?: string }) => ({
        code: failure.code ?? 1,
        stdout: failure.stdout ?? '',
        stderr: failure.stderr ?? '',
      }),
    );
    if (result.code === 1 || (result.code !== 0 && result.stdout.trim() === '')) {
      throw new Error(`cfn-lint did not run to completion (exit ${result.code}): ${result.stderr}`);
    }
    const matches = JSON.parse(result.stdout.trim() || '[]') as CfnLintMatch[];
    const warnings = matches.filter((match) => !match.Rule.Id.startsWith('E'));
    for (const warning of warnings) console.log(`cfn-lint ${warning.Rule.Id}: ${warning.Message}`);

    const errors = matches
      .filter((match) => match.Rule.Id.startsWith('E'))
      .map((match) => `${match.Rule.Id} at ${(match.Location.Path ?? []).join('/')}: ${match.Message}`);
    expect(errors).toEqual([]);
  }, 120_000);
});
