// Key design of every DynamoDB table, shared by the CDK stack and the local runner so both create the same tables.

export interface TableDesign {
  /** Logical name; the physical name comes from the environment (AWS) or a prefix (local). */
  logicalName: 'registry' | 'events' | 'profiles';
  partitionKey: string;
  sortKey?: string;
  /** Attribute holding the expiry time in epoch seconds. */
  ttlAttribute?: string;
  globalIndexes: Array<{ indexName: string; partitionKey: string; sortKey: string }>;
}

/**
 * Projects, datasets, models, monitoring configs, tokens and uploads, single-table.
 * Items: pk=PROJECTS/sk=<project>; pk=P#<project>/sk=DATASET#<d> | MODEL#<m> | UPLOAD#<id>; pk=TOKEN#<id>/sk=TOKEN.
 */
export const REGISTRY_TABLE: TableDesign = {
  logicalName: 'registry',
  partitionKey: 'pk',
  sortKey: 'sk',
  globalIndexes: [],
};

/** The events table's time index: a model's events of one hour, by `hour_shard` (see event-items.ts). */
export const EVENTS_BY_HOUR_INDEX = 'by_hour';

/** Shards per model-hour in the events time index: 5,000 events/s over 16 keys stays under 1,000 WCU per key. */
export const EVENT_HOUR_SHARDS = 16;

/**
 * One item per event, partition key `<project>/<model>/<event_id>`: every event its own partition key, so
 * no model is pinned to one partition and an update is a single-key write. The `by_hour` index shards each
 * model's hour of event time over EVENT_HOUR_SHARDS keys so a rebuild can read one hour without a scan.
 */
export const EVENTS_TABLE: TableDesign = {
  logicalName: 'events',
  partitionKey: 'pk',
  ttlAttribute: 'expires_at',
  globalIndexes: [{ indexName: EVENTS_BY_HOUR_INDEX, partitionKey: 'hour_shard', sortKey: 'event_id' }],
};

/** Mergeable metric profiles per model and hour, plus fold checkpoints and alert state (metrics engine). */
export const PROFILES_TABLE: TableDesign = {
  logicalName: 'profiles',
  partitionKey: 'pk',
  sortKey: 'sk',
  globalIndexes: [],
};

export const ALL_TABLES = [REGISTRY_TABLE, EVENTS_TABLE, PROFILES_TABLE] as const;
