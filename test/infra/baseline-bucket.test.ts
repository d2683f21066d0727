// BaselineBucket: private baseline storage with browser uploads through presigned URLs.
import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
import { BaselineBucket } from '../../infra/constructs/baseline-bucket.js';
import { testStack } from './support.js';

const stack = testStack();
const baselines = new BaselineBucket(stack, 'Baselines', { removalPolicy: RemovalPolicy.DESTROY });
const template = Template.fromStack(stack);
const bucketId = stack.getLogicalId(baselines.bucket.node.defaultChild as never);
const logsId = stack.getLogicalId(baselines.accessLogsBucket.node.defaultChild as never);

describe('BaselineBucket', () => {
  it('blocks all public access and encrypts objects', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: Match.anyValue(),
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

  it('refuses requests that do not use TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('writes server access logs to its own log bucket', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: 'baselines/' },
    });
  });

  it('expires objects under uploads/ after three days', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([{ Prefix: 'uploads/', ExpirationInDays: 3, Status: 'Enabled' }]),
      },
    });
  });

  it('lets browsers PUT to presigned upload URLs from any origin', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [{ AllowedMethods: ['PUT'], AllowedOrigins: ['*'], AllowedHeaders: ['*'], MaxAge: 3000 }],
      },
    });
  });

  it('is emptied and deleted with a dev stack', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Delete',
      Properties: { CorsConfiguration: Match.anyValue() },
    });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
  });
});
