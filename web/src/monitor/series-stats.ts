// Summaries of a metric series the panels and the drift table share: its highest bin, its newest bin with data,
// and columns ranked worst first.
import type { Point, Series } from '../api/types.js';

export function highest(points: Point[]): { value: number; start: number } | undefined {
  let best: { value: number; start: number } | undefined;
  for (const point of points) {
    if (point.value !== null && (!best || point.value > best.value))
      best = { value: point.value, start: point.start };
  }
  return best;
}

/** The value of the newest bin that holds data. */
export function latest(points: Point[]): Point | undefined {
  for (let i = points.length - 1; i >= 0; i--) {
    const point = points[i];
    if (point && point.count > 0 && point.value !== null) return point;
  }
  return undefined;
}

/** Ranks columns by their highest value in the range, worst first; columns without data go last. */
export function worstFirst(entries: Array<{ column: string; series: Series }>) {
  return [...entries].sort(
    (a, b) => (highest(b.series.points)?.value ?? -1) - (highest(a.series.points)?.value ?? -1),
  );
}
