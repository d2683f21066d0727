// What every part of the Monitor view reads: the model, the chosen range, bins and segment, the alert rules and
// incidents, and how to open a bin's details or a column; plus the rule thresholds, incident marks and bin flags
// a chart of a metric draws.
import type { ApiClient } from '../api/client.js';
import type { AlertRule, BinSize, DatasetInfo, Incident, ModelInfo, Point, Segment } from '../api/types.js';
import type { BinFlag, Marker, Threshold } from '../ui/chart.js';
import type { AnswerCache } from './answer-cache.js';
import { formatValue, metricInfo } from './catalog.js';
import type { SeriesLoader } from './loader.js';
import type { SummarySource } from './summary-source.js';
import { binEnd, type TimeRange } from './time.js';

export interface DetailsTarget {
  /** Absent for model-level charts (traffic, performance). */
  column?: string;
  /** The segment whose bin it is, when not the view's own (a comparison of segments). */
  segment?: string;
  binStart: number;
  binSize: BinSize;
  incident?: Incident;
}

export interface MonitorContext {
  api: ApiClient;
  loader: SeriesLoader;
  summaries: SummarySource;
  model: ModelInfo;
  /** Other reads of the view (performance details), cached until Refresh. */
  answers: AnswerCache;
  /** The baseline's info, read when first needed (bin details). */
  dataset(): Promise<DatasetInfo | undefined>;
  /** The model's segments as read when the view opened (or refreshed); undefined when they could not be read. */
  segmentList?: Segment[];
  bin: BinSize;
  range: TimeRange;
  /** The segment the view is restricted to; undefined for all of the model's events. */
  segment?: string;
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

/** Whether a rule watches the events the view shows: its segment (or none) is the view's. */
const sameEvents = (ctx: MonitorContext, segment: string | null | undefined) =>
  (segment ?? undefined) === ctx.segment;

/** A rolling or window baseline compares with other bins than the chart's baseline dataset does. */
const ownBaseline = (rule: AlertRule) => rule.baseline !== undefined && rule.baseline !== 'dataset';

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
    if (!watches(rule, columns) || !sameEvents(ctx, rule.segment) || ownBaseline(rule)) continue;
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
    if (rule.metric !== metric || !watches(rule, columns) || !sameEvents(ctx, rule.segment)) continue;
    if (!rule.enabled) notes.push(`"${rule.name}" is disabled`);
    else if (rule.compare_to !== 'raw_value') notes.push(`"${rule.name}" compares the change between bins`);
    else if (ownBaseline(rule)) notes.push(`"${rule.name}" compares with ${baselineWords(rule.baseline)}`);
  }
  return notes.length > 0 ? `Thresholds not drawn: ${notes.join('; ')}.` : undefined;
}

export function ruleOf(ctx: MonitorContext, incident: Incident): AlertRule | undefined {
  return ctx.rules.find((rule) => rule.rule_id === incident.rule_id);
}

/** A rule's baseline in words: "the previous 7 bins", "the baseline dataset". */
export function baselineWords(baseline: string | undefined): string {
  if (baseline === undefined || baseline === 'dataset') return 'the baseline dataset';
  const previous = /^previous:(\d+)$/.exec(baseline);
  if (previous) return `the previous ${previous[1]} bin${previous[1] === '1' ? '' : 's'}`;
  return `the events of the window ${baseline.replace(/^window:/, '')}`;
}

/** Incidents of rules on this metric (and these columns) over the view's events that overlap its range. */
export function incidentsFor(ctx: MonitorContext, metric: string, columns?: string[]): Incident[] {
  return ctx.incidents.filter((incident) => {
    if (ruleOf(ctx, incident)?.metric !== metric || !sameEvents(ctx, incident.segment)) return false;
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
