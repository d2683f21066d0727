// What every part of the Monitor view reads: the model, the chosen range and bins, the alert rules and records,
// and how to open a bin's details; plus the rule thresholds and alert marks a chart of a metric draws.
import type { ApiClient } from '../api/client.js';
import type { AlertRecord, AlertRule, BinSize, DatasetInfo, ModelInfo } from '../api/types.js';
import type { Marker, Threshold } from '../ui/chart.js';
import { formatValue } from './catalog.js';
import type { SeriesLoader } from './loader.js';
import type { TimeRange } from './time.js';

export interface DetailsTarget {
  /** Absent for model-level charts (traffic, performance). */
  column?: string;
  binStart: number;
  binSize: BinSize;
  alert?: AlertRecord;
}

export interface MonitorContext {
  api: ApiClient;
  loader: SeriesLoader;
  model: ModelInfo;
  /** The baseline's info; undefined while loading or when it could not be read. */
  dataset: DatasetInfo | undefined;
  bin: BinSize;
  range: TimeRange;
  rules: AlertRule[];
  alerts: AlertRecord[];
  openDetails(target: DetailsTarget): void;
}

const watches = (rule: AlertRule, columns: string[] | undefined) =>
  columns === undefined ||
  rule.columns.length === 0 ||
  rule.columns.some((column) => columns.includes(column));

/** Thresholds of the enabled raw-value rules on this metric whose bins are the chart's bins. */
export function thresholdsFor(ctx: MonitorContext, metric: string, columns?: string[]): Threshold[] {
  const lines: Threshold[] = [];
  for (const rule of ctx.rules) {
    if (
      !rule.enabled ||
      rule.metric !== metric ||
      rule.compare_to !== 'raw_value' ||
      rule.bin_size !== ctx.bin
    )
      continue;
    if (!watches(rule, columns)) continue;
    lines.push({
      value: rule.critical_threshold,
      severity: 'critical',
      label: `${rule.name}: critical ${formatValue(rule.critical_threshold)}`,
    });
    if (typeof rule.warning_threshold === 'number') {
      lines.push({
        value: rule.warning_threshold,
        severity: 'warning',
        label: `${rule.name}: warning ${formatValue(rule.warning_threshold)}`,
      });
    }
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
    else if (rule.bin_size !== ctx.bin) notes.push(`"${rule.name}" watches ${rule.bin_size} bins`);
  }
  return notes.length > 0 ? `Thresholds not drawn: ${notes.join('; ')}.` : undefined;
}

export function alertsFor(ctx: MonitorContext, metric: string, columns?: string[]): AlertRecord[] {
  return ctx.alerts.filter(
    (alert) =>
      alert.metric === metric &&
      (columns === undefined || alert.column === null || columns.includes(alert.column)) &&
      alert.bin_start >= ctx.range.start &&
      alert.bin_start < ctx.range.end,
  );
}

export function markersFor(ctx: MonitorContext, metric: string, columns?: string[]): Marker[] {
  return alertsFor(ctx, metric, columns).map((alert) => ({
    time: alert.bin_start,
    severity: alert.severity,
    resolved: alert.resolved === true,
  }));
}
