// The three DynamoDB tables, built from the designs in shared/storage/dynamo/table-designs.ts that the local
// runner uses too.
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  EVENTS_TABLE,
  PROFILES_TABLE,
  REGISTRY_TABLE,
  type TableDesign,
} from '../../shared/storage/dynamo/table-designs.js';

export interface TablesProps {
  /**
   * What happens to the tables (and their data) when the stack is deleted: RETAIN for prod, DESTROY for dev.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * A customer managed key to encrypt the tables with.
   * @default - the AWS managed key for DynamoDB (aws/dynamodb)
   */
  readonly encryptionKey?: IKey;
  /**
   * Whether CloudFormation refuses to delete the tables until this is turned off.
   * @default - true when removalPolicy is RETAIN
   */
  readonly deletionProtection?: boolean;
}

/**
 * Registry, events and profiles tables: on-demand, point-in-time recovery, encrypted; the events table expires
 * items on its TTL attribute and streams new and old images to the fold.
 */
export class Tables extends Construct {
  /** Projects, datasets, models, monitoring configs, tokens and uploads. */
  public readonly registry: Table;
  /** One item per event; its stream feeds the fold. */
  public readonly events: Table;
  /** Metric profiles per model and hour, fold checkpoints and alert state. */
  public readonly profiles: Table;

  constructor(scope: Construct, id: string, props: TablesProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const settings: TableSettings = {
      removalPolicy,
      encryptionKey: props.encryptionKey,
      deletionProtection: props.deletionProtection ?? removalPolicy === RemovalPolicy.RETAIN,
    };
    this.registry = tableFromDesign(this, 'Registry', REGISTRY_TABLE, settings);
    this.events = tableFromDesign(this, 'Events', EVENTS_TABLE, {
      ...settings,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
    });
    this.profiles = tableFromDesign(this, 'Profiles', PROFILES_TABLE, settings);
  }
}

interface TableSettings {
  removalPolicy: RemovalPolicy;
  encryptionKey?: IKey;
  deletionProtection: boolean;
  stream?: StreamViewType;
}

function tableFromDesign(scope: Construct, id: string, design: TableDesign, settings: TableSettings): Table {
  const table = new Table(scope, id, {
    partitionKey: { name: design.partitionKey, type: AttributeType.STRING },
    sortKey: design.sortKey ? { name: design.sortKey, type: AttributeType.STRING } : undefined,
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: settings.encryptionKey ? TableEncryption.CUSTOMER_MANAGED : TableEncryption.AWS_MANAGED,
    encryptionKey: settings.encryptionKey,
    timeToLiveAttribute: design.ttlAttribute,
    stream: settings.stream,
    removalPolicy: settings.removalPolicy,
    deletionProtection: settings.deletionProtection,
  });
  for (const index of design.globalIndexes) {
    // Keys only, as the local runner creates it: the index finds an hour's events, the table holds them.
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
  }
  return table;
}
