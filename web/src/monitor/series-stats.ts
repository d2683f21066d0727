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

/**
 * Drift beyond sampling noise: over three times the value a sample of the bin's size drawn from the baseline
 * itself would show on average, and at least 0.05 above it (large bins have tiny floors; a wobble of 0.03 there
 * is real but too small to act on).
 */
export function beyondNoise(point: { value: number | null; noise?: number | null }): boolean {
  if (point.value === null || typeof point.noise !== 'number') return false;
  return point.value > NOISE_FACTOR * point.noise && point.value - point.noise >= NOISE_MARGIN;
}

export const NOISE_FACTOR = 3;
export const NOISE_MARGIN = 0.05;
