// Runs the real app through the CDK CLI with bundling (esbuild), as `npm run synth` does, then loads each bundle.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, projectPath } from '../../infra/project-paths.js';

const run = promisify(execFile);

interface TemplateResource {
  Type: string;
  Properties: { Runtime?: string; Environment?: { Variables?: Record<string, unknown> } };
  Metadata?: { 'aws:asset:path'?: string };
}

const outdir = mkdtempSync(join(tmpdir(), 'modelwatch-cdk-out-'));
let functions: Array<{ logicalId: string; bundleDir: string; variables: string[] }> = [];

beforeAll(async () => {
  await run(
    projectPath('node_modules/.bin/cdk'),
    ['synth', '--no-notices', '-q', '-o', outdir, '-c', 'stage=prod'],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const template = JSON.parse(readFileSync(join(outdir, 'Modelwatch-prod.template.json'), 'utf8')) as {
    Resources: Record<string, TemplateResource>;
  };
  functions = Object.entries(template.Resources)
    .filter(
      ([, resource]) =>
        resource.Type === 'AWS::Lambda::Function' && resource.Properties.Runtime === 'nodejs22.x',
    )
    .map(([logicalId, resource]) => ({
      logicalId,
      bundleDir: join(outdir, resource.Metadata?.['aws:asset:path'] ?? 'missing-asset-path'),
      variables: Object.keys(resource.Properties.Environment?.Variables ?? {}),
    }));
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('cdk synth with bundling', () => {
  it('names the stack after the stage given in context', () => {
    expect(existsSync(join(outdir, 'Modelwatch-prod.template.json'))).toBe(true);
  });

  it('bundles the api, fold and monitor entries', () => {
    expect(functions.map((fn) => fn.logicalId.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'ApiFunction',
      'FoldFunction',
      'MonitorFunction',
    ]);
  });

  it('writes one ESM file with its source map per function', () => {
    for (const { bundleDir } of functions) {
      expect(statSync(join(bundleDir, 'index.mjs')).size).toBeGreaterThan(0);
      expect(existsSync(join(bundleDir, 'index.mjs.map'))).toBe(true);
    }
  });

  it('produces bundles that load with exactly the environment the stack sets and export a handler', async () => {
    // Each module builds its SDK clients at load time from its environment, so a name the stack forgot to set
    // fails here as it would at a cold start. Values are placeholders: nothing is called until an invocation.
    const probe = 'const m = await import(process.argv[1]); console.log(typeof m.handler);';
    for (const { logicalId, bundleDir, variables } of functions) {
      const env = {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        ...Object.fromEntries(variables.map((name) => [name, `placeholder-${name.toLowerCase()}`])),
      };
      const bundleUrl = pathToFileURL(join(bundleDir, 'index.mjs')).href;
      const loaded = await run(process.execPath, ['--input-type=module', '-e', probe, bundleUrl], {
        env,
      }).then(
        ({ stdout }) => stdout.trim(),
        (failure: { stderr?: string }) =>
          `failed to load: ${failure.stderr?.split('\n').find((line) => /^\w*Error\b/.test(line))}`,
      );
      expect(`${logicalId}: ${loaded}`).toBe(`${logicalId}: function`);
    }
  });
});
