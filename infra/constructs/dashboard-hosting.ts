// Hosts the web dashboard: a private bucket behind CloudFront (origin access control), deployed from web/dist.
import { existsSync } from 'node:fs';
import { DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import {
  Distribution,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledge, arnReference } from '../nag.js';
import { projectPath } from '../project-paths.js';
import { AccessLogsBucket } from './access-logs-bucket.js';

export interface DashboardHostingProps {
  /**
   * Folder holding the built dashboard; it is deployed only when it exists at synth time.
   * @default - `web/dist` in the repository
   */
  readonly assetsPath?: string;
  /**
   * Where S3 server access logs and CloudFront standard logs go; it must have ACLs enabled for CloudFront.
   * @default - a new AccessLogsBucket
   */
  readonly accessLogsBucket?: IBucket;
  /**
   * What happens to the site bucket when the stack is deleted; DESTROY also empties it first.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Edge locations served from (cost versus latency far from North America and Europe).
   * @default PriceClass.PRICE_CLASS_100
   */
  readonly priceClass?: PriceClass;
}

/** A single-page app on CloudFront: every unknown path answers index.html so client-side routes work. */
export class DashboardHosting extends Construct {
  /** The private bucket holding the site's files. */
  public readonly bucket: Bucket;
  /** The CloudFront distribution serving the bucket. */
  public readonly distribution: Distribution;
  /** The deployment of the built files, when the build folder existed at synth time. */
  public readonly deployment?: BucketDeployment;
  /** The dashboard's public URL (`https://<id>.cloudfront.net`). */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: DashboardHostingProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logs = props.accessLogsBucket ?? new AccessLogsBucket(this, 'AccessLogs', { removalPolicy }).bucket;
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'dashboard/',
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });
    // A missing object answers 403 through origin access control; both fall back to the app's entry page.
    const spaFallback = [403, 404].map((httpStatus) => ({
      httpStatus,
      responseHttpStatus: 200,
      responsePagePath: '/index.html',
      ttl: Duration.seconds(0),
    }));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Modelwatch dashboard',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      defaultRootObject: 'index.html',
      errorResponses: spaFallback,
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
    acknowledge(
      this.distribution,
      'CFR1',
      'The dashboard is for the operator’s team wherever they are; the API behind it authenticates every data request.',
    );
    acknowledge(
      this.distribution,
      'CFR2',
      'The distribution serves static files only; a WAF web ACL (about $6 a month before requests) buys nothing for them.',
    );
    acknowledge(
      this.distribution,
      'CFR4',
      'The default *.cloudfront.net certificate allows no minimum TLS version setting; attach a custom domain and certificate to enforce TLSv1.2_2021.',
    );

    const assetsPath = props.assetsPath ?? projectPath('web/dist');
    if (existsSync(assetsPath)) {
      this.deployment = new BucketDeployment(this, 'Deployment', {
        sources: [Source.asset(assetsPath)],
        destinationBucket: this.bucket,
        distribution: this.distribution,
        distributionPaths: ['/*'],
      });
      acknowledgeDeploymentHandler(this, arnReference(this.bucket));
    }
  }
}

/**
 * BucketDeployment runs a handler that aws-cdk-lib defines once per stack (runtime, role and grants included);
 * its findings are acknowledged there, each naming what the handler needs the permission for.
 */
function acknowledgeDeploymentHandler(scope: Construct, siteBucketArn: string): void {
  const stack = Stack.of(scope);
  const handler = stack.node.children.find((child) =>
    child.node.id.startsWith('Custom::CDKBucketDeployment'),
  );
  if (!handler) throw new Error('the BucketDeployment handler was not found in the stack');
  const synthesizer = stack.synthesizer;
  const qualifier =
    (synthesizer instanceof DefaultStackSynthesizer ? synthesizer.bootstrapQualifier : undefined) ??
    DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  // cdk-nag names a concrete region and partition when the stack has one (a CLI synth sets the default region).
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
  const assetsBucketObjects = `arn:${partition}:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-${region}/*`;
  const copying = 'The deployment handler copies the build from the CDK assets bucket and prunes stale files';
  acknowledge(
    handler,
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'The aws-cdk-lib deployment handler logs through the basic execution policy; it runs only during deployments.',
  );
  for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']) {
    acknowledge(handler, `IAM5[Action::${action}]`, `${copying}; the grant is limited to those two buckets.`);
  }
  acknowledge(handler, `IAM5[Resource::${assetsBucketObjects}]`, `${copying}: it reads the uploaded build.`);
  acknowledge(handler, `IAM5[Resource::${siteBucketArn}/*]`, `${copying}: it writes every file of the site.`);
  acknowledge(
    handler,
    'IAM5[Resource::*]',
    'The deployment handler invalidates the CloudFront cache after a deployment; aws-cdk-lib grants invalidation on all distributions.',
  );
  acknowledge(
    handler,
    'L1',
    'The deployment handler’s Python runtime is chosen by aws-cdk-lib, not by this project.',
  );
}
