// AccessLogsBucket: where S3 server access logs and CloudFront logs land.
import { Template } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
import { AccessLogsBucket } from '../../infra/constructs/access-logs-bucket.js';
import { testStack } from './support.js';

const stack = testStack();
new AccessLogsBucket(stack, 'Logs');
const template = Template.fromStack(stack);

describe('AccessLogsBucket', () => {
  it('keeps ACLs enabled, which CloudFront standard logging needs', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
    });
  });

  it('is private and encrypted with S3-managed keys', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
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

  it('expires logs after 90 days by default', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }] },
    });
  });

  it('is retained with the stack by default', () => {
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });
});
