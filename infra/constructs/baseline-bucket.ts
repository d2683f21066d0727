// The bucket holding baseline datasets (raw, profile, sorted values) and presigned uploads under `uploads/`.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AccessLogsBucket } from './access-logs-bucket.js';

export interface BaselineBucketProps {
  /**
   * Where S3 server access logs go.
   * @default - a new AccessLogsBucket
   */
  readonly accessLogsBucket?: IBucket;
  /**
   * How long an object under `uploads/` lives: a presigned upload is completed within the hour its URL is valid.
   * @default Duration.days(3)
   */
  readonly uploadExpiration?: Duration;
  /**
   * Origins allowed to PUT to presigned upload URLs from a browser.
   * @default ['*'] (a presigned URL is its own authorization)
   */
  readonly uploadOrigins?: string[];
  /**
   * What happens to the bucket when the stack is deleted; DESTROY also empties it first.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Private, SSL-only, encrypted, with server access logs, CORS for browser uploads and expiring uploads. */
export class BaselineBucket extends Construct {
  /** The baseline bucket. */
  public readonly bucket: Bucket;
  /** The bucket its server access logs go to. */
  public readonly accessLogsBucket: IBucket;

  constructor(scope: Construct, id: string, props: BaselineBucketProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.accessLogsBucket =
      props.accessLogsBucket ?? new AccessLogsBucket(this, 'AccessLogs', { removalPolicy }).bucket;
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'baselines/',
      cors: [
        {
          allowedMethods: [HttpMethods.PUT],
          allowedOrigins: props.uploadOrigins ?? ['*'],
          allowedHeaders: ['*'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        { prefix: 'uploads/', expiration: props.uploadExpiration ?? Duration.days(3) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });
  }
}
