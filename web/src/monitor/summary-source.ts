// The model's health summary (`GET .../summary`) per range and bin size, cached until Refresh. A summary already
// read for a wider range with the same bins answers a narrower one when the bins it leaves out held no events
// (the "latest data" probe's summary then serves the view itself, without a second request).
import type { ApiClient, RangeQuery } from '../api/client.js';
import type { ModelInfo, ModelSummary } from '../api/types.js';

const inside = (start: number, range: RangeQuery) => start >= range.start && start < range.end;

/** The summary of a wider range cut to `range`; undefined when a cut-off bin held events. */
export function narrowSummary(summary: ModelSummary, range: RangeQuery): ModelSummary | undefined {
  if (summary.bin_size !== range.bin_size || summary.start > range.start || summary.end < range.end) return;
  if (summary.traffic.points.some((p) => !inside(p.start, range) && p.value > 0)) return;
  return {
    ...summary,
    start: range.start,
    end: range.end,
    traffic: { ...summary.traffic, points: summary.traffic.points.filter((p) => inside(p.start, range)) },
    label_coverage: summary.label_coverage.filter((p) => inside(p.start, range)),
    open_alerts: summary.open_alerts.filter((alert) => inside(alert.bin_start, range)),
  };
}

export class SummarySource {
  private readonly cache = new Map<string, Promise<ModelSummary>>();
  private readonly read: ModelSummary[] = [];

  constructor(
    private readonly api: ApiClient,
    private readonly model: ModelInfo,
  ) {}

  clear(): void {
    this.cache.clear();
    this.read.length = 0;
  }

  get(range: RangeQuery): Promise<ModelSummary> {
    const key = `${range.bin_size}|${range.start}|${range.end}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    for (const summary of this.read) {
      const narrowed = narrowSummary(summary, range);
      if (narrowed) return Promise.resolve(narrowed);
    }
    const promise = this.api.summary(this.model, range).then((summary) => {
      this.read.push(summary);
      return summary;
    });
    promise.catch(() => this.cache.delete(key));
    this.cache.set(key, promise);
    return promise;
  }
}
