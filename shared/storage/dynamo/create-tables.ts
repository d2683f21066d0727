// Creates the tables of table-designs.ts where they are missing: for the local run and tests,
// which have no CloudFormation. The CDK stack declares the same designs.
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import type { TableNames } from './client.js';
import { ALL_TABLES, type TableDesign } from './table-designs.js';

function attributeDefinitions(design: TableDesign): AttributeDefinition[] {
  const names = new Set([design.partitionKey, ...(design.sortKey ? [design.sortKey] : [])]);
  for (const index of design.globalIndexes) {
    names.add(index.partitionKey);
    names.add(index.sortKey);
  }
  return [...names].map((AttributeName) => ({ AttributeName, AttributeType: 'S' }));
}

export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  for (const design of ALL_TABLES) {
    const TableName = names[design.logicalName];
    try {
      await client.send(new DescribeTableCommand({ TableName }));
      continue;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions(design),
        KeySchema: [
          { AttributeName: design.partitionKey, KeyType: 'HASH' },
          ...(design.sortKey ? [{ AttributeName: design.sortKey, KeyType: 'RANGE' as const }] : []),
        ],
        ...(design.globalIndexes.length > 0
          ? {
              GlobalSecondaryIndexes: design.globalIndexes.map((index) => ({
                IndexName: index.indexName,
                KeySchema: [
                  { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
                  { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
                ],
                Projection: { ProjectionType: 'KEYS_ONLY' as const },
              })),
            }
          : {}),
      }),
    );
  }
}
