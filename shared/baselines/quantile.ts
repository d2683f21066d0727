// Quantiles exactly as numpy.quantile's default method ("linear", Hyndman & Fan type 7).

/** The q-quantile (0 <= q <= 1) of values sorted ascending; NaN for an empty array. */
export function linearQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const position = (n - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, n - 1);
  const fraction = position - lower;
  const a = sorted[lower] as number;
  const b = sorted[upper] as number;
  // numpy's _lerp: a + d*t below one half, b - d*(1-t) from one half up; the same form keeps results bit-identical.
  const difference = b - a;
  return fraction >= 0.5 ? b - difference * (1 - fraction) : a + difference * fraction;
}

/** The baseline deciles 10%..90% used as default drift cut points. */
export function deciles(sorted: ArrayLike<number>): number[] {
  return [1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => linearQuantile(sorted, i / 10));
}
