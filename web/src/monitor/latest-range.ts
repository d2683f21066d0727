// The default time range: the one ending at the newest data the model has, found from the model's summary (its
// traffic per bin), so the probe's answer can also serve the view.
import type { BinSize } from '../api/types.js';
import type { SummarySource } from './summary-source.js';
import { binStartOf, DAY_MS, HOUR_MS, presetRange, type TimeRange } from './time.js';

/** The range ending at the newest data: the last 30 days, else up to a year back; trimmed to where data starts. */
export async function latestDataRange(
  summaries: SummarySource,
  now: number,
): Promise<{ range: TimeRange; found: boolean }> {
  const hourEnd = binStartOf('hour', now) + HOUR_MS;
  const dayEnd = binStartOf('day', now) + DAY_MS;
  const probes: Array<{ bin: BinSize; span: number; width: number }> = [
    // 31 days: the view's range (30 days back from the newest hour) widened to whole days stays inside it.
    { bin: 'day', span: 31 * DAY_MS, width: DAY_MS },
    { bin: 'week', span: 371 * DAY_MS, width: 7 * DAY_MS },
  ];
  for (const probe of probes) {
    const start = binStartOf(probe.bin, dayEnd - probe.span);
    const summary = await summaries.get({ bin_size: probe.bin, start, end: dayEnd });
    const withData = summary.traffic.points.filter((p) => p.value > 0);
    const first = withData[0];
    const last = withData[withData.length - 1];
    if (!first || !last) continue;
    const end = Math.min(last.start + probe.width, hourEnd);
    const from = Math.min(Math.max(first.start, end - 30 * DAY_MS), end - DAY_MS);
    return { range: { start: from, end }, found: true };
  }
  return { range: presetRange('7d', now), found: false };
}
