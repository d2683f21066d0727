// The local service's storage client: dynalite checks that requests carry a SigV4-shaped Authorization header,
// never the signature, so the client sets one without signing (signing cost the API thread about 7% of its CPU).
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamo, embeddedClientConfig, startDynalite } from '../../local/dynalite.js';

let dynamo: EmbeddedDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(() => dynamo?.close());

describe('the embedded database client', () => {
  it('is answered by dynalite with an Authorization header no signer computed', async () => {
    const client = new DynamoDBClient(embeddedClientConfig(dynamo.endpoint));
    const sent: string[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers: Record<string, string> };
        sent.push(request.headers.authorization ?? '');
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'captureAuthorization' },
    );
    try {
      const answer = await client.send(new ListTablesCommand({}));
      expect(answer.TableNames).toEqual([]);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatch(/^AWS4-HMAC-SHA256 Credential=local\/.* Signature=local$/);
    } finally {
      client.destroy();
    }
  });
});
