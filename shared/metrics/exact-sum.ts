// Exact floating-point sums (Shewchuk expansions, as Python's math.fsum keeps them), so profile sums merge in any
// order and an event subtracted later leaves no residue: adding x then -x restores the very same sum.

/**
 * The exact real value of a sum of doubles, as doubles in canonical form: the first is the sum rounded to
 * nearest, each next one the rounded remainder, strictly decreasing in magnitude; [] is zero. Canonical form
 * makes equal sums structurally equal whatever the order of their terms. Plain JSON.
 */
export type ExactSum = number[];

export const ZERO_SUM: ExactSum = [];

/** The exact sum of `terms`, canonical. A term that is not finite is a RangeError: it has no exact sum. */
export function exactSumOf(terms: Iterable<number>): ExactSum {
  const finiteTerms = [...terms];
  if (!finiteTerms.every(Number.isFinite))
    throw new RangeError(`cannot sum ${finiteTerms.join(', ')} exactly`);
  return canonical(growPartials([], finiteTerms));
}

export function addExact(sum: ExactSum, term: number): ExactSum {
  if (!Number.isFinite(term)) throw new RangeError(`cannot sum ${term} exactly`);
  return addToShortSum(sum, term) ?? addExactSlowly(sum, term);
}

/**
 * The fold's common case without the general algorithm: a canonical sum [hi, lo] plus a term is exactly
 * hi + lo + term; three error-free additions give [round(total), total - round(total)] when the middle step is
 * exact, which is the canonical form by definition. Undefined when it is not, for the general path.
 */
function addToShortSum(sum: ExactSum, term: number): ExactSum | undefined {
  if (sum.length > 2) return undefined;
  const [s, e] = twoSum(sum[0] ?? 0, term);
  const [f, error] = twoSum(e, sum[1] ?? 0);
  if (error !== 0) return undefined;
  const [head, rest] = twoSum(s, f);
  if (!Number.isFinite(head)) return undefined;
  if (head === 0) return [];
  return rest === 0 ? [head] : [head, rest];
}

/** Knuth's two-sum: [fl(a + b), the exact rounding error]. */
function twoSum(a: number, b: number): [number, number] {
  const sum = a + b;
  const bVirtual = sum - a;
  return [sum, a - (sum - bVirtual) + (b - bVirtual)];
}

function addExactSlowly(sum: ExactSum, term: number): ExactSum {
  // The same steps as exactSumOf([...sum, term]), without the intermediate arrays.
  const partials: number[] = [];
  for (const component of sum) growOne(partials, component);
  growOne(partials, term);
  return canonical(partials);
}

/** `sum + a * b` without rounding the product (Dekker's two-product). */
export function addExactProduct(sum: ExactSum, a: number, b: number): ExactSum {
  return exactSumOf([...sum, ...twoProduct(a, b)]);
}

/** a + sign * b, exactly. */
export function combineExact(a: ExactSum, b: ExactSum, sign: 1 | -1 = 1): ExactSum {
  return exactSumOf([...a, ...b.map((component) => sign * component)]);
}

/** a * b, exactly: every pair of components multiplied with two-product. */
export function multiplyExact(a: ExactSum, b: ExactSum): ExactSum {
  const terms: number[] = [];
  for (const x of a) for (const y of b) terms.push(...twoProduct(x, y));
  return exactSumOf(terms);
}

/** The sum rounded to the nearest double. */
export function exactValue(sum: ExactSum): number {
  return sum[0] ?? 0;
}

/** Sign of the exact value: that of its leading component in canonical form. */
export function exactSign(sum: ExactSum): -1 | 0 | 1 {
  const head = sum[0] ?? 0;
  return head > 0 ? 1 : head < 0 ? -1 : 0;
}

/**
 * Shewchuk's grow-expansion as in CPython's math.fsum: keeps non-overlapping partials in increasing magnitude
 * whose exact sum is the exact sum of every term seen.
 */
function growPartials(partials: number[], terms: Iterable<number>): number[] {
  for (const term of terms) growOne(partials, term);
  return partials;
}

/** One step of growPartials, in place and without allocating: the fold calls it for every event. */
function growOne(partials: number[], term: number): void {
  let x = term;
  let kept = 0;
  for (let i = 0; i < partials.length; i++) {
    let y = partials[i] as number;
    if (Math.abs(x) < Math.abs(y)) {
      const swap = x;
      x = y;
      y = swap;
    }
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[kept++] = lo;
    x = hi;
  }
  partials.length = kept;
  if (x !== 0) partials.push(x);
}

/** The partials' exact sum rounded to nearest (half to even): the final step of CPython's math_fsum. */
function roundPartials(partials: number[]): number {
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n] as number;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n] as number;
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  // A remainder exactly half an ulp is rounded by the sign of what lies below it, not to even.
  const below = partials[n - 1] ?? 0;
  if (n > 0 && ((lo < 0 && below < 0) || (lo > 0 && below > 0))) {
    const doubled = lo * 2;
    const x = hi + doubled;
    if (doubled === x - hi) hi = x;
  }
  return hi;
}

function canonical(partials: number[]): ExactSum {
  // The fold's common case, one or two non-overlapping partials whose rounded sum is the larger one: the loop
  // below would return them largest first, so do that without it.
  if (partials.length === 1 && Number.isFinite(partials[0])) return [partials[0] as number];
  if (partials.length === 2) {
    const [small, large] = partials as [number, number];
    if (large + small === large && Number.isFinite(large)) return [large, small];
  }
  const components: number[] = [];
  const rest = partials;
  for (let head = roundPartials(rest); head !== 0; head = roundPartials(rest)) {
    if (!Number.isFinite(head)) throw new RangeError('exact sum overflowed the range of doubles');
    components.push(head);
    growOne(rest, -head);
  }
  return components;
}

/** 2^27 + 1: Veltkamp's constant splitting a double into two 26-bit halves. */
const SPLITTER = 134_217_729;

/** [p, e] with p = fl(a * b) and p + e = a * b exactly (valid while |a|, |b| < 1e300 and nothing underflows). */
function twoProduct(a: number, b: number): [number, number] {
  const product = a * b;
  const [aHigh, aLow] = split(a);
  const [bHigh, bLow] = split(b);
  const error = aLow * bLow - (product - aHigh * bHigh - aLow * bHigh - aHigh * bLow);
  return [product, error];
}

function split(a: number): [number, number] {
  const scaled = SPLITTER * a;
  const high = scaled - (scaled - a);
  return [high, a - high];
}

/**
 * `sum += term` in place, for the fold's hot path: the canonical [hi, lo] case is three error-free additions
 * written straight into the array; longer expansions go through a reused scratch buffer. Either way nothing is
 * allocated once the array has its length, and the result is the canonical expansion addExact returns.
 */
export function addExactInPlace(sum: ExactSum, term: number): void {
  const length = sum.length;
  if (length <= 2) {
    const a = length > 0 ? (sum[0] as number) : 0;
    const s = a + term;
    const sv = s - a;
    const e = a - (s - sv) + (term - sv);
    const low = length > 1 ? (sum[1] as number) : 0;
    const f = e + low;
    const fv = f - e;
    const error = e - (f - fv) + (low - fv);
    if (error === 0) {
      const head = s + f;
      const hv = head - s;
      const rest = s - (head - hv) + (f - hv);
      if (Number.isFinite(head)) {
        const wanted = head === 0 ? 0 : rest === 0 ? 1 : 2;
        if (length !== wanted) sum.length = wanted;
        if (wanted > 0) sum[0] = head;
        if (wanted > 1) sum[1] = rest;
        return;
      }
    }
  }
  if (!Number.isFinite(term)) throw new RangeError(`cannot sum ${term} exactly`);
  addExactInPlaceSlowly(sum, term);
}

/** Shewchuk partials of the sum, smallest first, in a buffer reused across calls (the fold is single-threaded). */
const scratch = new Float64Array(1100);
let scratchLength = 0;

function addExactInPlaceSlowly(sum: ExactSum, term: number): void {
  scratchLength = 0;
  for (let i = sum.length - 1; i >= 0; i--) growScratch(sum[i] as number);
  growScratch(term);
  // Partials each far below half an ulp of the next are already canonical (largest first): the usual case.
  let dominated = true;
  for (let i = 0; i + 1 < scratchLength && dominated; i++) {
    const next = scratch[i + 1] as number;
    dominated = next + 2 * (scratch[i] as number) === next;
  }
  if (dominated && Number.isFinite(scratch[scratchLength - 1] ?? 0)) {
    if (sum.length !== scratchLength) sum.length = scratchLength;
    for (let i = 0; i < scratchLength; i++) sum[i] = scratch[scratchLength - 1 - i] as number;
    return;
  }
  // Canonical form, as canonical() computes it: each component the rounded value of what remains.
  let kept = 0;
  for (let head = roundScratch(); head !== 0; head = roundScratch()) {
    if (!Number.isFinite(head)) throw new RangeError('exact sum overflowed the range of doubles');
    if (kept < sum.length) sum[kept] = head;
    else sum.push(head);
    kept++;
    growScratch(-head);
  }
  if (sum.length !== kept) sum.length = kept;
}

function growScratch(term: number): void {
  let x = term;
  let kept = 0;
  for (let i = 0; i < scratchLength; i++) {
    let y = scratch[i] as number;
    if (Math.abs(x) < Math.abs(y)) {
      const swap = x;
      x = y;
      y = swap;
    }
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) scratch[kept++] = lo;
    x = hi;
  }
  scratchLength = kept;
  if (x !== 0) scratch[scratchLength++] = x;
}

/** roundPartials over the scratch buffer, which it leaves as it is. */
function roundScratch(): number {
  let n = scratchLength;
  if (n === 0) return 0;
  let hi = scratch[--n] as number;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = scratch[--n] as number;
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  const below = n > 0 ? (scratch[n - 1] as number) : 0;
  if (n > 0 && ((lo < 0 && below < 0) || (lo > 0 && below > 0))) {
    const doubled = lo * 2;
    const x = hi + doubled;
    if (doubled === x - hi) hi = x;
  }
  return hi;
}

/**
 * `high + low += a * a` in place, exactly (Dekker's two-product; valid while |a| < 1e150 and a * a does not
 * underflow). The rounded squares and their rounding errors go to two sums: each then usually stays a canonical
 * pair, the in-place fast path, where one sum of both would need three components and the slow path.
 */
export function addExactSquareInPlace(high: ExactSum, low: ExactSum, a: number, sign: 1 | -1): void {
  const product = a * a;
  const scaled = SPLITTER * a;
  const upper = scaled - (scaled - a);
  const lower = a - upper;
  const error = lower * lower - (product - upper * upper - 2 * (lower * upper));
  addExactInPlace(high, sign * product);
  if (error !== 0) addExactInPlace(low, sign * error);
}

/**
 * `sum += terms[0] + ... + terms[length - 1]` in place, exactly, for a batch of the fold. Four running pairs take
 * every fourth term each with addExactInPlace's three error-free additions (four independent chains, where one sum
 * would wait on each addition before the next); a pair that cannot take a term exactly is added to `sum` and starts
 * again from the term. Every term ends up in `sum` exactly, and a canonical expansion depends only on the exact
 * value, so the result is the one adding the terms one by one gives. The four lanes are written out on purpose,
 * so the engine keeps each chain in registers: keep them unrolled rather than folded into a loop or helper.
 */
export function addTermsExactInPlace(sum: ExactSum, terms: Float64Array, length: number): void {
  let h0 = 0;
  let l0 = 0;
  let h1 = 0;
  let l1 = 0;
  let h2 = 0;
  let l2 = 0;
  let h3 = 0;
  let l3 = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    let t = terms[i] as number;
    let s = h0 + t;
    let v = s - h0;
    let e = h0 - (s - v) + (t - v);
    let f = e + l0;
    let w = f - e;
    if (e - (f - w) + (l0 - w) === 0 && s - s === 0) {
      h0 = s + f;
      w = h0 - s;
      l0 = s - (h0 - w) + (f - w);
    } else {
      flushPair(sum, h0, l0);
      h0 = t;
      l0 = 0;
    }
    t = terms[i + 1] as number;
    s = h1 + t;
    v = s - h1;
    e = h1 - (s - v) + (t - v);
    f = e + l1;
    w = f - e;
    if (e - (f - w) + (l1 - w) === 0 && s - s === 0) {
      h1 = s + f;
      w = h1 - s;
      l1 = s - (h1 - w) + (f - w);
    } else {
      flushPair(sum, h1, l1);
      h1 = t;
      l1 = 0;
    }
    t = terms[i + 2] as number;
    s = h2 + t;
    v = s - h2;
    e = h2 - (s - v) + (t - v);
    f = e + l2;
    w = f - e;
    if (e - (f - w) + (l2 - w) === 0 && s - s === 0) {
      h2 = s + f;
      w = h2 - s;
      l2 = s - (h2 - w) + (f - w);
    } else {
      flushPair(sum, h2, l2);
      h2 = t;
      l2 = 0;
    }
    t = terms[i + 3] as number;
    s = h3 + t;
    v = s - h3;
    e = h3 - (s - v) + (t - v);
    f = e + l3;
    w = f - e;
    if (e - (f - w) + (l3 - w) === 0 && s - s === 0) {
      h3 = s + f;
      w = h3 - s;
      l3 = s - (h3 - w) + (f - w);
    } else {
      flushPair(sum, h3, l3);
      h3 = t;
      l3 = 0;
    }
  }
  flushPair(sum, h0, l0);
  flushPair(sum, h1, l1);
  flushPair(sum, h2, l2);
  flushPair(sum, h3, l3);
  for (; i < length; i++) addExactInPlace(sum, terms[i] as number);
}

function flushPair(sum: ExactSum, high: number, low: number): void {
  if (high !== 0) addExactInPlace(sum, high);
  if (low !== 0) addExactInPlace(sum, low);
}
