// The local run and the tests create their tables with ensureTables: it must return only once every table takes
// writes. A new table answers item requests with ResourceNotFoundException while it is CREATING; dynalite here
// keeps new tables CREATING for 300 ms, as a loaded machine stretches its usual moment.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TableNames } from '../../shared/storage/dynamo/client.js';
import { ensureTables } from '../../shared/storage/dynamo/create-tables.js';
import { ALL_TABLES } from '../../shared/storage/dynamo/table-designs.js';
import { startInProcessDynalite } from '../support/test-dynamo.js';

const TABLES: TableNames = { registry: 'ct-registry', events: 'ct-events', profiles: 'ct-profiles' };
let dynamo: Awaited<ReturnType<typeof startInProcessDynalite>>;

beforeAll(async () => {
  dynamo = await startInProcessDynalite(300);
});

afterAll(() => dynamo?.close());

describe('ensureTables', () => {
  it('returns once every table it created takes writes', async () => {
    await ensureTables(dynamo.client, TABLES);
    for (const design of ALL_TABLES) {
      const Item = {
        [design.partitionKey]: { S: 'a' },
        ...(design.sortKey ? { [design.sortKey]: { S: 'b' } } : {}),
      };
      await dynamo.client.send(new PutItemCommand({ TableName: TABLES[design.logicalName], Item }));
    }
  });
});
