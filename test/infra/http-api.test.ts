// HttpApi: the API Gateway HTTP API in front of the API Lambda.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { HttpApi } from '../../infra/constructs/http-api.js';
import { testStack } from './support.js';

const stack = testStack();
const handler = new LambdaFunction(stack, 'Api', {
  runtime: Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: Code.fromInline('export const handler = async () => ({ statusCode: 200 });'),
});
const api = new HttpApi(stack, 'HttpApi', {
  handler,
  corsOrigins: ['https://dashboard.example.com'],
  throttlingRateLimit: 50,
  throttlingBurstLimit: 100,
});
const template = Template.fromStack(stack);
const functionId = stack.getLogicalId(handler.node.defaultChild as never);

describe('HttpApi', () => {
  it('sends every request to the Lambda through the $default route', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [functionId, 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
  });

  it('throttles the auto-deployed $default stage at the rates given', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('writes JSON access logs with the request id to its own log group', () => {
    const logGroupId = stack.getLogicalId(api.accessLogs.node.defaultChild as never);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
  });

  it('allows the dashboard origin to send the authorization header', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['https://dashboard.example.com'],
        AllowHeaders: Match.arrayWith(['authorization', 'content-type']),
      },
    });
  });

  it('exposes the stage URL as the API base URL', () => {
    expect(stack.resolve(api.url)).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: stack.getLogicalId(api.api.node.defaultChild as never) },
          '.execute-api.us-east-1.',
          { Ref: 'AWS::URLSuffix' },
          '/',
        ],
      ],
    });
  });
});
