// Shared set-up for the infrastructure tests: apps with the same feature flags as cdk.json, bundling skipped.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { projectPath } from '../../infra/project-paths.js';

/** The feature flags and other context that `cdk synth` reads from cdk.json. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(projectPath('cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/**
 * An app configured as cdk.json configures the real one. Unless `bundle` is set, no stack is bundled
 * (`aws:cdk:bundling-stacks` empty), so NodejsFunction stages a placeholder instead of running esbuild.
 * CDK's built-in template validation is off: starting its engine costs seconds in every test file, and the
 * real app's synth (bundling.test.ts) runs it, next to cfn-lint and cdk-nag.
 */
export function testApp(options: { bundle?: boolean; context?: Record<string, unknown> } = {}): App {
  return new App({
    builtinCloudFormationValidation: false,
    context: {
      ...cdkJsonContext(),
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
}

/** A stack in a fresh test app, in a fixed environment so ARNs and URLs render predictably. */
export function testStack(id = 'Test'): Stack {
  return new Stack(testApp(), id, { env: { account: '123456789012', region: 'us-east-1' } });
}

/** A throwaway folder standing in for the built dashboard (`web/dist`). */
export function fakeDashboardBuild(): string {
  const folder = mkdtempSync(join(tmpdir(), 'modelwatch-web-'));
  writeFileSync(join(folder, 'index.html'), '<!doctype html><title>Modelwatch</title>');
  return folder;
}
