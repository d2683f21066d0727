// How a write to the events table reaches the change feed. In AWS the table's stream carries every landed
// write atomically with it, so there is nothing to do; the local run journals each write ahead of it.
import type { ChangeRecord } from './change-record.js';

/** What a write did: its result, and the change records of the writes that landed. */
export interface WriteOutcome<T> {
  result: T;
  landed: ChangeRecord[];
}

export interface WriteJournal {
  /**
   * Runs `write`, whose possible change records (`intended`) are known before it runs, so that exactly the
   * records that land reach the feed, whatever crashes in between.
   */
  run<T>(intended: ChangeRecord[], write: () => Promise<WriteOutcome<T>>): Promise<T>;
}

/** AWS: the events table's stream is the feed. */
export const STREAM_JOURNAL: WriteJournal = {
  run: async (_intended, write) => (await write()).result,
};

/** The write id a change record carries in its new image: one per write, so a landed write is recognisable. */
export function writeIdOf(record: ChangeRecord): string | undefined {
  return record.dynamodb.NewImage?.wid?.S;
}
