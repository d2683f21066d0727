// Where accepted writes are announced. In AWS the events table's stream is the feed, so publishing is a
// no-op there; the local run appends to a durable file feed that the fold reads.
import type { ChangeRecord } from './change-record.js';

export interface ChangeFeed {
  /** Makes records durable and visible to the fold before the write is acknowledged. */
  publish(records: ChangeRecord[]): Promise<void>;
}

/** The feed in AWS: DynamoDB Streams already carries every change with old and new images. */
export class StreamChangeFeed implements ChangeFeed {
  async publish(): Promise<void> {}
}
