// The profiles table as one ProfileStore: the pending deltas, the profiles and the model state, each kept by its
// own adapter. Methods are looked up on each call, so a test that replaces one on a prototype sees its calls.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PROFILE_LAYOUT, type ProfileLayout } from '../../metrics/profile-sections.js';
import type { ProfileStore } from '../profiles.js';
import { DynamoModelStateStore } from './model-state.js';
import { DynamoPendingStore } from './pending.js';
import { DynamoProfileItemStore } from './profile-items.js';

export function dynamoProfileStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  layout: ProfileLayout = PROFILE_LAYOUT,
): ProfileStore {
  return combine(
    new DynamoPendingStore(client, tableName),
    new DynamoProfileItemStore(client, tableName, layout),
    new DynamoModelStateStore(client, tableName),
  ) as ProfileStore;
}

/** One object answering every public method of `parts`, each call forwarded to the part that has it. */
function combine(...parts: object[]): object {
  const combined: Record<string, unknown> = {};
  for (const part of parts) {
    for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(part))) {
      if (name === 'constructor') continue;
      combined[name] = (...args: unknown[]) =>
        (part as Record<string, (...a: unknown[]) => unknown>)[name]?.(...args);
    }
  }
  return combined;
}
