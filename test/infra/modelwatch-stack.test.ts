// ModelwatchStack: how the constructs are wired together, and what each stage keeps on deletion.
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { LAMBDA_ENV } from '../../compose/environment.js';
import { ModelwatchStack } from '../../infra/modelwatch-stack.js';
import { testApp } from './support.js';

const app = testApp();
const dev = new ModelwatchStack(app, 'Modelwatch-dev', {
  stage: 'dev',
  scheduleRate: Duration.minutes(2),
  dashboardAssetsPath: '/nonexistent/web/dist',
});
const prod = new ModelwatchStack(app, 'Modelwatch-prod', {
  stage: 'prod',
  dashboardAssetsPath: '/nonexistent/web/dist',
});
const devTemplate = Template.fromStack(dev);
const prodTemplate = Template.fromStack(prod);

function environmentOf(template: Template, idPrefix: string): string[] {
  const functions = template.findResources('AWS::Lambda::Function');
  const [, fn] = Object.entries(functions).find(([id]) => id.startsWith(idPrefix)) ?? [];
  return Object.keys(fn?.Properties.Environment.Variables ?? {}).sort();
}

describe('ModelwatchStack', () => {
  it('outputs the API URL, dashboard URL, admin secret ARN, and the alerts and alarms topic ARNs', () => {
    expect(Object.keys(devTemplate.toJSON().Outputs).sort()).toEqual([
      'AdminSecretArn',
      'AlarmsTopicArn',
      'AlertsTopicArn',
      'ApiUrl',
      'DashboardUrl',
    ]);
  });

  it('gives the API the registry, events and profiles tables, baselines, admin secret and dashboard URL', () => {
    expect(environmentOf(devTemplate, 'ApiFunction')).toEqual(
      expect.arrayContaining([
        LAMBDA_ENV.registryTable,
        LAMBDA_ENV.eventsTable,
        LAMBDA_ENV.profilesTable,
        LAMBDA_ENV.baselineBucket,
        LAMBDA_ENV.adminSecretArn,
        LAMBDA_ENV.dashboardUrl,
      ]),
    );
  });

  it('gives the fold the profiles and registry tables and the baselines, but not the alerts topic', () => {
    const environment = environmentOf(devTemplate, 'FoldFunction');
    expect(environment).toEqual(
      expect.arrayContaining([LAMBDA_ENV.profilesTable, LAMBDA_ENV.registryTable, LAMBDA_ENV.baselineBucket]),
    );
    expect(environment).not.toContain(LAMBDA_ENV.alertsTopicArn);
  });

  it('gives the monitor everything it reads and the alerts topic it publishes to', () => {
    expect(environmentOf(devTemplate, 'MonitorFunction')).toEqual(
      expect.arrayContaining([
        LAMBDA_ENV.profilesTable,
        LAMBDA_ENV.registryTable,
        LAMBDA_ENV.eventsTable,
        LAMBDA_ENV.baselineBucket,
        LAMBDA_ENV.alertsTopicArn,
        LAMBDA_ENV.dashboardUrl,
      ]),
    );
  });

  it('runs the monitor at the rate given', () => {
    devTemplate.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(2 minutes)' });
  });

  it('feeds the events stream to the fold', () => {
    devTemplate.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
  });

  it('deletes tables, buckets and the key with a dev stack', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::KMS::Key']) {
      const policies = Object.values(devTemplate.findResources(type)).map(
        (resource) => resource.DeletionPolicy,
      );
      expect(new Set(policies), type).toEqual(new Set(['Delete']));
    }
  });

  it('retains tables, buckets, the key and logs when a prod stack is deleted', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup']) {
      const policies = Object.values(prodTemplate.findResources(type)).map(
        (resource) => resource.DeletionPolicy,
      );
      expect(new Set(policies), type).toEqual(new Set(['Retain']));
    }
    prodTemplate.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  it('sends operational alarms to a topic of their own, not to the model alerts topic', () => {
    const alarms = Object.values(devTemplate.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(JSON.stringify(alarm.Properties.AlarmActions)).toMatch(/AlarmsTopic/);
    }
  });
});
