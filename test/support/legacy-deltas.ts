// Single delta items as versions before packs wrote them (one item per change, keyed by event revision), so
// tests can check that an upgraded fold still applies what an earlier version left pending.
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { shardOf } from '../../shared/storage/dynamo/event-items.js';
import { deltaKey } from '../../shared/storage/dynamo/profile-keys.js';
import { DELTA_SHARDS, type Delta, modelKey } from '../../shared/storage/profiles.js';

export async function putLegacyDeltas(
  documents: DynamoDBDocumentClient,
  table: string,
  deltas: Delta[],
): Promise<void> {
  for (let i = 0; i < deltas.length; i += 25) {
    const requests = deltas.slice(i, i + 25).map((delta) => ({
      PutRequest: {
        Item: {
          pk: `DELTA#${modelKey(delta.model)}#${shardOf(delta.event_id, DELTA_SHARDS)}`,
          sk: deltaKey(delta),
          project_id: delta.model.project_id,
          model_id: delta.model.model_id,
          event_id: delta.event_id,
          hour: delta.hour,
          old_values: delta.old_values === null ? undefined : JSON.stringify(delta.old_values),
          new_values: JSON.stringify(delta.new_values),
          new_rev: delta.new_rev,
          new_written_at: delta.new_written_at,
        },
      },
    }));
    await documents.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
  }
}
