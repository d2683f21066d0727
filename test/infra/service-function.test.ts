// ServiceFunction: Lambda defaults, and bind methods that grant exactly what they name and set its env var.
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { LAMBDA_ENV } from '../../compose/environment.js';
import { BUNDLING, ServiceFunction } from '../../infra/constructs/service-function.js';
import { testStack } from './support.js';

const stack = testStack();
const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
table.addGlobalSecondaryIndex({
  indexName: 'by_hour',
  partitionKey: { name: 'hour_shard', type: AttributeType.STRING },
});
const bucket = new Bucket(stack, 'Bucket');
const topic = new Topic(stack, 'Topic', { masterKey: new Key(stack, 'TopicKey') });
const secret = new Secret(stack, 'Secret');

const writer = new ServiceFunction(stack, 'Writer', {
  entry: 'lambdas/api.ts',
  serviceName: 'writer',
  memorySize: 768,
  timeout: Duration.seconds(20),
  logRetention: RetentionDays.ONE_WEEK,
})
  .useRegistryTable(table, 'readwrite')
  .useBaselineBucket(bucket, 'readwrite')
  .useAdminSecret(secret)
  .useAlertsTopic(topic)
  .useDashboardUrl('https://dashboard.example.com');
const reader = new ServiceFunction(stack, 'Reader', { entry: 'lambdas/api.ts' })
  .useEventsTable(table, 'read', ['by_hour'])
  .useBaselineBucket(bucket, 'read');
const template = Template.fromStack(stack);

const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);
const writerFunctionId = logicalId(writer.function);
const readerFunctionId = logicalId(reader.function);

function policyStatementsOf(roleLogicalId: string): Array<{ Action: string | string[]; Resource: unknown }> {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleLogicalId }] },
  });
  return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}
const actionsOf = (roleLogicalId: string) =>
  policyStatementsOf(roleLogicalId).flatMap((statement) => [statement.Action].flat());

describe('ServiceFunction', () => {
  it('runs on Node.js 22 on arm64 with X-Ray tracing active', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      MemorySize: 768,
      Timeout: 20,
    });
  });

  it('bundles each entry as minified ESM with a createRequire banner and source maps', () => {
    expect(BUNDLING).toMatchObject({ format: 'esm', minify: true, sourceMap: true });
    expect(BUNDLING.banner).toContain('createRequire(import.meta.url)');
  });

  it('sets the Powertools service name and turns on source-mapped stack traces', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'writer',
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
    });
  });

  it('logs to its own log group with the retention asked for', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: logicalId(writer.logGroup) } },
    });
  });

  it('gives its role no managed policy, only its own log group to write to', () => {
    const roles = template.findResources('AWS::IAM::Role');
    for (const role of Object.values(roles)) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(policyStatementsOf(logicalId(writer.role))).toContainEqual({
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [logicalId(writer.logGroup), 'Arn'] },
    });
  });

  it('names each bound resource in the environment variable the runtime reads', () => {
    const variables = template.findResources('AWS::Lambda::Function')[writerFunctionId]?.Properties
      .Environment.Variables as Record<string, unknown>;
    expect(variables[LAMBDA_ENV.registryTable]).toEqual({ Ref: logicalId(table) });
    expect(variables[LAMBDA_ENV.baselineBucket]).toEqual({ Ref: logicalId(bucket) });
    expect(variables[LAMBDA_ENV.adminSecretArn]).toEqual({ Ref: logicalId(secret) });
    expect(variables[LAMBDA_ENV.alertsTopicArn]).toEqual({ Ref: logicalId(topic) });
    expect(variables[LAMBDA_ENV.dashboardUrl]).toBe('https://dashboard.example.com');
  });

  it('grants item writes on a table bound for readwrite', () => {
    expect(actionsOf(logicalId(writer.role))).toEqual(
      expect.arrayContaining([
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
      ]),
    );
  });

  it('grants no writes on a table or bucket bound for read', () => {
    const actions = actionsOf(logicalId(reader.role));
    expect(actions).toContain('dynamodb:Query');
    const dataWrites = actions.filter((action) =>
      /^(dynamodb|s3):(Put|Update|Delete|BatchWrite)/.test(action),
    );
    expect(dataWrites).toEqual([]);
  });

  it('grants Query on each named index rather than on every index', () => {
    const resources = JSON.stringify(policyStatementsOf(logicalId(reader.role)).map((s) => s.Resource));
    expect(resources).toContain('/index/by_hour');
    expect(resources).not.toContain('/index/*');
    const variables = template.findResources('AWS::Lambda::Function')[readerFunctionId]?.Properties
      .Environment.Variables as Record<string, unknown>;
    expect(variables[LAMBDA_ENV.eventsTable]).toEqual({ Ref: logicalId(table) });
  });

  it('lets a readwrite bucket binding put objects, which presigned upload URLs rely on', () => {
    expect(policyStatementsOf(logicalId(writer.role))).toContainEqual(
      expect.objectContaining({
        Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(bucket), 'Arn'] }, '/*']] },
      }),
    );
  });

  it('lets an alerts binding publish and use the topic key without wildcard actions', () => {
    const statements = policyStatementsOf(logicalId(writer.role));
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'sns:Publish' }));
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }),
    );
  });
});
