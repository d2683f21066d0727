// The chi-squared goodness-of-fit test as scipy.stats.chisquare(f_obs, f_exp=n*p) computes it, with the survival
// function from the regularised upper incomplete gamma function (Numerical Recipes, 3rd ed., section 6.2).

/** ln Γ(x) for x > 0: Lanczos' approximation (g = 7, 9 terms), accurate to about 1e-15 relative. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let series = c[0] as number;
  for (let i = 1; i < 9; i++) series += (c[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(series);
}

/** Q(a, x) = Γ(a, x) / Γ(a): the series for x < a + 1, the continued fraction (modified Lentz) beyond. */
export function upperRegularizedGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return Math.max(0, 1 - sum * Math.exp(logPrefix));
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(logPrefix) * h;
}

/** P(X > statistic) for X chi-squared with `dof` degrees of freedom (scipy.stats.chi2.sf). */
export function chiSquaredSurvival(statistic: number, dof: number): number {
  return upperRegularizedGamma(dof / 2, statistic / 2);
}

/**
 * p-value of the bin's counts against the baseline's proportions. Bins the baseline never saw (expected 0) are
 * left out of the statistic and the degrees of freedom when the bin has none there either; a value there is
 * impossible under the baseline, so the p-value is 0. With one possible bin the test has nothing to compare: 1.
 * Null when either side is empty.
 */
export function chiSquaredPValue(
  baselineCounts: readonly number[],
  observedCounts: readonly number[],
): number | null {
  const baselineTotal = baselineCounts.reduce((sum, count) => sum + count, 0);
  const n = observedCounts.reduce((sum, count) => sum + count, 0);
  if (baselineTotal <= 0 || n <= 0) return null;
  let statistic = 0;
  let bins = 0;
  for (let i = 0; i < baselineCounts.length; i++) {
    const observed = observedCounts[i] ?? 0;
    const expected = (n * (baselineCounts[i] as number)) / baselineTotal;
    if (expected === 0) {
      if (observed > 0) return 0;
      continue;
    }
    bins++;
    statistic += (observed - expected) ** 2 / expected;
  }
  return bins <= 1 ? 1 : chiSquaredSurvival(statistic, bins - 1);
}
