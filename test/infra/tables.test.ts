// Tables against the designs in shared/storage/dynamo/table-designs.ts, table by table, so the stack and the local
// runner agree.

import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Tables } from '../../infra/constructs/tables.js';
import { startDynalite } from '../../local/dynalite.js';
import { ensureTables } from '../../shared/storage/dynamo/create-tables.js';
import { ALL_TABLES, EVENTS_TABLE, type TableDesign } from '../../shared/storage/dynamo/table-designs.js';
import { testStack } from './support.js';

const devStack = testStack('Dev');
const dev = new Tables(devStack, 'Tables', { removalPolicy: RemovalPolicy.DESTROY });
const prodStack = testStack('Prod');
new Tables(prodStack, 'Tables', { removalPolicy: RemovalPolicy.RETAIN });
const devTemplate = Template.fromStack(devStack);
const prodTemplate = Template.fromStack(prodStack);

const tableByDesign: Record<TableDesign['logicalName'], unknown> = {
  registry: dev.registry,
  events: dev.events,
  profiles: dev.profiles,
};

function tableProperties(design: TableDesign) {
  const construct = tableByDesign[design.logicalName] as { node: { defaultChild: unknown } };
  const logicalId = devStack.getLogicalId(construct.node.defaultChild as never);
  return devTemplate.findResources('AWS::DynamoDB::Table')[logicalId]?.Properties;
}

describe('Tables', () => {
  it('creates exactly the three tables of the table designs', () => {
    devTemplate.resourceCountIs('AWS::DynamoDB::Table', ALL_TABLES.length);
  });

  it.each(ALL_TABLES)('gives the $logicalName table the key schema of its design', (design) => {
    expect(tableProperties(design).KeySchema).toEqual([
      { AttributeName: design.partitionKey, KeyType: 'HASH' },
      ...(design.sortKey ? [{ AttributeName: design.sortKey, KeyType: 'RANGE' }] : []),
    ]);
  });

  it.each(ALL_TABLES)(
    'gives the $logicalName table the global indexes of its design, keys only',
    (design) => {
      const indexes = tableProperties(design).GlobalSecondaryIndexes ?? [];
      expect(indexes).toEqual(
        design.globalIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        })),
      );
    },
  );

  it.each(ALL_TABLES)('expires $logicalName items only on the TTL attribute of its design', (design) => {
    const ttl = tableProperties(design).TimeToLiveSpecification;
    expect(ttl).toEqual(
      design.ttlAttribute ? { AttributeName: design.ttlAttribute, Enabled: true } : undefined,
    );
  });

  it.each(ALL_TABLES)(
    'bills the $logicalName table on demand, encrypted, with point-in-time recovery',
    (design) => {
      expect(tableProperties(design)).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    },
  );

  it('streams new and old images of the events table only', () => {
    for (const design of ALL_TABLES) {
      const expected = design === EVENTS_TABLE ? { StreamViewType: 'NEW_AND_OLD_IMAGES' } : undefined;
      expect(tableProperties(design).StreamSpecification).toEqual(expected);
    }
  });

  it('deletes dev tables with the stack', () => {
    const tables = Object.values(devTemplate.findResources('AWS::DynamoDB::Table'));
    expect(tables.map((table) => table.DeletionPolicy)).toEqual(['Delete', 'Delete', 'Delete']);
  });

  it('retains prod tables, with deletion protection, when the stack is deleted', () => {
    const tables = Object.values(prodTemplate.findResources('AWS::DynamoDB::Table'));
    expect(tables.map((table) => table.DeletionPolicy)).toEqual(['Retain', 'Retain', 'Retain']);
    expect(tables.map((table) => table.Properties.DeletionProtectionEnabled)).toEqual([true, true, true]);
  });
});

describe('the tables the local run creates', () => {
  it('have the keys, attribute types and indexes the stack deploys', async () => {
    const dynamo = await startDynalite();
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const names = { registry: 'cmp-registry', events: 'cmp-events', profiles: 'cmp-profiles' };
      await ensureTables(client, names);
      for (const design of ALL_TABLES) {
        const { Table: local } = await client.send(
          new DescribeTableCommand({ TableName: names[design.logicalName] }),
        );
        const deployed = tableProperties(design);
        const sorted = <T extends { AttributeName?: string }>(items: T[] = []) =>
          [...items].sort((a, b) => String(a.AttributeName).localeCompare(String(b.AttributeName)));

        expect(local?.KeySchema).toEqual(deployed.KeySchema);
        expect(sorted(local?.AttributeDefinitions)).toEqual(sorted(deployed.AttributeDefinitions));
        expect(
          (local?.GlobalSecondaryIndexes ?? []).map((index) => ({
            IndexName: index.IndexName,
            KeySchema: index.KeySchema,
            Projection: index.Projection,
          })),
        ).toEqual(deployed.GlobalSecondaryIndexes ?? []);
      }
    } finally {
      client.destroy();
      await dynamo.close();
    }
  });
});
