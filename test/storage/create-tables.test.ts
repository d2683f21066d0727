// The local run and the tests create their tables with ensureTables: it must return only once every table takes
// writes. A new table answers item requests with ResourceNotFoundException while it is CREATING; dynalite here
// keeps new tables CREATING for 300 ms, as a loaded machine stretches its usual moment.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TableNames } from '../../shared/storage/dynamo/client.js';
import { ensureTables } from '../../shared/storage/dynamo/create-tables.js';
import { ALL_TABLES } from '../../shared/storage/dynamo/table-designs.js';

const TABLES: TableNames = { registry: 'ct-registry', events: 'ct-events', profiles: 'ct-profiles' };
const server = dynalite({ createTableMs: 300 });
let client: DynamoDBClient;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client?.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('ensureTables', () => {
  it('returns once every table it created takes writes', async () => {
    await ensureTables(client, TABLES);
    for (const design of ALL_TABLES) {
      const Item = {
        [design.partitionKey]: { S: 'a' },
        ...(design.sortKey ? { [design.sortKey]: { S: 'b' } } : {}),
      };
      await client.send(new PutItemCommand({ TableName: TABLES[design.logicalName], Item }));
    }
  });
});
