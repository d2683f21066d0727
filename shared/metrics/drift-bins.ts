// Numeric drift bins: interior cut points e1 < ... < ek making k+1 right-closed bins (-inf,e1], (e1,e2], ..., (ek,+inf),
// as contract section 5 defines them, and the counting of values into those bins.

/** Cut points made usable: finite, ascending, each once (explicit edges may come unsorted or repeated). */
export function cleanEdges(edges: readonly number[]): number[] {
  const sorted = edges.filter((edge) => Number.isFinite(edge)).sort((a, b) => a - b);
  return sorted.filter((edge, index) => index === 0 || edge > (sorted[index - 1] as number));
}

/** Default cut points: the baseline deciles with repeats removed (an integer column's deciles often tie). */
export function edgesFromDeciles(deciles: readonly number[] | null): number[] {
  return cleanEdges(deciles ?? []);
}

/** Index of the bin holding `value`: the number of edges strictly below it, since bins are closed on the right. */
export function numericBinIndex(edges: readonly number[], value: number): number {
  return countBelow(edges, value, false);
}

/** Count of `sortedValues` in each of the k+1 bins the k edges make. */
export function countPerNumericBin(edges: readonly number[], sortedValues: ArrayLike<number>): number[] {
  const counts: number[] = [];
  let atOrBelowPrevious = 0;
  for (const edge of edges) {
    const atOrBelow = countBelow(sortedValues, edge, true);
    counts.push(atOrBelow - atOrBelowPrevious);
    atOrBelowPrevious = atOrBelow;
  }
  counts.push(sortedValues.length - atOrBelowPrevious);
  return counts;
}

/** Number of leading elements of an ascending array below `limit` (or at most `limit` when inclusive); binary search. */
function countBelow(sorted: ArrayLike<number>, limit: number, inclusive: boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const element = sorted[middle] as number;
    if (element < limit || (inclusive && element === limit)) low = middle + 1;
    else high = middle;
  }
  return low;
}
