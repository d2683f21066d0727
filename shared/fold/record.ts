// The fold: change records (the events table's stream in AWS, the local feed's copies) become deltas, written
// in record order; a record that can never be folded is quarantined, a transient failure stops at the first
// record not yet done, so a retry starts exactly there.
import { randomUUID } from 'node:crypto';
import type { ChangeRecord } from '../feed/change-record.js';
import { isPoison } from '../storage/faults.js';
import type { ModelRef, PendingStore } from '../storage/profiles.js';
import { failureReason, type QuarantineStore, quarantineEntryOf } from '../storage/quarantine.js';
import { type ConvertedChange, deltasFromChanges } from './deltas.js';

/** A feed the run reads from a checkpoint (the local run's file feed). */
export interface PollableFeed {
  read(position: number, limit: number): Promise<{ records: ChangeRecord[]; nextPosition: number }>;
  /** Lets the feed drop what lies before `position`: it has been folded and checkpointed. */
  release?(position: number): Promise<void>;
}

const FEED_PAGE = 5_000;
const LOCAL_FEED_CHECKPOINT = 'local-feed';

/**
 * A transient failure stopped the fold at `record` (position `index` in its batch): every record before it is
 * done (its delta written, or quarantined), so a retry may start there.
 */
export class FoldInterrupted extends Error {
  constructor(
    readonly record: ChangeRecord,
    readonly index: number,
    cause: unknown,
  ) {
    super(`folding stopped at change ${record.dynamodb?.SequenceNumber}: ${failureReason(cause)}`, { cause });
    this.name = 'FoldInterrupted';
  }
}

export interface FoldOutcome {
  deltas: number;
  quarantined: number;
  /** Models that received deltas. */
  models: ModelRef[];
}

/**
 * Writes deltas for change records and marks their models: what the stream Lambda does in AWS. A record that
 * cannot be folded goes to `quarantine` (without one, it stops the fold); a transient failure throws
 * FoldInterrupted at the first record not done.
 */
export async function recordChanges(
  profiles: PendingStore,
  records: ChangeRecord[],
  quarantine?: QuarantineStore,
): Promise<FoldOutcome> {
  const { converted, unfoldable } = deltasFromChanges(records);
  const setAside = async (
    change: { index: number; record: ChangeRecord },
    error: unknown,
    poison = isPoison(error),
  ) => {
    try {
      if (!quarantine || !poison) throw error;
      await quarantine.put(quarantineEntryOf(change.record, error, Date.now()));
    } catch (failure) {
      throw new FoldInterrupted(change.record, change.index, failure);
    }
  };
  const outcome: FoldOutcome = { deltas: 0, quarantined: 0, models: [] };
  let interrupted: FoldInterrupted | undefined;
  for (const change of unfoldable) {
    try {
      // Whatever the pure conversion throws comes from the record itself: it would fail the same way again.
      await setAside(change, change.error, true);
      outcome.quarantined++;
    } catch (error) {
      interrupted = error as FoldInterrupted;
      break;
    }
  }
  // Only records before an interruption are written now: the retry starts there and writes the rest.
  const pending = converted.filter((change) => !interrupted || change.index < interrupted.index);
  const written: ConvertedChange[] = [];
  try {
    await writeIsolating(profiles, sourceOf(records), pending, written, setAside, outcome);
  } catch (error) {
    if (!(error instanceof FoldInterrupted)) throw error;
    interrupted = error;
  }
  outcome.deltas = written.length;
  outcome.models = [
    ...new Map(
      written.map(({ delta }) => [`${delta.model.project_id}/${delta.model.model_id}`, delta.model]),
    ).values(),
  ];
  // Deltas first, then the mark: a model is never marked clean while its deltas are unwritten.
  if (outcome.models.length > 0) {
    await profiles.markDirty(outcome.models).catch((error: unknown) => {
      const first = records[0] as ChangeRecord;
      throw new FoldInterrupted(first, 0, error);
    });
  }
  if (interrupted) throw interrupted;
  return outcome;
}

/**
 * Writes deltas in record order, in packs named by `source`. A transient failure stops at the first change of the
 * write that met it, without splitting it: the retry sends the same changes from there, so its packs are named as
 * this attempt's were and replace whatever part of them landed. A poison write is split in halves, down to single
 * deltas, and the poison one quarantined.
 */
async function writeIsolating(
  profiles: PendingStore,
  source: string,
  changes: ConvertedChange[],
  written: ConvertedChange[],
  setAside: (change: ConvertedChange, error: unknown) => Promise<void>,
  outcome: FoldOutcome,
): Promise<void> {
  const [first] = changes;
  if (!first) return;
  try {
    await profiles.putDeltas(
      changes.map((change) => change.delta),
      source,
    );
    written.push(...changes);
    return;
  } catch (error) {
    if (!isPoison(error)) throw new FoldInterrupted(first.record, first.index, error);
    if (changes.length === 1) {
      await setAside(first, error);
      outcome.quarantined++;
      return;
    }
  }
  const half = Math.ceil(changes.length / 2);
  await writeIsolating(profiles, source, changes.slice(0, half), written, setAside, outcome);
  await writeIsolating(profiles, source, changes.slice(half), written, setAside, outcome);
}

/**
 * Where a delivery starts: its first record's sequence number (a feed page read again, or a stream batch
 * redelivered, from the same record starts with the same one).
 */
function sourceOf(records: ChangeRecord[]): string {
  const first = records[0];
  return first?.dynamodb?.SequenceNumber ?? first?.eventID ?? randomUUID();
}

/** Reads the feed from its checkpoint; folding a page twice after a crash writes the same deltas. */
export async function recordFeed(
  profiles: PendingStore,
  feed: PollableFeed,
  quarantine?: QuarantineStore,
): Promise<{ read: number; quarantined: number }> {
  let position = (await profiles.getCheckpoint(LOCAL_FEED_CHECKPOINT)) ?? 0;
  const drained = { read: 0, quarantined: 0 };
  for (;;) {
    const page = await feed.read(position, FEED_PAGE);
    if (page.records.length === 0) return drained;
    // A transient failure throws before the checkpoint moves: the next run reads the page again. Its cause is
    // what the caller needs (a storage_unavailable answer), not where in the page it happened.
    const outcome = await recordChanges(profiles, page.records, quarantine).catch((error: unknown) => {
      throw error instanceof FoldInterrupted ? error.cause : error;
    });
    drained.quarantined += outcome.quarantined;
    position = page.nextPosition;
    await profiles.putCheckpoint(LOCAL_FEED_CHECKPOINT, position);
    await feed.release?.(position);
    drained.read += page.records.length;
  }
}
