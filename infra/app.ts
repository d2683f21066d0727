// The CDK app: one Modelwatch stack per stage, configured from context and checked by cdk-nag on every synth.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from './config.js';
import { ModelwatchStack } from './modelwatch-stack.js';

const app = new App();
const config = readConfig((key) => app.node.tryGetContext(key));

new ModelwatchStack(app, `Modelwatch-${config.stage}`, {
  stage: config.stage,
  alertEmails: config.alertEmails,
  alertPhoneNumbers: config.alertPhoneNumbers,
  logRetention: config.logRetention,
  scheduleRate: config.scheduleRate,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `Modelwatch ML model monitoring (${config.stage})`,
  tags: { project: 'modelwatch', stage: config.stage },
});

// Any unacknowledged AwsSolutions finding fails the synth; acknowledgments sit next to the resources they excuse.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
