// A DDSketch-style quantile sketch (Masson, Rim and Lee, "DDSketch", VLDB 2019): values counted in log-spaced
// buckets, so every quantile is within RELATIVE_ACCURACY of the true one; counts only, so removal is subtraction.

/** α: a bucket's representative is within 0.5% of every value in it, well inside the contract's 1%. */
export const RELATIVE_ACCURACY = 0.005;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/**
 * Buckets per sign. 2,048 buckets of ratio γ span 9 decades of magnitude; beyond that the lowest buckets are
 * collapsed into one, as DDSketch's collapsing-lowest store does, so an item never grows with the data's range.
 */
export const MAX_BUCKETS = 2048;

/** Counts of consecutive bucket indexes from `offset`; trimmed, so the first and last counts are never 0. */
export interface BucketStore {
  offset: number;
  counts: number[];
}

export interface LogSketch {
  zero: number;
  /** Positive values by bucket. */
  positive: BucketStore;
  /** Negative values by the bucket of their magnitude. */
  negative: BucketStore;
}

export function emptySketch(): LogSketch {
  return { zero: 0, positive: { offset: 0, counts: [] }, negative: { offset: 0, counts: [] } };
}

/** Bucket i holds magnitudes in (γ^(i-1), γ^i]. */
export function bucketIndex(magnitude: number): number {
  // + 0 turns the -0 that ceil gives for (-1, 0) into 0: equal sketches must be equal to the bit.
  return Math.ceil(Math.log(magnitude) / LOG_GAMMA) + 0;
}

/** 2γ^i / (γ + 1): within α of both ends of bucket i, so of every value in it. */
export function bucketValue(index: number): number {
  return (2 * GAMMA ** index) / (GAMMA + 1);
}

/** Adds (sign 1) or removes (sign -1) one finite value, in place; allocates only when a store's range grows. */
export function absorbIntoSketch(sketch: LogSketch, value: number, sign: 1 | -1): void {
  if (value > 0) addToStore(sketch.positive, bucketIndex(value), sign);
  else if (value < 0) addToStore(sketch.negative, bucketIndex(-value), sign);
  else sketch.zero += sign;
}

/** Bucket indexes of a batch, and the batch's count per bucket: scratch reused across calls (the fold is single-threaded). */
let batchIndexes = new Int32Array(1024);
const bucketCounts = new Float64Array(MAX_BUCKETS);

/**
 * absorbIntoSketch for `length` values at once, with one sign: the same sketch as absorbing them one by one. When
 * a store and the batch's buckets span at most MAX_BUCKETS, no collapse can happen in any order, so the counts per
 * bucket are added at once; otherwise the values go one by one, in order, as collapses depend on it.
 */
export function absorbManyIntoSketch(
  sketch: LogSketch,
  values: Float64Array,
  length: number,
  sign: 1 | -1,
): void {
  if (batchIndexes.length < length) batchIndexes = new Int32Array(Math.max(length, 2 * batchIndexes.length));
  const indexes = batchIndexes;
  let zeros = 0;
  let positiveLow = 0x7fffffff;
  let positiveHigh = -0x7fffffff;
  let negativeLow = 0x7fffffff;
  let negativeHigh = -0x7fffffff;
  for (let i = 0; i < length; i++) {
    const value = values[i] as number;
    if (value > 0) {
      const index = bucketIndex(value);
      indexes[i] = index;
      if (index < positiveLow) positiveLow = index;
      if (index > positiveHigh) positiveHigh = index;
    } else if (value < 0) {
      const index = bucketIndex(-value);
      indexes[i] = index;
      if (index < negativeLow) negativeLow = index;
      if (index > negativeHigh) negativeHigh = index;
    } else zeros++;
  }
  sketch.zero += sign * zeros;
  if (positiveLow <= positiveHigh) {
    addBatchToStore(sketch.positive, values, indexes, length, 1, positiveLow, positiveHigh, sign);
  }
  if (negativeLow <= negativeHigh) {
    addBatchToStore(sketch.negative, values, indexes, length, -1, negativeLow, negativeHigh, sign);
  }
}

function addBatchToStore(
  store: BucketStore,
  values: Float64Array,
  indexes: Int32Array,
  length: number,
  side: 1 | -1,
  low: number,
  high: number,
  sign: 1 | -1,
): void {
  const counts = store.counts;
  const empty = counts.length === 0;
  const first = empty ? low : Math.min(low, store.offset);
  const last = empty ? high : Math.max(high, store.offset + counts.length - 1);
  if (last - first >= MAX_BUCKETS) {
    for (let i = 0; i < length; i++) {
      if ((values[i] as number) * side > 0) addToStore(store, indexes[i] as number, sign);
    }
    return;
  }
  const span = high - low + 1;
  const tally = bucketCounts;
  tally.fill(0, 0, span);
  for (let i = 0; i < length; i++) {
    if ((values[i] as number) * side > 0) {
      const at = (indexes[i] as number) - low;
      tally[at] = (tally[at] as number) + 1;
    }
  }
  // Widen the store to [first, last] once, add every bucket's count, then trim: the store's form is canonical.
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
  for (let i = 0; i < span; i++) {
    const count = tally[i] as number;
    if (count !== 0) counts[base + i] = (counts[base + i] as number) + sign * count;
  }
  if (counts[0] === 0 || counts[counts.length - 1] === 0) trim(store);
}

function addToStore(store: BucketStore, wanted: number, delta: number): void {
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

export function mergeSketches(a: LogSketch, b: LogSketch): LogSketch {
  return {
    zero: a.zero + b.zero,
    positive: mergeStores(a.positive, b.positive),
    negative: mergeStores(a.negative, b.negative),
  };
}

function mergeStores(a: BucketStore, b: BucketStore): BucketStore {
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

export function sketchCount(sketch: LogSketch): number {
  let total = sketch.zero;
  for (const count of sketch.positive.counts) total += count;
  for (const count of sketch.negative.counts) total += count;
  return total;
}

/** The representative of the value of 0-based rank `rank` in ascending order. */
export function sketchValueAtRank(sketch: LogSketch, rank: number): number {
  let seen = 0;
  const negative = sketch.negative;
  for (let i = negative.counts.length - 1; i >= 0; i--) {
    seen += negative.counts[i] as number;
    if (seen > rank) return -bucketValue(negative.offset + i);
  }
  seen += sketch.zero;
  if (seen > rank) return 0;
  const positive = sketch.positive;
  for (let i = 0; i < positive.counts.length; i++) {
    seen += positive.counts[i] as number;
    if (seen > rank) return bucketValue(positive.offset + i);
  }
  const last = positive.counts.length > 0 ? bucketValue(positive.offset + positive.counts.length - 1) : 0;
  return last;
}

/**
 * Stores as [offset, counts] with the counts as zigzag varints in base64 ([] when empty): a busy hour's
 * thousands of small counts take one or two bytes each instead of a JSON number and a comma.
 */
export function serializeSketch(sketch: LogSketch): unknown {
  const store = (s: BucketStore) => (s.counts.length === 0 ? [] : [s.offset, encodeCounts(s.counts)]);
  return { zero: sketch.zero, positive: store(sketch.positive), negative: store(sketch.negative) };
}

export function deserializeSketch(raw: unknown): LogSketch {
  const body = raw as { zero?: unknown; positive?: unknown; negative?: unknown };
  const store = (value: unknown): BucketStore => {
    if (!Array.isArray(value)) throw new RangeError('not a sketch store');
    if (value.length === 0) return { offset: 0, counts: [] };
    const [offset, counts] = value as [unknown, unknown];
    if (typeof offset !== 'number' || typeof counts !== 'string') throw new RangeError('not a sketch store');
    return { offset, counts: decodeCounts(counts) };
  };
  if (typeof body?.zero !== 'number') throw new RangeError('not a sketch');
  return { zero: body.zero, positive: store(body.positive), negative: store(body.negative) };
}

function encodeCounts(counts: readonly number[]): string {
  const bytes: number[] = [];
  for (const count of counts) {
    // Zigzag keeps a (transient) negative count short; counts stay far below 2^52.
    let rest = count >= 0 ? count * 2 : -count * 2 - 1;
    while (rest >= 128) {
      bytes.push((rest % 128) + 128);
      rest = Math.floor(rest / 128);
    }
    bytes.push(rest);
  }
  return Buffer.from(bytes).toString('base64');
}

function decodeCounts(text: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  const counts: number[] = [];
  let value = 0;
  let scale = 1;
  for (const byte of bytes) {
    value += (byte % 128) * scale;
    if (byte < 128) {
      counts.push(value % 2 === 0 ? value / 2 : -(value + 1) / 2);
      value = 0;
      scale = 1;
    } else scale *= 128;
  }
  return counts;
}
