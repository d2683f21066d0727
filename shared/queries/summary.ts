// A model's health over a range in one read of its profiles: traffic, each column's latest and worst drift and
// integrity, the latest performance, the labelled share of events per bin, and the alerts still open.
import type { AlertRecord } from '../alerts/types.js';
import type { MetricResult } from '../metrics/definition.js';
import { emptyProfile } from '../metrics/profile.js';
import { computeMetric, METRIC_IDS, metricDefinition } from '../metrics/registry.js';
import type { SpecDeps } from '../specs/specs.js';
import type { AlertStore } from '../storage/alerts.js';
import type { ModelRecord } from '../storage/registry.js';
import type { BinSize } from '../time/bins.js';
import { openRange, readBins } from './bin-profiles.js';

/** Open alerts listed at most: a summary, not an inventory (GET .../alerts pages through them all). */
export const MAX_OPEN_ALERTS = 500;
const ALERT_PAGE = 200;

type BinValue = { start: number; value: number } | null;
type OpenAlert = Omit<AlertRecord, 'project_id' | 'model_id'>;

export interface ModelSummary {
  bin_size: BinSize;
  start: number;
  end: number;
  traffic: { total: number; points: Array<{ start: number; value: number }> };
  columns: Array<{
    column: string;
    role: 'input' | 'output';
    jsd: { latest: BinValue; worst: BinValue } | null;
    any_violation_percentage: { latest: BinValue; worst: BinValue };
  }>;
  performance: Array<{ metric: string; latest: { start: number; value: number; data_count: number } | null }>;
  label_coverage: Array<{ start: number; data_count: number; traffic: number; value: number | null }>;
  open_alerts: OpenAlert[];
}

export async function modelSummary(
  deps: SpecDeps & { alerts: AlertStore },
  record: ModelRecord,
  query: { bin_size: BinSize; start: number; end: number },
): Promise<ModelSummary> {
  const range = await openRange(deps, record, query.bin_size, query.start, query.end);
  const { spec, starts } = range;
  const [bins, open_alerts] = await Promise.all([
    readBins(deps.profiles, range),
    openAlerts(deps.alerts, range.model, range.from, range.to),
  ]);
  const empty = emptyProfile(spec);
  const series = (metric: string, column?: string): Array<MetricResult & { start: number }> =>
    starts.map((start) => ({ start, ...computeMetric(metric, bins.get(start) ?? empty, spec, column) }));

  const traffic = series('traffic').map(({ start, count }) => ({ start, value: count }));
  const drifting = new Set(metricDefinition('jsd').columnsAllowed(spec));
  const columns = spec.columns.map(({ name }) => ({
    column: name,
    role:
      spec.outputs.includes(name) && !spec.inputs.includes(name) ? ('output' as const) : ('input' as const),
    jsd: drifting.has(name) ? latestAndWorst(series('jsd', name)) : null,
    any_violation_percentage: latestAndWorst(series('any_violation_percentage', name)),
  }));
  const hasLabels = metricDefinition('data_count').tasks.includes(spec.task);
  const performance = performanceMetricsOf(spec.task).map((metric) => {
    const latest = series(metric).findLast((point) => point.value !== null);
    return {
      metric,
      latest: latest
        ? { start: latest.start, value: latest.value as number, data_count: latest.count }
        : null,
    };
  });
  const label_coverage = hasLabels
    ? series('data_count').map(({ start, count }, i) => {
        const events = traffic[i]?.value ?? 0;
        return { start, data_count: count, traffic: events, value: events === 0 ? null : count / events };
      })
    : [];
  return {
    bin_size: query.bin_size,
    start: range.from,
    end: range.to,
    traffic: { total: traffic.reduce((sum, point) => sum + point.value, 0), points: traffic },
    columns,
    performance,
    label_coverage,
    open_alerts,
  };
}

/** Metrics of the model's task that score predictions: per model, and not for every task as traffic is. */
function performanceMetricsOf(task: ModelRecord['info']['task']): string[] {
  return METRIC_IDS.filter((id) => {
    const definition = metricDefinition(id);
    return (
      id !== 'data_count' &&
      !definition.perColumn &&
      definition.tasks.includes(task) &&
      !definition.tasks.includes('not_set')
    );
  });
}

function latestAndWorst(points: Array<MetricResult & { start: number }>) {
  let latest: BinValue = null;
  let worst: BinValue = null;
  for (const { start, value } of points) {
    if (value === null) continue;
    latest = { start, value };
    if (worst === null || value > worst.value) worst = { start, value };
  }
  return { latest, worst };
}

async function openAlerts(
  store: AlertStore,
  model: { project_id: string; model_id: string },
  from: number,
  to: number,
): Promise<OpenAlert[]> {
  const open: OpenAlert[] = [];
  let nextToken: string | undefined;
  do {
    const page = await store.listRecords(model, from, to, ALERT_PAGE, nextToken);
    for (const { project_id: _p, model_id: _m, ...record } of page.items) {
      if (!record.resolved && open.length < MAX_OPEN_ALERTS) open.push(record);
    }
    nextToken = page.nextToken;
  } while (nextToken && open.length < MAX_OPEN_ALERTS);
  return open;
}
