// The Modelwatch stack: storage, the three Lambdas and their triggers, alerts, dashboard hosting and operations.
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { EVENTS_TABLE } from '../shared/storage/dynamo/table-designs.js';
import type { StageName } from './config.js';
import { AccessLogsBucket } from './constructs/access-logs-bucket.js';
import { AdminToken } from './constructs/admin-token.js';
import { AlertsTopic } from './constructs/alerts-topic.js';
import { BaselineBucket } from './constructs/baseline-bucket.js';
import { DashboardHosting } from './constructs/dashboard-hosting.js';
import { HttpApi } from './constructs/http-api.js';
import { MonitorSchedule } from './constructs/monitor-schedule.js';
import { Operations } from './constructs/operations.js';
import { METRICS_NAMESPACE, ServiceFunction } from './constructs/service-function.js';
import { StreamProcessor } from './constructs/stream-processor.js';
import { Tables } from './constructs/tables.js';

/** Each function's service name: a dimension of its logs, traces and metrics, which the alarms select on. */
const API_SERVICE = 'modelwatch-api';
const FOLD_SERVICE = 'modelwatch-fold';
const MONITOR_SERVICE = 'modelwatch-monitor';

export interface ModelwatchStackProps extends StackProps {
  /** `prod` retains data (tables, buckets, key) when the stack is deleted; `dev` removes everything. */
  readonly stage: StageName;
  /**
   * Email addresses subscribed to operational alarms, and to the model alerts whose rules name them.
   * @default - none
   */
  readonly alertEmails?: readonly string[];
  /**
   * E.164 phone numbers subscribed by SMS, as `alertEmails` are.
   * @default - none
   */
  readonly alertPhoneNumbers?: readonly string[];
  /**
   * Retention of Lambda logs and API access logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Period of the monitor run.
   * @default Duration.minutes(5)
   */
  readonly scheduleRate?: Duration;
  /**
   * Folder of the built dashboard, deployed when it exists.
   * @default - `web/dist` in the repository
   */
  readonly dashboardAssetsPath?: string;
}

export class ModelwatchStack extends Stack {
  public readonly tables: Tables;
  public readonly api: HttpApi;
  public readonly dashboard: DashboardHosting;
  public readonly alerts: AlertsTopic;
  public readonly adminToken: AdminToken;

  constructor(scope: Construct, id: string, props: ModelwatchStackProps) {
    super(scope, id, props);
    const isProd = props.stage === 'prod';
    const removalPolicy = isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const logRemovalPolicy = removalPolicy;

    this.tables = new Tables(this, 'Tables', { removalPolicy });
    const accessLogs = new AccessLogsBucket(this, 'AccessLogs', { removalPolicy });
    const baselines = new BaselineBucket(this, 'Baselines', {
      accessLogsBucket: accessLogs.bucket,
      removalPolicy,
    });
    this.adminToken = new AdminToken(this, 'AdminToken', { removalPolicy });
    this.alerts = new AlertsTopic(this, 'Alerts', {
      emails: props.alertEmails,
      phoneNumbers: props.alertPhoneNumbers,
      keyRemovalPolicy: removalPolicy,
    });
    this.dashboard = new DashboardHosting(this, 'Dashboard', {
      assetsPath: props.dashboardAssetsPath,
      accessLogsBucket: accessLogs.bucket,
      removalPolicy,
    });

    const eventIndexes = EVENTS_TABLE.globalIndexes.map((index) => index.indexName);
    const functionDefaults = { logRetention, logRemovalPolicy };

    const apiFunction = new ServiceFunction(this, 'ApiFunction', {
      ...functionDefaults,
      entry: 'lambdas/api.ts',
      serviceName: API_SERVICE,
      description: 'Modelwatch HTTP API',
      memorySize: 1024,
      timeout: Duration.seconds(29),
    })
      .useRegistryTable(this.tables.registry, 'readwrite')
      .useEventsTable(this.tables.events, 'readwrite', eventIndexes)
      // Metrics, alert records and the on-demand monitor run (`POST /v1/monitor/run`) live in the profiles table.
      .useProfilesTable(this.tables.profiles, 'readwrite')
      .useBaselineBucket(baselines.bucket, 'readwrite')
      .useAdminSecret(this.adminToken.secret)
      // POST /v1/monitor/run evaluates alert rules and sends their notifications, as the schedule does; saving a
      // rule subscribes its email addresses and phone numbers.
      .useAlertsTopic(this.alerts.topic, { manageSubscriptions: true })
      .useDashboardUrl(this.dashboard.url);
    this.api = new HttpApi(this, 'HttpApi', {
      handler: apiFunction.function,
      corsOrigins: [this.dashboard.url],
      accessLogRetention: logRetention,
      logRemovalPolicy,
    });

    const foldFunction = new ServiceFunction(this, 'FoldFunction', {
      ...functionDefaults,
      entry: 'lambdas/fold.ts',
      serviceName: FOLD_SERVICE,
      description: 'Folds events-table stream records into metric profiles',
      memorySize: 1024,
      timeout: Duration.minutes(2),
    })
      .useProfilesTable(this.tables.profiles, 'readwrite')
      .useRegistryTable(this.tables.registry, 'read')
      .useBaselineBucket(baselines.bucket, 'read')
      // The fold's compaction may plan a rebuild, which names the events table; it reads no events itself.
      .useEventsTable(this.tables.events, 'read', eventIndexes);
    const stream = new StreamProcessor(this, 'StreamProcessor', {
      table: this.tables.events,
      handler: foldFunction.function,
    });

    const monitorFunction = new ServiceFunction(this, 'MonitorFunction', {
      ...functionDefaults,
      entry: 'lambdas/monitor.ts',
      serviceName: MONITOR_SERVICE,
      description: 'Folds pending deltas, finishes rebuilds and evaluates alert rules on a schedule',
      memorySize: 1024,
      timeout: Duration.minutes(5),
    })
      .useProfilesTable(this.tables.profiles, 'readwrite')
      .useRegistryTable(this.tables.registry, 'read')
      .useEventsTable(this.tables.events, 'read', eventIndexes)
      .useBaselineBucket(baselines.bucket, 'read')
      .useAlertsTopic(this.alerts.topic)
      .useDashboardUrl(this.dashboard.url);
    new MonitorSchedule(this, 'MonitorSchedule', {
      handler: monitorFunction.function,
      rate: props.scheduleRate,
    });

    new Operations(this, 'Operations', {
      functions: {
        Api: apiFunction.function,
        Fold: foldFunction.function,
        Monitor: monitorFunction.function,
      },
      streamConsumer: foldFunction.function,
      deadLetterQueue: stream.deadLetterQueue,
      httpApi: this.api.api,
      alarmTopic: this.alerts.alarmsTopic,
      serviceMetrics: {
        namespace: METRICS_NAMESPACE,
        apiService: API_SERVICE,
        foldService: FOLD_SERVICE,
        monitorService: MONITOR_SERVICE,
      },
      dashboardName: `${this.stackName}-operations`,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the Modelwatch API' });
    new CfnOutput(this, 'DashboardUrl', { value: this.dashboard.url, description: 'The web dashboard' });
    new CfnOutput(this, 'AdminSecretArn', {
      value: this.adminToken.secret.secretArn,
      description: 'Secrets Manager secret holding the admin token',
    });
    new CfnOutput(this, 'AlertsTopicArn', {
      value: this.alerts.topic.topicArn,
      description: 'SNS topic of model alerts (subscriptions filter on the recipients attribute)',
    });
    new CfnOutput(this, 'AlarmsTopicArn', {
      value: this.alerts.alarmsTopic.topicArn,
      description: 'SNS topic of operational alarms',
    });
  }
}
