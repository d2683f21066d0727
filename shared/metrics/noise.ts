// The noise floor of each drift metric: its expected value for a sample of n values drawn from the baseline
// itself, so a reader can tell drift from sampling noise. Formulas and their accuracy: docs/metrics.md.

import { logGamma } from './chi-squared.js';
import type { BaselineGrid } from './numeric/baseline-grid.js';
import { seededRandom } from './seeded-random.js';

/** Up to this sample size the bin-based metrics' noise is simulated; above it, their asymptotics are close. */
export const SIMULATED_UP_TO = 100;
const REPLICATES = 400;
const MAX_CACHED = 4096;

type BinMetric = (baseline: readonly number[], observed: readonly number[]) => number | null;

const binCache = new WeakMap<readonly number[], Map<string, number | null>>();
const gridCache = new WeakMap<BaselineGrid, Map<number, number | null>>();
const ksCache = new Map<number, number>();

function cached<K>(map: Map<K, number | null>, key: K, compute: () => number | null): number | null {
  const known = map.get(key);
  if (known !== undefined) return known;
  if (map.size >= MAX_CACHED) map.clear();
  const value = compute();
  map.set(key, value);
  return value;
}

/** E[sqrt(X)] for X chi-squared with ν degrees of freedom: sqrt(2) Γ((ν+1)/2) / Γ(ν/2). */
function meanRootChiSquared(dof: number): number {
  return Math.SQRT2 * Math.exp(logGamma((dof + 1) / 2) - logGamma(dof / 2));
}

/**
 * Asymptotics of the bin-based metrics for n draws over k bins the baseline holds: n·Σ(q-p)²/p tends to χ²(k-1),
 * and to second order JS divergence (nats) and 1 - Bhattacharyya coefficient are Σ(q-p)²/(8p), PSI is Σ(q-p)²/p.
 */
function asymptoticBinNoise(id: string, bins: number, n: number): number | null {
  const dof = bins - 1;
  if (dof < 1) return id === 'chi_squared_p_value' ? 1 : 0;
  switch (id) {
    case 'jsd':
      return Math.sqrt(1 / (8 * n * Math.LN2)) * meanRootChiSquared(dof);
    case 'hellinger':
      return Math.sqrt(1 / (8 * n)) * meanRootChiSquared(dof);
    case 'psi':
      return dof / n;
    case 'chi_squared_p_value':
      // Under the null hypothesis a continuous test's p-value is uniform on (0, 1).
      return 0.5;
    default:
      return null;
  }
}

/** Noise of a metric over drift bins (jsd, psi, hellinger, chi_squared_p_value) for a sample of n values. */
export function binMetricNoise(
  id: string,
  metric: BinMetric,
  baselineCounts: readonly number[],
  n: number,
): number | null {
  if (n <= 0) return null;
  const total = baselineCounts.reduce((sum, count) => sum + count, 0);
  if (total <= 0) return null;
  let map = binCache.get(baselineCounts);
  if (!map) {
    map = new Map();
    binCache.set(baselineCounts, map);
  }
  const bins = baselineCounts.filter((count) => count > 0).length;
  if (n > SIMULATED_UP_TO) return cached(map, `${id}#${n}`, () => asymptoticBinNoise(id, bins, n));
  return cached(map, `${id}#${n}`, () => {
    const cumulative: number[] = [];
    let running = 0;
    for (const count of baselineCounts) {
      running += count;
      cumulative.push(running / total);
    }
    const random = seededRandom(n * 7919 + 17);
    // Wide category columns: fewer replicates, so one bin's noise stays a few million steps of work.
    const replicates = Math.max(20, Math.min(REPLICATES, Math.floor(4e6 / (baselineCounts.length * 4 + n))));
    const counts = new Array<number>(baselineCounts.length).fill(0);
    let sum = 0;
    let used = 0;
    for (let r = 0; r < replicates; r++) {
      counts.fill(0);
      for (let i = 0; i < n; i++) {
        const bin = upperBound(cumulative, random());
        counts[bin] = (counts[bin] as number) + 1;
      }
      const value = metric(baselineCounts, counts);
      if (value !== null) {
        sum += value;
        used++;
      }
    }
    return used > 0 ? sum / used : null;
  });
}

/** First index whose cumulative proportion exceeds u. */
function upperBound(cumulative: readonly number[], u: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((cumulative[middle] as number) > u) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * E[sup|F_n - F|] for n draws from a continuous baseline: distribution-free, so simulated once per n over uniforms
 * (up to SIMULATED_UP_TO), else E[K]/(√n + 0.12 + 0.11/√n) with E[K] = √(π/2)·ln 2 the Kolmogorov distribution's
 * mean and Stephens' (1970) small-sample correction.
 */
export function ksNoise(n: number): number | null {
  if (n <= 0) return null;
  if (n > SIMULATED_UP_TO)
    return (Math.sqrt(Math.PI / 2) * Math.LN2) / (Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n));
  const known = ksCache.get(n);
  if (known !== undefined) return known;
  const random = seededRandom(n * 104_729 + 3);
  const draws = new Float64Array(n);
  const replicates = 2000;
  let sum = 0;
  for (let r = 0; r < replicates; r++) {
    for (let i = 0; i < n; i++) draws[i] = random();
    draws.sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const u = draws[i] as number;
      d = Math.max(d, (i + 1) / n - u, u - i / n);
    }
    sum += d;
  }
  const value = sum / replicates;
  ksCache.set(n, value);
  return value;
}

/**
 * E[W1(F_n, F)] / σ: exactly ∫ E|F_n(x) - F(x)| dx, where n·F_n(x) is Binomial(n, F(x)), whose mean absolute
 * deviation is de Moivre's 2ν·C(n,ν)·p^ν·(1-p)^(n-ν+1), ν = ⌊np⌋ + 1. F is linear within each grid cell;
 * the integral takes 16 midpoints per cell.
 */
export function wassersteinNoise(grid: BaselineGrid, n: number): number | null {
  if (n <= 0 || !(grid.std > 0)) return null;
  let map = gridCache.get(grid);
  if (!map) {
    map = new Map();
    gridCache.set(grid, map);
  }
  return cached(map, n, () => {
    let below = grid.counts[0] as number;
    let integral = 0;
    for (let j = 1; j < grid.edges.length; j++) {
      const width = (grid.edges[j] as number) - (grid.edges[j - 1] as number);
      const from = below / grid.count;
      const to = (below + (grid.counts[j] as number)) / grid.count;
      let cell = 0;
      for (let s = 0; s < 16; s++)
        cell += binomialMeanAbsoluteDeviation(n, from + ((to - from) * (s + 0.5)) / 16);
      integral += (cell / 16 / n) * width;
      below += grid.counts[j] as number;
    }
    return integral / grid.std;
  });
}

/**
 * wassersteinNoise for a production baseline (a window or the previous bins) read as a piecewise CDF (its grid
 * edges, and its sketch beyond them), in units of its own population std: the same integral over its linear
 * pieces, taken through knots at least 0.2% of mass apart (jumps kept), at one midpoint per 0.5% of a piece's
 * mass: each point of a rolling baseline has its own, so it costs tens of microseconds, not a millisecond, and
 * the expectation moves by far less than its few % of accuracy.
 */
export function wassersteinNoiseOf(
  cdf: { xs: readonly number[]; ps: readonly number[] },
  n: number,
  std: number,
): number | null {
  if (n <= 0 || !(std > 0) || cdf.xs.length === 0) return null;
  const { xs, ps } = cdf;
  let integral = 0;
  let from = 0;
  for (let i = 1; i < xs.length; i++) {
    const last = i === xs.length - 1;
    if (!last && xs[i] !== xs[i + 1] && (ps[i] as number) - (ps[from] as number) < 0.002) continue;
    const width = (xs[i] as number) - (xs[from] as number);
    const [low, high] = [ps[from] as number, ps[i] as number];
    if (width > 0) {
      const steps = Math.min(16, Math.max(1, Math.ceil((high - low) * 200)));
      let piece = 0;
      for (let s = 0; s < steps; s++)
        piece += binomialMeanAbsoluteDeviation(n, low + ((high - low) * (s + 0.5)) / steps);
      integral += (piece / steps / n) * width;
    }
    from = i;
  }
  return integral / std;
}

function binomialMeanAbsoluteDeviation(n: number, p: number): number {
  if (p <= 0 || p >= 1) return 0;
  const nu = Math.floor(n * p) + 1;
  if (nu > n) return 0;
  const logChoose = logGamma(n + 1) - logGamma(nu + 1) - logGamma(n - nu + 1);
  return 2 * nu * Math.exp(logChoose + nu * Math.log(p) + (n - nu + 1) * Math.log1p(-p));
}
