// One Modelwatch Lambda with the project's defaults, and bind methods that grant access and set the env var together.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { LAMBDA_ENV } from '../../compose/environment.js';
import { acknowledge, arnReference } from '../nag.js';
import { PROJECT_ROOT, projectPath } from '../project-paths.js';

/** What a function may do with a table or bucket. */
/** The CloudWatch namespace of the functions' own metrics (Powertools EMF); alarms read it too. */
export const METRICS_NAMESPACE = 'Modelwatch';

export type DataAccess = 'read' | 'readwrite';

/**
 * esbuild settings shared by every Modelwatch Lambda: one minified ESM file per entry. The banner gives
 * CommonJS dependencies bundled into ESM the `require` they expect. The AWS SDK is bundled rather than
 * taken from the runtime so the deployed code runs the SDK versions the tests ran.
 */
export const BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  bundleAwsSDK: true,
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
};

export interface ServiceFunctionProps {
  /** Handler module, relative to the repository root (for example `lambdas/api.ts`); it exports `handler`. */
  readonly entry: string;
  /**
   * Service name for Powertools logs, metrics and traces (POWERTOOLS_SERVICE_NAME).
   * @default 'modelwatch'
   */
  readonly serviceName?: string;
  /**
   * What the function does, shown in the Lambda console.
   * @default - no description
   */
  readonly description?: string;
  /**
   * Memory in MB; CPU share grows with it.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Longest time one invocation may run.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Invocations allowed to run at once; undefined shares the account's unreserved concurrency.
   * @default - no reserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Extra environment variables; resource names are set by the `use…` methods instead.
   * @default - none
   */
  readonly environment?: Record<string, string>;
}

/**
 * A NodejsFunction on Node.js 22 / arm64 with its own log group, X-Ray tracing and a role that holds only what
 * the `use…` methods grant.
 */
export class ServiceFunction extends Construct {
  /** The Lambda function. */
  public readonly function: NodejsFunction;
  /** The function's execution role; it starts with permission to write its own logs and nothing else. */
  public readonly role: Role;
  /** Where the function logs, with the configured retention. */
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    // An explicit role instead of the AWSLambdaBasicExecutionRole managed policy, which may write to any log group.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: projectPath(props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: projectPath('package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      description: props.description,
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      bundling: BUNDLING,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? 'modelwatch',
        // One namespace for every function's metrics; the service name tells them apart.
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
    acknowledge(
      this.role,
      'IAM5[Resource::*]',
      'Only actions without resource-level permissions are granted on *: X-Ray PutTraceSegments and PutTelemetryRecords, and DynamoDB ListStreams for a stream consumer.',
    );
    acknowledge(
      this.function,
      'L1',
      'Pinned to Node.js 22, the LTS line the code is built and tested for; moving to 24 is a deliberate upgrade.',
    );
  }

  /** Grants access to the registry table and names it in MODELWATCH_REGISTRY_TABLE. */
  public useRegistryTable(table: ITable, access: DataAccess): this {
    return this.useTable(LAMBDA_ENV.registryTable, table, access, []);
  }

  /** Grants access to the events table (and Query on the named indexes) and names it in MODELWATCH_EVENTS_TABLE. */
  public useEventsTable(table: ITable, access: DataAccess, indexNames: readonly string[] = []): this {
    return this.useTable(LAMBDA_ENV.eventsTable, table, access, indexNames);
  }

  /** Grants access to the profiles table and names it in MODELWATCH_PROFILES_TABLE. */
  public useProfilesTable(table: ITable, access: DataAccess): this {
    return this.useTable(LAMBDA_ENV.profilesTable, table, access, []);
  }

  /**
   * Grants object access in the baseline bucket and names it in MODELWATCH_BASELINE_BUCKET. `readwrite` also
   * covers multipart uploads, signing presigned PUT URLs (a presigned URL carries the signer's permissions), and
   * deleting the files of an upload that lost a race for its dataset id.
   */
  public useBaselineBucket(bucket: IBucket, access: DataAccess): this {
    const actions = ['s3:GetObject'];
    if (access === 'readwrite') actions.push('s3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject');
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [bucket.arnForObjects('*')] }));
    // ListBucket lets a missing key answer 404 (NoSuchKey) rather than 403.
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
    if (bucket.encryptionKey) {
      if (access === 'readwrite') bucket.encryptionKey.grantEncryptDecrypt(this.role);
      else bucket.encryptionKey.grantDecrypt(this.role);
    }
    acknowledge(
      this.role,
      `IAM5[Resource::${arnReference(bucket)}/*]`,
      'Baseline keys are created at run time per project and dataset; access is limited to this one bucket.',
    );
    this.function.addEnvironment(LAMBDA_ENV.baselineBucket, bucket.bucketName);
    return this;
  }

  /** Grants reading the admin token secret and names it in MODELWATCH_ADMIN_SECRET_ARN. */
  public useAdminSecret(secret: ISecret): this {
    secret.grantRead(this.role);
    this.function.addEnvironment(LAMBDA_ENV.adminSecretArn, secret.secretArn);
    return this;
  }

  /**
   * Grants publishing to the alerts topic (and using its key) and names it in MODELWATCH_ALERTS_TOPIC_ARN. With
   * `manageSubscriptions`, also subscribing a rule's recipients and reading their confirmation state, on this topic
   * only (the API does it when a rule is saved).
   */
  public useAlertsTopic(topic: ITopic, options: { manageSubscriptions?: boolean } = {}): this {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }),
    );
    if (options.manageSubscriptions) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['sns:Subscribe', 'sns:ListSubscriptionsByTopic'],
          resources: [topic.topicArn],
        }),
      );
    }
    if (topic.masterKey) {
      // Named actions rather than the grant's GenerateDataKey* wildcard: SNS needs exactly these two.
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [topic.masterKey.keyArn],
        }),
      );
    }
    this.function.addEnvironment(LAMBDA_ENV.alertsTopicArn, topic.topicArn);
    return this;
  }

  /** Names the dashboard's public URL in MODELWATCH_DASHBOARD_URL (links in alert messages). */
  public useDashboardUrl(url: string): this {
    this.function.addEnvironment(LAMBDA_ENV.dashboardUrl, url);
    return this;
  }

  private useTable(envName: string, table: ITable, access: DataAccess, indexNames: readonly string[]): this {
    const actions = [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:ConditionCheckItem',
    ];
    if (access === 'readwrite') {
      actions.push(
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      );
    }
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [table.tableArn] }));
    if (indexNames.length > 0) {
      // Each index by name rather than the grant methods' `index/*`.
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: indexNames.map((name) => `${table.tableArn}/index/${name}`),
        }),
      );
    }
    if (table.encryptionKey) {
      if (access === 'readwrite') table.encryptionKey.grantEncryptDecrypt(this.role);
      else table.encryptionKey.grantDecrypt(this.role);
    }
    this.function.addEnvironment(envName, table.tableName);
    return this;
  }
}
