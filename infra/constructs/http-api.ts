// The public HTTP API: API Gateway v2 sending every route to the API Lambda, throttled and access-logged.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi as ApiGatewayHttpApi,
  CorsHttpMethod,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';

export interface HttpApiProps {
  /** The Lambda that serves every route (payload format 2.0). */
  readonly handler: IFunction;
  /**
   * Name of the API in the console.
   * @default - `<stack name>-api`
   */
  readonly apiName?: string;
  /**
   * Browser origins allowed to call the API (the dashboard's URL).
   * @default - no CORS configuration: browsers on other origins are refused
   */
  readonly corsOrigins?: string[];
  /**
   * Steady-state requests per second allowed on the stage.
   * @default 500
   */
  readonly throttlingRateLimit?: number;
  /**
   * Requests allowed in a burst above the steady rate.
   * @default 1000
   */
  readonly throttlingBurstLimit?: number;
  /**
   * How long access logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: RetentionDays;
  /**
   * What happens to the access log group when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/** An HTTP API whose `$default` route proxies to one Lambda, with a throttled, access-logged `$default` stage. */
export class HttpApi extends Construct {
  /** The API Gateway HTTP API. */
  public readonly api: ApiGatewayHttpApi;
  /** The `$default` stage, auto-deployed. */
  public readonly stage: HttpStage;
  /** The stage's access logs, one JSON line per request. */
  public readonly accessLogs: LogGroup;
  /** The API's base URL, ending in `/`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.api = new ApiGatewayHttpApi(this, 'Api', {
      apiName: props.apiName ?? `${Stack.of(this).stackName}-api`,
      description: 'Modelwatch API',
      defaultIntegration: new HttpLambdaIntegration('Handler', props.handler),
      createDefaultStage: false,
      corsPreflight: props.corsOrigins
        ? {
            allowOrigins: props.corsOrigins,
            allowMethods: [CorsHttpMethod.ANY],
            allowHeaders: ['authorization', 'content-type'],
            maxAge: Duration.hours(1),
          }
        : undefined,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttlingRateLimit ?? 500,
        burstLimit: props.throttlingBurstLimit ?? 1000,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTimeEpoch',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.url = this.stage.url;
    acknowledge(
      this.api,
      'APIG4',
      'The API authenticates every /v1 route itself with bearer tokens (admin or project-scoped); /health and the API reference are public by design.',
    );
  }
}
