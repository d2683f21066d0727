// What every part of the Monitor view reads: the model, the chosen range and bins, the alert rules and incidents,
// and how to open a bin's details or a column; plus the rule thresholds, incident marks and bin flags a chart of
// a metric draws.
import type { ApiClient } from '../api/client.js';
import type { AlertRule, BinSize, DatasetInfo, Incident, ModelInfo, Point } from '../api/types.js';
import type { BinFlag, Marker, Threshold } from '../ui/chart.js';
import { formatValue, metricInfo } from './catalog.js';
import type { SeriesLoader } from './loader.js';
import type { SummarySource } from './summary-source.js';
import { binEnd, type TimeRange } from './time.js';

export interface DetailsTarget {
  /** Absent for model-level charts (traffic, performance). */
  column?: string;
  binStart: number;
  binSize: BinSize;
  incident?: Incident;
}

export interface MonitorContext {
  api: ApiClient;
  loader: SeriesLoader;
  summaries: SummarySource;
  model: ModelInfo;
  /** The baseline's info, read when first needed (bin details). */
  dataset(): Promise<DatasetInfo | undefined>;
  bin: BinSize;
  range: TimeRange;
  rules: AlertRule[];
  incidents: Incident[];
  openDetails(target: DetailsTarget): void;
  /** The column view of one input or output, at a bin when given. */
  columnHref(column: string, at?: number): string;
}

const watches = (rule: AlertRule, columns: string[] | undefined) =>
  columns === undefined ||
  rule.columns.length === 0 ||
  rule.columns.some((column) => columns.includes(column));

/** Average hours in a bin, to restate a count threshold of one bin size in another. */
const BIN_HOURS: Record<BinSize, number> = { hour: 1, day: 24, week: 168, month: 730 };

/**
 * Thresholds of the enabled raw-value rules on this metric, whatever their bin size: a rate or distance reads
 * the same in any bin; a count threshold of another bin size is restated for the chart's bins and says so.
 */
export function thresholdsFor(ctx: MonitorContext, metric: string, columns?: string[]): Threshold[] {
  const lines: Threshold[] = [];
  const count = metricInfo(ctx.model, metric).count === true;
  for (const rule of ctx.rules) {
    if (!rule.enabled || rule.metric !== metric || rule.compare_to !== 'raw_value') continue;
    if (!watches(rule, columns)) continue;
    const other = rule.bin_size !== ctx.bin;
    const scale = count && other ? BIN_HOURS[ctx.bin] / BIN_HOURS[rule.bin_size] : 1;
    const level = (severity: 'warning' | 'critical', value: number) => {
      const per = other ? ` per ${rule.bin_size}` : '';
      const restated = scale !== 1 ? ` (about ${formatValue(value * scale, true)} per ${ctx.bin})` : '';
      lines.push({
        value: value * scale,
        severity,
        label: `${rule.name}: ${severity} ${formatValue(value, count)}${per}${restated}`,
      });
    };
    level('critical', rule.critical_threshold);
    if (typeof rule.warning_threshold === 'number') level('warning', rule.warning_threshold);
  }
  return lines;
}

/** Why some rules on this metric have no line here, in words; undefined when every rule is drawn. */
export function undrawnRulesNote(
  ctx: MonitorContext,
  metric: string,
  columns?: string[],
): string | undefined {
  const notes: string[] = [];
  for (const rule of ctx.rules) {
    if (rule.metric !== metric || !watches(rule, columns)) continue;
    if (!rule.enabled) notes.push(`"${rule.name}" is disabled`);
    else if (rule.compare_to !== 'raw_value') notes.push(`"${rule.name}" compares the change between bins`);
  }
  return notes.length > 0 ? `Thresholds not drawn: ${notes.join('; ')}.` : undefined;
}

export function ruleOf(ctx: MonitorContext, incident: Incident): AlertRule | undefined {
  return ctx.rules.find((rule) => rule.rule_id === incident.rule_id);
}

/** Incidents of rules on this metric (and these columns) that overlap the view's range. */
export function incidentsFor(ctx: MonitorContext, metric: string, columns?: string[]): Incident[] {
  return ctx.incidents.filter((incident) => {
    if (ruleOf(ctx, incident)?.metric !== metric) return false;
    if (columns !== undefined && incident.column !== null && !columns.includes(incident.column)) return false;
    return (
      binEnd(incident.bin_size, incident.last_bin) > ctx.range.start && incident.first_bin < ctx.range.end
    );
  });
}

export function markersFor(ctx: MonitorContext, metric: string, columns?: string[]): Marker[] {
  return incidentsFor(ctx, metric, columns).map((incident) => ({
    time: incident.first_bin,
    end: binEnd(incident.bin_size, incident.last_bin),
    severity: incident.severity,
    resolved: incident.state === 'resolved',
  }));
}

/** Bins still under way (partial) and bins with far fewer events than is usual in the range (low). */
export function binFlags(bin: BinSize, points: Point[], now = Date.now()): BinFlag[] {
  const counts = points
    .map((p) => p.count)
    .filter((c) => c > 0)
    .sort((a, b) => a - b);
  const median = counts[Math.floor(counts.length / 2)] ?? 0;
  return points.map((p) => {
    if (binEnd(bin, p.start) > now && p.count > 0) return 'partial';
    if (p.count > 0 && p.count < median / 4) return 'low';
    return null;
  });
}
