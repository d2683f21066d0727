// What the events store does, independent of the database behind it.

import type { ChangeRecord } from '../feed/change-record.js';
import type { StoredEvent } from '../schema/types.js';

export interface EventKey {
  project_id: string;
  model_id: string;
  event_id: string;
}

export interface NewEvent extends StoredEvent {
  /** Expiry, epoch seconds: retention counts from reception. */
  expires_at: number;
}

export interface InsertManyResult {
  /** The change records of the events written, in input order. */
  changes: ChangeRecord[];
  /** Positions (in the input) of events whose id already existed or came earlier in the call: not written. */
  duplicates: Set<number>;
}

export interface EventStore {
  /** Writes one new event; throws AlreadyExists when its id is taken. */
  insert(event: NewEvent): Promise<ChangeRecord>;
  /** Writes new events; ids that exist are reported, not written. */
  insertMany(events: NewEvent[]): Promise<InsertManyResult>;
  /**
   * Sets (or, with null, clears) target, decision and metadata columns of an existing event, touching no
   * other attribute; throws NotFound when it does not exist.
   */
  update(key: EventKey, columns: Record<string, unknown>): Promise<ChangeRecord>;
  get(key: EventKey): Promise<StoredEvent | undefined>;
  /** Every stored event of one model whose event time falls in the hour starting at `hour`. */
  readHour(projectId: string, modelId: string, hour: number): Promise<EventRevision[]>;
}

/** An event's current values with the revision they are at. */
export interface EventRevision {
  event_id: string;
  values: Record<string, unknown>;
  rev: number;
  written_at: number;
}
