// The default time range: the one ending at the newest data the model has.
import type { BinSize } from '../api/types.js';
import type { SeriesLoader } from './loader.js';
import { binStartOf, DAY_MS, HOUR_MS, presetRange, type TimeRange } from './time.js';

/** The range ending at the newest data: the last 30 days, else up to a year back; trimmed to where data starts. */
export async function latestDataRange(
  loader: SeriesLoader,
  now: number,
): Promise<{ range: TimeRange; found: boolean }> {
  const hourEnd = binStartOf('hour', now) + HOUR_MS;
  const dayEnd = binStartOf('day', now) + DAY_MS;
  const probes: Array<{ bin: BinSize; span: number; width: number }> = [
    { bin: 'day', span: 30 * DAY_MS, width: DAY_MS },
    { bin: 'week', span: 371 * DAY_MS, width: 7 * DAY_MS },
  ];
  for (const probe of probes) {
    const series = await loader.series({
      metric: 'traffic',
      bin_size: probe.bin,
      start: dayEnd - probe.span,
      end: dayEnd,
    });
    const withData = series.points.filter((p) => p.count > 0);
    const first = withData[0];
    const last = withData[withData.length - 1];
    if (!first || !last) continue;
    const end = Math.min(last.start + probe.width, hourEnd);
    const start = Math.min(Math.max(first.start, end - 30 * DAY_MS), end - DAY_MS);
    return { range: { start, end }, found: true };
  }
  return { range: presetRange('7d', now), found: false };
}
