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

/** How long a new table may stay CREATING before ensureTables gives up. */
const ACTIVE_WITHIN_MS = 30_000;

export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  for (const design of ALL_TABLES) {
    const TableName = names[design.logicalName];
    try {
      await client.send(new DescribeTableCommand({ TableName }));
      await untilActive(client, TableName);
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
    await untilActive(client, TableName);
  }
}

/**
 * Waits for the table to be ACTIVE: a new table answers item requests with ResourceNotFoundException while it is
 * CREATING (dynalite too, for a moment that grows with the machine's load).
 */
async function untilActive(client: DynamoDBClient, TableName: string): Promise<void> {
  const deadline = Date.now() + ACTIVE_WITHIN_MS;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    const indexes = Table?.GlobalSecondaryIndexes ?? [];
    if (Table?.TableStatus === 'ACTIVE' && indexes.every((index) => index.IndexStatus === 'ACTIVE')) return;
    if (Date.now() > deadline)
      throw new Error(`table ${TableName} is still ${Table?.TableStatus} after ${ACTIVE_WITHIN_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
