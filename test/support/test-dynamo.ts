// dynalite in memory for storage tests: the project's tables and a document client, started once per file.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { startDynalite } from '../../local/dynalite.js';
import type { TableNames } from '../../shared/storage/dynamo/client.js';
import { ensureTables } from '../../shared/storage/dynamo/create-tables.js';

export interface TestDynamo {
  endpoint: string;
  raw: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  /** Another client of the same database, as another process would have (closed with the rest). */
  connect(): DynamoDBClient;
  close(): Promise<void>;
}

export async function startTestDynamo(tables?: TableNames): Promise<TestDynamo> {
  const dynamo = await startDynalite();
  const clients: DynamoDBClient[] = [];
  const connect = () => {
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    clients.push(client);
    return client;
  };
  const raw = connect();
  if (tables) await ensureTables(raw, tables);
  return {
    endpoint: dynamo.endpoint,
    raw,
    documents: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    connect,
    close: async () => {
      for (const client of clients) client.destroy();
      await dynamo.close();
    },
  };
}

/**
 * dynalite in memory on the test's own thread (not the local run's worker), for tests that count or slow what
 * dynalite does inside; `createTableMs` keeps new tables CREATING that long.
 */
export async function startInProcessDynalite(
  createTableMs = 0,
): Promise<{ client: DynamoDBClient; close(): Promise<void> }> {
  const server = dynalite({ createTableMs });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    client,
    close: async () => {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
