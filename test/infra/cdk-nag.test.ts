// cdk-nag over the whole app, both stages, dashboard deployment included: any unacknowledged finding fails.
import { rmSync } from 'node:fs';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelwatchStack } from '../../infra/modelwatch-stack.js';
import { fakeDashboardBuild, testApp } from './support.js';

const dashboardBuild = fakeDashboardBuild();
const app = testApp();
const stacks = (['dev', 'prod'] as const).map(
  (stage) =>
    new ModelwatchStack(app, `Modelwatch-${stage}`, {
      stage,
      alertEmails: ['ops@example.com'],
      alertPhoneNumbers: ['+15551234567'],
      dashboardAssetsPath: dashboardBuild,
    }),
);
app.synth();

afterAll(() => rmSync(dashboardBuild, { recursive: true, force: true }));

describe('cdk-nag AwsSolutions checks', () => {
  // cdk-nag 3 is a policy validation plugin: it reports violations instead of annotating constructs, so the
  // test runs the same pack the app registers and reads its report.
  it('report no unacknowledged error or warning in either stage', () => {
    const report = new AwsSolutionsChecks().validateScope(app);

    const findings = report.violations.flatMap((violation) =>
      violation.violatingResources.map(
        (resource) =>
          `${violation.severity} ${violation.ruleName} at ${resource.constructPath}: ${violation.description}`,
      ),
    );

    expect(findings).toEqual([]);
  });

  it('leave CDK itself no warning or error to annotate', () => {
    for (const stack of stacks) {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findError('*', Match.anyValue())).toEqual([]);
      expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
    }
  });
});
