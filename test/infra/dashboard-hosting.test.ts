// DashboardHosting: the dashboard on a private bucket behind CloudFront.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { DashboardHosting } from '../../infra/constructs/dashboard-hosting.js';
import { fakeDashboardBuild, testStack } from './support.js';

const build = fakeDashboardBuild();
afterAll(() => rmSync(build, { recursive: true, force: true }));

const stack = testStack('Built');
const hosting = new DashboardHosting(stack, 'Dashboard', { assetsPath: build });
const template = Template.fromStack(stack);
const unbuiltStack = testStack('Unbuilt');
const unbuilt = new DashboardHosting(unbuiltStack, 'Dashboard', { assetsPath: join(build, 'missing') });
const unbuiltTemplate = Template.fromStack(unbuiltStack);
const bucketId = stack.getLogicalId(hosting.bucket.node.defaultChild as never);

describe('DashboardHosting', () => {
  it('keeps the site bucket private and encrypted', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { LogFilePrefix: 'dashboard/' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  it('reads the bucket through an origin access control', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } }),
        ]),
      },
    });
  });

  it('serves index.html at the root and for unknown paths, so client-side routes load', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        DefaultRootObject: 'index.html',
        CustomErrorResponses: [
          { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
          { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
        ],
      },
    });
  });

  it('redirects HTTP to HTTPS and logs requests', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      },
    });
  });

  it('deploys the build folder and invalidates the cache when the folder exists', () => {
    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
    template.hasResourceProperties('Custom::CDKBucketDeployment', { DistributionPaths: ['/*'] });
    expect(hosting.deployment).toBeDefined();
  });

  it('deploys nothing when the build folder does not exist', () => {
    unbuiltTemplate.resourceCountIs('Custom::CDKBucketDeployment', 0);
    expect(unbuilt.deployment).toBeUndefined();
  });
});
