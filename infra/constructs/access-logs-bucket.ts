// The bucket that receives S3 server access logs and CloudFront standard logs for the other buckets.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';

export interface AccessLogsBucketProps {
  /**
   * How long access logs are kept.
   * @default Duration.days(90)
   */
  readonly expiration?: Duration;
  /**
   * What happens to the bucket when the stack is deleted; DESTROY also empties it first.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Private, SSL-only, S3-managed encryption (the only kind CloudFront log delivery supports), expiring old logs. */
export class AccessLogsBucket extends Construct {
  /** The log bucket. */
  public readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: AccessLogsBucketProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs, so they must stay enabled on this bucket.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: props.expiration ?? Duration.days(90) }],
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });
    acknowledge(
      this.bucket,
      'S1',
      'This is the access log bucket itself; logging its own access would write a log for every log delivery.',
    );
  }
}
