// One DynamoDB document client per process, configured from the environment (AWS) or the local runner.
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import {
  type DeleteCommand,
  DynamoDBDocumentClient,
  type PutCommand,
  paginateQuery,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { InvalidInput } from '../../errors.js';

export interface TableNames {
  registry: string;
  events: string;
  profiles: string;
}

/** One document client; `instrument` wraps the raw client first (X-Ray tracing in the Lambdas). */
export function createDocumentClient(
  config: DynamoDBClientConfig = {},
  instrument: (client: DynamoDBClient) => DynamoDBClient = (client) => client,
): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(instrument(new DynamoDBClient(config)), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** Sends a conditional write; false when its condition failed. */
export async function writeIf(
  client: DynamoDBDocumentClient,
  command: PutCommand | DeleteCommand,
): Promise<boolean> {
  try {
    await client.send(command as PutCommand);
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Encodes a pagination key as an opaque URL-safe token. */
export function encodeNextToken(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

/** Decodes a token from encodeNextToken, or returns undefined when it is not one. */
export function decodeNextToken(token: string | undefined): Record<string, unknown> | undefined | null {
  if (token === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    // Every key of every table is a string: anything else was not given out by a list route.
    const isKey =
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.keys(value).length > 0 &&
      Object.values(value).every((part) => typeof part === 'string');
    return isKey ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Where a list of partition `pk` resumes: undefined for the first page; a 400 for a token that is not one, or
 * that another list gave out (a token names its partition, so it cannot page through someone else's).
 */
export function startKeyOf(nextToken: string | undefined, pk: string): Record<string, unknown> | undefined {
  const startKey = decodeNextToken(nextToken);
  if (startKey === null || (startKey && startKey.pk !== pk)) {
    throw new InvalidInput('next_token is not a token this route gave out');
  }
  return startKey;
}

/** Every item a query matches, following LastEvaluatedKey through all pages. */
export async function queryAll(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateQuery({ client }, input)) items.push(...(page.Items ?? []));
  return items;
}

/** One partition of a table, with an optional condition on the sort key beside `pk = :pk`. */
export interface PartitionQuery {
  tableName: string;
  pk: string;
  /** Joined to `pk = :pk` with AND; `values` holds the placeholders it names. */
  sk?: { condition: string; values: Record<string, unknown> };
  newestFirst?: boolean;
  consistentRead?: boolean;
}

/** The items of a partition whose sort key starts with `prefix`. */
export function skBeginsWith(prefix: string): PartitionQuery['sk'] {
  return { condition: 'begins_with(sk, :prefix)', values: { ':prefix': prefix } };
}

function partitionInput(query: PartitionQuery): QueryCommandInput {
  return {
    TableName: query.tableName,
    KeyConditionExpression: query.sk ? `pk = :pk AND ${query.sk.condition}` : 'pk = :pk',
    ExpressionAttributeValues: { ':pk': query.pk, ...query.sk?.values },
    ...(query.newestFirst ? { ScanIndexForward: false } : {}),
    ...(query.consistentRead ? { ConsistentRead: true } : {}),
  };
}

/** Every item of a partition. */
export function queryPartition(
  client: DynamoDBDocumentClient,
  query: PartitionQuery,
): Promise<Record<string, unknown>[]> {
  return queryAll(client, partitionInput(query));
}

/**
 * One page of a partition: at most `limit` items from where `nextToken` left off (a 400 for a token of another
 * list), and the token of the next page when there is one.
 */
export async function queryPage(
  client: DynamoDBDocumentClient,
  query: PartitionQuery,
  limit: number,
  nextToken: string | undefined,
): Promise<{ items: Record<string, unknown>[]; nextToken?: string }> {
  const startKey = startKeyOf(nextToken, query.pk);
  const result = await client.send(
    new QueryCommand({ ...partitionInput(query), Limit: limit, ExclusiveStartKey: startKey }),
  );
  return { items: result.Items ?? [], nextToken: encodeNextToken(result.LastEvaluatedKey) };
}
