// BatchGetItem until every key is answered: DynamoDB hands keys back unprocessed under load, and a response ends
// at 16 MB (1 MB in dynalite), so a batch of large items takes several rounds.
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backoff, chunk } from './batch-write.js';

const BATCH_GET_LIMIT = 100;
/** Rounds in a row that return nothing before giving up: only those say the table is throttling. */
const MAX_IDLE_ROUNDS = 12;

/** Every item of `keys` that exists, read consistently, in groups of 100 read in parallel. */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: object[],
  options: { projection?: string } = {},
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  await Promise.all(
    chunk(keys, BATCH_GET_LIMIT).map(async (group) => {
      let pending = group;
      for (let idle = 0; pending.length > 0; ) {
        if (idle > MAX_IDLE_ROUNDS) throw new Error('BatchGetItem kept returning unprocessed keys');
        if (idle > 0) await backoff(idle);
        const result = await client.send(
          new BatchGetCommand({
            RequestItems: {
              [tableName]: {
                Keys: pending as Record<string, unknown>[],
                ConsistentRead: true,
                ...(options.projection ? { ProjectionExpression: options.projection } : {}),
              },
            },
          }),
        );
        const returned = result.Responses?.[tableName] ?? [];
        found.push(...returned);
        idle = returned.length > 0 ? 0 : idle + 1;
        pending = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
      }
    }),
  );
  return found;
}
