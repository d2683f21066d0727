// Reading a sketch (log-sketch.ts) in ascending order of its values: its buckets, the value of a rank (quantiles),
// and its CDF at the ends of its buckets within a range (the distance measures' points between grid edges).

import type { BucketStore } from './bucket-store.js';
import { bucketIndex, bucketTop, bucketValue, type LogSketch } from './log-sketch.js';

/** A bucket as read: the values it holds lie in [lower, upper], `value` is within α of each of them. */
export interface SketchBucket {
  lower: number;
  upper: number;
  value: number;
  count: number;
}

/** A store in ascending order of its values: by x - origin (side 1) or origin - x (side -1), cut to [low, high]. */
interface Piece {
  store: BucketStore;
  origin: number;
  side: 1 | -1;
  low: number;
  high: number;
}

/** A count of values equal to one value (0, the centre). */
interface Point {
  at: number;
  count: number;
}

/**
 * The sketch's stores and points in ascending order. Each store is cut to the part of the line it keeps (a
 * store by |x| ends at centre/2, one by |x - centre| starts there), so pieces meet end to end; a mixed sketch's
 * stores (mergeSketches) are not cut, and overlap.
 */
function piecesOf(sketch: LogSketch, mixed: boolean): Array<Piece | Point> {
  const c = sketch.centre;
  const half = c * 0.5;
  const [low, high] = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  const uncentred: Array<Piece | Point> = [
    { store: sketch.negative, origin: 0, side: -1, low: c < 0 && !mixed ? half : low, high: 0 },
    { at: 0, count: sketch.zero },
    { store: sketch.positive, origin: 0, side: 1, low: 0, high: c > 0 && !mixed ? half : high },
  ];
  if (c === 0) return uncentred;
  const centred: Array<Piece | Point> = [
    { store: sketch.below, origin: c, side: -1, low: c > 0 ? half : low, high: c },
    { at: c, count: sketch.at_centre },
    { store: sketch.above, origin: c, side: 1, low: c, high: c < 0 ? half : high },
  ];
  return c < 0 ? [...centred, ...uncentred] : [...uncentred, ...centred];
}

/** Bucket i of a piece, cut to the piece: its ends and its representative moved inside them. */
function bucketOf(piece: Piece, i: number): [number, number, number] {
  const { origin, side } = piece;
  const near = origin + side * bucketTop(i - 1);
  const far = origin + side * bucketTop(i);
  const lower = Math.max(side > 0 ? near : far, piece.low);
  const upper = Math.max(Math.min(side > 0 ? far : near, piece.high), lower);
  return [lower, upper, Math.min(Math.max(origin + side * bucketValue(i), lower), upper)];
}

/** Whether a store by |x| holds a bucket wholly beyond centre/2: merged from a sketch without a centre. */
function isMixed(sketch: LogSketch): boolean {
  const c = sketch.centre;
  const s = c > 0 ? sketch.positive : c < 0 ? sketch.negative : null;
  return s !== null && s.counts.length > 0 && bucketTop(s.offset + s.counts.length - 2) >= Math.abs(c) * 0.5;
}

/**
 * Every bucket (empty ones inside a store's range included) in ascending order, its representative moved inside
 * its cut bucket, which keeps it within α of every value the cut bucket holds. A merge with a sketch stored before
 * centres existed can leave buckets by |x| beyond centre/2, overlapping centred ones: then they come in the order
 * of their representatives, and the k-th representative is still within α of the k-th value (replacing each value
 * by a representative within α|x| moves no order statistic by more than α|x|, as x ± α|x| are increasing).
 */
export function sketchBuckets(sketch: LogSketch): SketchBucket[] {
  const buckets: SketchBucket[] = [];
  const mixed = isMixed(sketch);
  for (const part of piecesOf(sketch, mixed)) {
    if ('at' in part) {
      if (part.count !== 0)
        buckets.push({ lower: part.at, upper: part.at, value: part.at, count: part.count });
      continue;
    }
    const { offset, counts } = part.store;
    for (let k = 0; k < counts.length; k++) {
      const i = part.side > 0 ? offset + k : offset + counts.length - 1 - k;
      const [lower, upper, value] = bucketOf(part, i);
      buckets.push({ lower, upper, value, count: counts[i - offset] as number });
    }
  }
  if (mixed) buckets.sort((x, y) => x.value - y.value);
  return buckets;
}

/** The representative of the value of 0-based rank `rank` in ascending order. */
export function sketchValueAtRank(sketch: LogSketch, rank: number): number {
  if (isMixed(sketch)) {
    let seen = 0;
    let last = 0;
    for (const b of sketchBuckets(sketch)) {
      if (b.count === 0) continue;
      seen += b.count;
      last = b.value;
      if (seen > rank) break;
    }
    return last;
  }
  // Counts only, until the bucket holding the rank: its ends and representative are the one thing computed.
  let seen = 0;
  let last: [Piece, number] | number = 0;
  for (const part of piecesOf(sketch, false)) {
    if ('at' in part) {
      if (part.count === 0) continue;
      seen += part.count;
      last = part.at;
      if (seen > rank) return part.at;
      continue;
    }
    const { offset, counts } = part.store;
    for (let k = 0; k < counts.length; k++) {
      const i = part.side > 0 ? offset + k : offset + counts.length - 1 - k;
      const count = counts[i - offset] as number;
      if (count === 0) continue;
      seen += count;
      last = [part, i];
      if (seen > rank) return bucketOf(part, i)[2];
    }
  }
  return typeof last === 'number' ? last : bucketOf(last[0], last[1])[2];
}

/** A sketch ready for sketchPointsWithin: its pieces in order, with the count of values before each bucket. */
export interface SketchReader {
  sketch: LogSketch;
  mixed: boolean;
  parts: Array<Piece | Point>;
  /** Per part, the count of values before it. */
  before: number[];
  /** Per store, the running sum of its counts in index order; made when the store is first read. */
  sums: Array<Float64Array | undefined>;
}

export function sketchReader(sketch: LogSketch): SketchReader {
  const mixed = isMixed(sketch);
  const parts = piecesOf(sketch, mixed);
  const before: number[] = [];
  let seen = 0;
  for (const part of parts) {
    before.push(seen);
    if ('at' in part) seen += part.count;
    else {
      const counts = part.store.counts;
      for (let k = 0; k < counts.length; k++) seen += counts[k] as number;
    }
  }
  return { sketch, mixed, parts, before, sums: [] };
}

/** The running sums of a store's counts: sums[k] is the count in its first k buckets. */
function runningSums(counts: readonly number[]): Float64Array {
  const sums = new Float64Array(counts.length + 1);
  for (let k = 0; k < counts.length; k++) sums[k + 1] = (sums[k] as number) + (counts[k] as number);
  return sums;
}

/**
 * The bucket of a piece holding x (one early: bucketIndex rounds), within the store's range; null when the piece
 * holds nothing from x on.
 */
function bucketHolding(piece: Piece, x: number): number | null {
  const { offset, counts } = piece.store;
  const top = offset + counts.length - 1;
  const distance = piece.side > 0 ? x - piece.origin : piece.origin - x;
  if (!(distance > 0)) return piece.side > 0 ? offset : null;
  const index = bucketIndex(distance);
  return piece.side > 0
    ? Math.min(Math.max(offset, index - 1), top)
    : Math.max(Math.min(top, index + 1), offset);
}

/**
 * The count of values at most x at every bucket end strictly inside (lo, hi), ascending: exact, as a bucket holds
 * whole values; a point (0, the centre) strictly inside as a jump, `emit` called with the count before it, then
 * after, and a point at hi with the count before it (its left limit). Visits only the buckets that reach into
 * (lo, hi), and with `spacing` > 0 only one bucket per `spacing` of the line (buckets near the centre are far
 * finer than a grid cell). A mixed sketch's overlapping buckets give counts exact only at its centred buckets' ends.
 */
export function sketchPointsWithin(
  reader: SketchReader,
  lo: number,
  hi: number,
  spacing: number,
  emit: (x: number, count: number) => void,
): void {
  if (reader.mixed) {
    let seen = 0;
    for (const b of sketchBuckets(reader.sketch)) {
      if (b.lower > lo && b.lower < hi) emit(b.lower, seen);
      seen += b.count;
      if (b.upper > lo && b.upper < hi) emit(b.upper, seen);
    }
    return;
  }
  const { parts } = reader;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p] as Piece | Point;
    const seen = reader.before[p] as number;
    if ('at' in part) {
      if (part.count !== 0 && part.at > lo && part.at <= hi) {
        emit(part.at, seen);
        if (part.at < hi) emit(part.at, seen + part.count);
      }
      continue;
    }
    const { store, origin, side } = part;
    const { offset, counts } = store;
    if (counts.length === 0 || part.low >= hi || part.high <= lo) continue;
    const top = offset + counts.length - 1;
    const start = bucketHolding(part, lo);
    if (start === null) continue;
    let i = start;
    reader.sums[p] ??= runningSums(counts);
    const running = reader.sums[p] as Float64Array;
    const total = running[counts.length] as number;
    while (side > 0 ? i <= top : i >= offset) {
      const lower = Math.max(origin + side * bucketTop(side > 0 ? i - 1 : i), part.low);
      const upper = Math.max(Math.min(origin + side * bucketTop(side > 0 ? i : i - 1), part.high), lower);
      if (lower >= hi) return;
      const k = i - offset;
      // Values before bucket i: those of lower indexes (side 1) or of higher ones (side -1).
      const prior = seen + (side > 0 ? (running[k] as number) : total - (running[k + 1] as number));
      if (lower > lo) emit(lower, prior);
      if (upper > lo && upper < hi) emit(upper, prior + (counts[k] as number));
      // Points closer than `spacing` add little: skip to the bucket holding the next point wanted.
      // The store's last bucket is always visited: its end is where the values stop.
      if (!(spacing > 0)) i += side;
      else {
        const next = bucketHolding(part, Math.max(upper, lo) + spacing);
        if (next !== null) i = side > 0 ? Math.max(next, i + 1) : Math.min(next, i - 1);
        else i = i > offset ? offset : offset - 1;
      }
    }
  }
}
