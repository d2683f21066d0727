// A run of bucket counts, as a DDSketch store keeps them: consecutive bucket indexes from an offset, at most
// MAX_BUCKETS of them (the lowest collapse into one beyond that), trimmed so equal contents are equal stores.

import { decodeVarints, encodeVarints, unzigzag, zigzag } from './varints.js';

/**
 * Buckets per store. 2,048 buckets of ratio γ = 1.01005 span 9 decades of magnitude; beyond that the lowest
 * buckets are collapsed into one, as DDSketch's collapsing-lowest store does, so an item never grows with the
 * data's range.
 */
export const MAX_BUCKETS = 2048;

/** Counts of consecutive bucket indexes from `offset`; trimmed, so the first and last counts are never 0. */
export interface BucketStore {
  offset: number;
  counts: number[];
}

export function emptyStore(): BucketStore {
  return { offset: 0, counts: [] };
}

/** Adds `delta` to bucket `wanted`, in place; allocates only when the store's range grows. */
export function addToStore(store: BucketStore, wanted: number, delta: number): void {
  const counts = store.counts;
  let index = wanted;
  if (counts.length === 0) {
    store.offset = index;
    counts.push(delta);
    return;
  }
  const top = store.offset + counts.length - 1;
  if (index > top) {
    const lowest = index - MAX_BUCKETS + 1;
    if (lowest > store.offset) collapseBelow(store, lowest);
    for (let i = store.offset + counts.length; i <= index; i++) counts.push(0);
  } else if (index < store.offset) {
    index = Math.max(index, top - MAX_BUCKETS + 1);
    const grow = store.offset - index;
    if (grow > 0) {
      counts.length += grow;
      for (let i = counts.length - 1; i >= grow; i--) counts[i] = counts[i - grow] as number;
      for (let i = 0; i < grow; i++) counts[i] = 0;
      store.offset = index;
    }
  }
  const position = index - store.offset;
  counts[position] = (counts[position] as number) + delta;
  if (counts[position] === 0 && (position === 0 || position === counts.length - 1)) trim(store);
}

/**
 * Whether a batch's buckets [low, high] can be added to a store at once: when the store and the batch span at most
 * MAX_BUCKETS, no collapse can happen in any order, so adding each bucket's count gives what adding the values one
 * by one does; otherwise they go one by one, in order, as collapses depend on it.
 */
export function fitsAtOnce(store: BucketStore, low: number, high: number): boolean {
  const counts = store.counts;
  if (counts.length === 0) return high - low < MAX_BUCKETS;
  return Math.max(high, store.offset + counts.length - 1) - Math.min(low, store.offset) < MAX_BUCKETS;
}

/**
 * Adds a batch's counts per bucket, tally[at + k] for bucket low + k up to high, times `sign`, to a store the batch
 * fits at once (fitsAtOnce). Widens the store to the union once, adds, then trims: its form stays canonical.
 */
export function addCountsToStore(
  store: BucketStore,
  tally: Float64Array,
  at: number,
  low: number,
  high: number,
  sign: 1 | -1,
): void {
  const counts = store.counts;
  const empty = counts.length === 0;
  const first = empty ? low : Math.min(low, store.offset);
  const last = empty ? high : Math.max(high, store.offset + counts.length - 1);
  if (empty) store.offset = first;
  const grow = store.offset - first;
  const size = last - first + 1;
  const oldLength = counts.length;
  // Pushed rather than lengthened, so the array stays packed.
  for (let i = oldLength; i < size; i++) counts.push(0);
  if (grow > 0) {
    for (let i = oldLength - 1; i >= 0; i--) counts[i + grow] = counts[i] as number;
    for (let i = 0; i < grow; i++) counts[i] = 0;
  }
  store.offset = first;
  const base = low - first;
  for (let k = 0; k <= high - low; k++) {
    const count = tally[at + k] as number;
    if (count !== 0) counts[base + k] = (counts[base + k] as number) + sign * count;
  }
  if (counts[0] === 0 || counts[counts.length - 1] === 0) trim(store);
}

/** Folds every bucket below `lowest` into bucket `lowest`. */
function collapseBelow(store: BucketStore, lowest: number): void {
  const counts = store.counts;
  const dropped = Math.min(lowest - store.offset, counts.length);
  let folded = 0;
  for (let i = 0; i < dropped; i++) folded += counts[i] as number;
  if (dropped === counts.length) {
    counts.length = 1;
    counts[0] = folded;
  } else {
    for (let i = dropped; i < counts.length; i++) counts[i - dropped] = counts[i] as number;
    counts.length -= dropped;
    counts[0] = (counts[0] as number) + folded;
  }
  store.offset = lowest;
  trim(store);
}

/** Drops zero counts at both ends, so equal contents always have equal stores. */
function trim(store: BucketStore): void {
  const counts = store.counts;
  while (counts.length > 0 && counts[counts.length - 1] === 0) counts.length--;
  let leading = 0;
  while (leading < counts.length && counts[leading] === 0) leading++;
  if (leading > 0) {
    for (let i = leading; i < counts.length; i++) counts[i - leading] = counts[i] as number;
    counts.length -= leading;
    store.offset += leading;
  }
  if (counts.length === 0) store.offset = 0;
}

export function mergeStores(a: BucketStore, b: BucketStore): BucketStore {
  if (b.counts.length === 0) return { offset: a.offset, counts: [...a.counts] };
  if (a.counts.length === 0) return { offset: b.offset, counts: [...b.counts] };
  const top = Math.max(a.offset + a.counts.length, b.offset + b.counts.length) - 1;
  const offset = Math.max(Math.min(a.offset, b.offset), top - MAX_BUCKETS + 1);
  const counts = new Array<number>(top - offset + 1).fill(0);
  for (const store of [a, b]) {
    store.counts.forEach((count, i) => {
      const position = Math.max(store.offset + i - offset, 0);
      counts[position] = (counts[position] as number) + count;
    });
  }
  const merged = { offset, counts };
  trim(merged);
  return merged;
}

export function storeCount(store: BucketStore): number {
  let total = 0;
  for (const count of store.counts) total += count;
  return total;
}

/**
 * Stores as [offset, tokens, "runs"], the tokens as varints in base64 ([] when empty): a busy hour's thousands
 * of small counts take one or two bytes each instead of a JSON number and a comma, and a run of empty buckets (the
 * sparse ones nearest a store's origin) one token. An even token t is the count unzigzag(t / 2) (zigzag keeps a
 * transient negative count short), an odd one a run of (t + 3) / 2 zeros. Stores written before runs existed
 * ([offset, counts], each count a zigzag varint) still read.
 */
export function serializeStore(store: BucketStore): unknown {
  return store.counts.length === 0 ? [] : [store.offset, encodeCounts(store.counts), RUNS];
}

const RUNS = 'runs';

export function deserializeStore(value: unknown): BucketStore {
  if (value === undefined) return emptyStore();
  if (!Array.isArray(value)) throw new RangeError('not a sketch store');
  if (value.length === 0) return emptyStore();
  const [offset, counts, encoding] = value as [unknown, unknown, unknown];
  if (typeof offset !== 'number' || typeof counts !== 'string') throw new RangeError('not a sketch store');
  return { offset, counts: decodeCounts(counts, encoding === RUNS) };
}

function encodeCounts(counts: readonly number[]): string {
  const tokens: number[] = [];
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] as number;
    let run = 1;
    while (count === 0 && counts[i + run] === 0) run++;
    if (run >= 2) {
      tokens.push(2 * run - 3);
      i += run - 1;
    } else tokens.push(2 * zigzag(count));
  }
  return encodeVarints(tokens);
}

function decodeCounts(text: string, runs: boolean): number[] {
  const counts: number[] = [];
  for (const token of decodeVarints(text)) {
    if (!runs) counts.push(unzigzag(token));
    else if (token % 2 === 0) counts.push(unzigzag(token / 2));
    else for (let k = 0; k < (token + 3) / 2; k++) counts.push(0);
  }
  return counts;
}
