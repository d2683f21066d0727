// A DDSketch-style quantile sketch (Masson, Rim and Lee, "DDSketch", VLDB 2019) with a centre: a value on the
// centre's side of centre/2 goes to a log-spaced bucket of its distance to the centre, any other to one of its
// magnitude, so every bucket is within α of both |x| and |x - centre|. Counts only, so removal is subtraction.

import {
  addCountsToStore,
  addToStore,
  type BucketStore,
  deserializeStore,
  emptyStore,
  fitsAtOnce,
  MAX_BUCKETS,
  mergeStores,
  serializeStore,
  storeCount,
} from './bucket-store.js';

/** α: a bucket's representative is within 0.5% of every value in it, well inside the contract's 1%. */
export const RELATIVE_ACCURACY = 0.005;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);

export { MAX_BUCKETS } from './bucket-store.js';

/**
 * With centre c ≠ 0, the values beyond c/2 on c's side (x > c/2 for c > 0) are kept by |x - c|, which there is
 * below |x|: a bucket's width then scales with the distance to the centre (the column's spread) rather than with
 * the magnitude, however far from 0 the column sits. The other values are kept by |x|, which there is at most
 * |x - c|. Either way a bucket is within α of both. A sketch stored before centres existed has centre 0: every
 * value by |x|, as DDSketch.
 */
export interface LogSketch {
  centre: number;
  /** Values equal to 0, then values kept by |x|, by the bucket of their magnitude. */
  zero: number;
  positive: BucketStore;
  negative: BucketStore;
  /** Values equal to the centre, then values kept by |x - centre|, by the bucket of that distance. */
  at_centre: number;
  above: BucketStore;
  below: BucketStore;
}

export function emptySketch(centre = 0): LogSketch {
  return {
    centre: centre + 0,
    zero: 0,
    positive: emptyStore(),
    negative: emptyStore(),
    at_centre: 0,
    above: emptyStore(),
    below: emptyStore(),
  };
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

/** The upper end of bucket i, γ^i, computed as bucketIndex inverts it. */
export function bucketTop(index: number): number {
  return Math.exp(index * LOG_GAMMA);
}

/** Whether a value is kept by its distance to the centre. */
function isCentred(centre: number, value: number): boolean {
  return centre > 0 ? value > centre * 0.5 : centre < 0 && value < centre * 0.5;
}

/** Adds (sign 1) or removes (sign -1) one finite value, in place; allocates only when a store's range grows. */
export function absorbIntoSketch(sketch: LogSketch, value: number, sign: 1 | -1): void {
  if (isCentred(sketch.centre, value)) {
    const distance = value - sketch.centre;
    if (distance > 0) addToStore(sketch.above, bucketIndex(distance), sign);
    else if (distance < 0) addToStore(sketch.below, bucketIndex(-distance), sign);
    else sketch.at_centre += sign;
  } else if (value > 0) addToStore(sketch.positive, bucketIndex(value), sign);
  else if (value < 0) addToStore(sketch.negative, bucketIndex(-value), sign);
  else sketch.zero += sign;
}

/** A value counted by zero or at_centre, not in a store. */
const POINT = 4;

/** Per value of a batch, its store and bucket, and per store its buckets' counts: scratch reused across calls. */
let batchStores = new Uint8Array(1024);
let batchIndexes = new Int32Array(1024);
const lows = new Int32Array(4);
const highs = new Int32Array(4);
const starts = new Int32Array(4);
const tally = new Float64Array(4 * MAX_BUCKETS);

/**
 * absorbIntoSketch for `length` values at once, with one sign: the same sketch as absorbing them one by one. One
 * pass finds each value's store and bucket, a second counts them per bucket for every store the batch fits at once
 * (fitsAtOnce); a store it does not fit takes its values one by one, in order.
 */
export function absorbManyIntoSketch(
  sketch: LogSketch,
  values: Float64Array,
  length: number,
  sign: 1 | -1,
): void {
  if (batchIndexes.length < length) {
    batchIndexes = new Int32Array(Math.max(length, 2 * batchIndexes.length));
    batchStores = new Uint8Array(batchIndexes.length);
  }
  const stores = batchStores;
  const indexes = batchIndexes;
  lows.fill(0x7fffffff);
  highs.fill(-0x7fffffff);
  const centre = sketch.centre;
  const half = centre * 0.5;
  let zeros = 0;
  let centres = 0;
  for (let i = 0; i < length; i++) {
    const value = values[i] as number;
    const centred = centre > 0 ? value > half : centre < 0 && value < half;
    const distance = centred ? value - centre : value;
    if (distance === 0) {
      if (centred) centres++;
      else zeros++;
      stores[i] = POINT;
      continue;
    }
    // NEGATIVE 0, POSITIVE 1, BELOW 2, ABOVE 3.
    const store = (centred ? 2 : 0) + (distance > 0 ? 1 : 0);
    const index = bucketIndex(distance > 0 ? distance : -distance);
    stores[i] = store;
    indexes[i] = index;
    if (index < (lows[store] as number)) lows[store] = index;
    if (index > (highs[store] as number)) highs[store] = index;
  }
  sketch.zero += sign * zeros;
  sketch.at_centre += sign * centres;
  const targets = [sketch.negative, sketch.positive, sketch.below, sketch.above];
  let counted = 0;
  for (let store = 0; store < 4; store++) {
    const [low, high] = [lows[store] as number, highs[store] as number];
    if (low > high || !fitsAtOnce(targets[store] as BucketStore, low, high)) {
      starts[store] = -1;
      continue;
    }
    starts[store] = counted;
    tally.fill(0, counted, counted + high - low + 1);
    counted += high - low + 1;
  }
  for (let i = 0; i < length; i++) {
    const store = stores[i] as number;
    if (store === POINT) continue;
    const start = starts[store] as number;
    if (start < 0) continue;
    const at = start + (indexes[i] as number) - (lows[store] as number);
    tally[at] = (tally[at] as number) + 1;
  }
  for (let store = 0; store < 4; store++) {
    const [low, high] = [lows[store] as number, highs[store] as number];
    if (low > high) continue;
    const target = targets[store] as BucketStore;
    const start = starts[store] as number;
    if (start >= 0) addCountsToStore(target, tally, start, low, high, sign);
    else
      for (let i = 0; i < length; i++)
        if (stores[i] === store) addToStore(target, indexes[i] as number, sign);
  }
}

/**
 * Merges counts bucket by bucket. A sketch stored before centres existed (centre 0) merges with a centred one
 * exactly: its buckets by |x| are the centred sketch's own buckets by |x|, which may then also hold values beyond
 * centre/2 (read as such: sketch-read.ts).
 */
export function mergeSketches(a: LogSketch, b: LogSketch): LogSketch {
  if (a.centre !== b.centre && a.centre !== 0 && b.centre !== 0)
    throw new RangeError('cannot merge sketches of different centres');
  return {
    centre: a.centre !== 0 ? a.centre : b.centre,
    zero: a.zero + b.zero,
    positive: mergeStores(a.positive, b.positive),
    negative: mergeStores(a.negative, b.negative),
    at_centre: a.at_centre + b.at_centre,
    above: mergeStores(a.above, b.above),
    below: mergeStores(a.below, b.below),
  };
}

export function sketchCount(sketch: LogSketch): number {
  return (
    sketch.zero +
    sketch.at_centre +
    storeCount(sketch.positive) +
    storeCount(sketch.negative) +
    storeCount(sketch.above) +
    storeCount(sketch.below)
  );
}

/** Only the stores a sketch uses: one without a centre reads, and is written, as before centres existed. */
export function serializeSketch(sketch: LogSketch): unknown {
  const uncentred = {
    zero: sketch.zero,
    positive: serializeStore(sketch.positive),
    negative: serializeStore(sketch.negative),
  };
  if (sketch.centre === 0) return uncentred;
  return {
    ...uncentred,
    centre: sketch.centre,
    at_centre: sketch.at_centre,
    above: serializeStore(sketch.above),
    below: serializeStore(sketch.below),
  };
}

export function deserializeSketch(raw: unknown): LogSketch {
  const body = raw as Record<string, unknown>;
  if (typeof body?.zero !== 'number') throw new RangeError('not a sketch');
  const centre = body.centre ?? 0;
  const atCentre = body.at_centre ?? 0;
  if (typeof centre !== 'number' || typeof atCentre !== 'number') throw new RangeError('not a sketch');
  return {
    centre,
    zero: body.zero,
    positive: deserializeStore(body.positive),
    negative: deserializeStore(body.negative),
    at_centre: atCentre,
    above: deserializeStore(body.above),
    below: deserializeStore(body.below),
  };
}
