// BatchWriteItem until every request is processed: DynamoDB may hand back unprocessed items under load,
// and an acknowledged write must never be dropped.
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const BATCH_WRITE_LIMIT = 25;
const MAX_RETRIES = 12;

export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

export function backoff(attempt: number): Promise<void> {
  const delay = Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2);
  return new Promise((resolve) => setTimeout(resolve, delay));
}

/** Writes put/delete requests in parallel groups of 25, retrying unprocessed ones with backoff. */
export async function batchWriteAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  requests: object[],
): Promise<void> {
  await Promise.all(
    chunk(requests, BATCH_WRITE_LIMIT).map(async (group) => {
      let pending: unknown[] = group;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > MAX_RETRIES) throw new Error('BatchWriteItem kept returning unprocessed items');
        if (attempt > 0) await backoff(attempt);
        const result = await client.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }),
        );
        pending = result.UnprocessedItems?.[tableName] ?? [];
      }
    }),
  );
}
