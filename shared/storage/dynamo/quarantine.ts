// Quarantined changes in the profiles table, one partition for all of them (poison is rare, and the admin list
// reads across every project): pk=QUARANTINE, sk=<change time>#<record id>.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { QuarantinedChange, QuarantineStore } from '../quarantine.js';
import { queryPage } from './client.js';

const PK = 'QUARANTINE';
const sortKey = (entry: QuarantinedChange) =>
  `${String(entry.changed_at).padStart(15, '0')}#${entry.record_id}`;

export class DynamoQuarantineStore implements QuarantineStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(entry: QuarantinedChange): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          // Every part is bounded (excerpt 16 KiB, reason 1,000 chars), so the item stays far under 400 KB.
          Item: { pk: PK, sk: sortKey(entry), doc: JSON.stringify(entry) },
          // A redelivered record keeps the entry, and the time, of its first quarantine.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async list(limit: number, nextToken?: string) {
    const page = await queryPage(
      this.client,
      { tableName: this.tableName, pk: PK, newestFirst: true },
      limit,
      nextToken,
    );
    return { ...page, items: page.items.map((item) => JSON.parse(item.doc as string) as QuarantinedChange) };
  }
}
