// Evaluates a model's alert rules on completed bins: every bin holding data when a rule is new or edited,
// then the bins whose hours changed (new events, late labels, rebuilt profiles). Records are upserted, one per
// rule, bin and column; the notifications they call for are sent once every rule is evaluated (delivery.ts).
import { createHash } from 'node:crypto';
import { computeMetric } from '../metrics/registry.js';
import type { MonitorSpec } from '../metrics/spec.js';
import { profilesByBin } from '../monitoring/series.js';
import type { ModelRef, ProfileStore } from '../storage/profiles.js';
import { type BinSize, binStartOf, HOUR_MS, nextBinStart } from '../time/bins.js';
import { type DeliveryDeps, type DueNotification, deliverDue } from './delivery.js';
import { compare, comparedValue, shouldNotify } from './evaluate.js';
import { recordMessage, resolvedMessage } from './messages.js';
import type { AlertRecord, AlertRule, Severity } from './types.js';

/** Built once per monitor run: the delivery budget is shared by every model the run evaluates with it. */
export interface AlertDeps extends DeliveryDeps {
  profiles: ProfileStore;
}

export interface AlertSummary {
  bins_evaluated: number;
  records_written: number;
  notifications_sent: number;
  /** Changed hours some rule still has to see in a completed bin. */
  pending_hours: number[];
}

export function alertIdOf(rule: Pick<AlertRule, 'rule_id'>, binStart: number, column: string | null): string {
  return `al_${createHash('sha256')
    .update(`${rule.rule_id}\n${binStart}\n${column ?? ''}`)
    .digest('base64url')
    .slice(0, 22)}`;
}

function shiftBins(size: BinSize, start: number, count: number): number {
  let bin = start;
  for (let i = 0; i < count; i++) bin = nextBinStart(size, bin);
  return bin;
}

function previousBin(size: BinSize, start: number, count: number): number {
  let bin = start;
  for (let i = 0; i < count; i++) bin = binStartOf(size, bin - 1);
  return bin;
}

/** A bin is evaluated once it has ended and the rule's evaluation delay has passed. */
const completed = (rule: AlertRule, bin: number, now: number) =>
  nextBinStart(rule.bin_size, bin) + rule.evaluation_delay * HOUR_MS <= now;

/** The bins of a rule that changed hours touch: their own bin, and for comparisons the bin that compares with it. */
function touchedBins(rule: AlertRule, hours: Iterable<number>): Set<number> {
  const bins = new Set<number>();
  for (const hour of hours) {
    const bin = binStartOf(rule.bin_size, hour);
    bins.add(bin);
    if (rule.compare_to === 'time_period') bins.add(shiftBins(rule.bin_size, bin, rule.compare_bin_delta));
  }
  return bins;
}

export async function evaluateModelAlerts(
  deps: AlertDeps,
  model: ModelRef,
  version: number,
  spec: MonitorSpec,
  changedHours: number[],
): Promise<AlertSummary> {
  const now = deps.clock();
  const summary: AlertSummary = {
    bins_evaluated: 0,
    records_written: 0,
    notifications_sent: 0,
    pending_hours: [],
  };
  const rules = (await deps.alerts.listRules(model)).filter((rule) => rule.enabled);
  const allHours = rules.some((rule) => rule.needs_backfill)
    ? await deps.profiles.listHours(model, version)
    : [];
  const stillPending = new Set<number>();
  const due: DueNotification[] = [];
  for (const rule of rules) {
    const hours = rule.needs_backfill ? [...allHours, ...changedHours] : changedHours;
    const bins = [...touchedBins(rule, hours)].sort((a, b) => a - b);
    const dueBins = bins.filter((bin) => completed(rule, bin, now));
    for (const hour of hours) {
      const bin = binStartOf(rule.bin_size, hour);
      const dependent =
        rule.compare_to === 'time_period' ? shiftBins(rule.bin_size, bin, rule.compare_bin_delta) : bin;
      if (!completed(rule, dependent, now)) stillPending.add(hour);
    }
    if (dueBins.length > 0) await evaluateBins(deps, model, version, spec, rule, dueBins, summary, due);
  }
  const delivered = await deliverDue(deps, due);
  summary.notifications_sent = delivered.sent;
  // The bin of a notification left unsent stays pending: the next run evaluates it again and finds it due.
  for (const { record } of delivered.deferred) stillPending.add(record.bin_start);
  // Only now: a run dying before this point evaluates the new rule's bins again, notifications included.
  for (const rule of rules)
    if (rule.needs_backfill) await deps.alerts.putRule({ ...rule, needs_backfill: false });
  summary.pending_hours = [...stillPending].sort((a, b) => a - b);
  return summary;
}

async function evaluateBins(
  deps: AlertDeps,
  model: ModelRef,
  version: number,
  spec: MonitorSpec,
  rule: AlertRule,
  bins: number[],
  summary: AlertSummary,
  due: DueNotification[],
): Promise<void> {
  const first = bins[0] as number;
  const from =
    rule.compare_to === 'time_period' ? previousBin(rule.bin_size, first, rule.compare_bin_delta) : first;
  const to = nextBinStart(rule.bin_size, bins[bins.length - 1] as number);
  const byBin = await profilesByBin(deps.profiles, model, version, rule.bin_size, from, to);
  const columns: Array<string | null> = rule.columns.length > 0 ? rule.columns : [null];
  for (const column of columns) {
    const metricAt = (bin: number) => {
      const profile = byBin.get(bin);
      return profile
        ? computeMetric(rule.metric, profile, spec, column ?? undefined)
        : { value: null, count: 0 };
    };
    for (const bin of bins) {
      const current = metricAt(bin);
      // A bin with no data never fires.
      if (current.count === 0 || !byBin.has(bin)) continue;
      summary.bins_evaluated++;
      const earlier =
        rule.compare_to === 'time_period'
          ? metricAt(previousBin(rule.bin_size, bin, rule.compare_bin_delta)).value
          : null;
      const compared = comparedValue(rule, current.value, earlier);
      await upsertRecord(deps, rule, bin, column, current.value, earlier, compared, summary, due);
    }
  }
}

async function upsertRecord(
  deps: AlertDeps,
  rule: AlertRule,
  bin: number,
  column: string | null,
  metricValue: number | null,
  earlier: number | null,
  compared: number | null,
  summary: AlertSummary,
  due: DueNotification[],
): Promise<void> {
  const now = deps.clock();
  const existing = await deps.alerts.getRecord(rule, bin, rule.rule_id, column);
  const comparison = compared === null ? null : compare(rule, compared);
  if (!comparison?.severity) {
    // A bin that no longer breaches keeps its record, marked resolved.
    if (existing && !existing.resolved) {
      await deps.alerts.putRecord({
        ...existing,
        resolved: true,
        metric_value: metricValue,
        message: resolvedMessage(rule, column, compared),
        revision: existing.revision + 1,
        updated_at: now,
      });
      summary.records_written++;
    }
    return;
  }
  const severity: Severity = comparison.severity;
  const fields = {
    severity,
    value: comparison.compared,
    metric_value: metricValue,
    baseline_value: rule.compare_to === 'time_period' ? earlier : null,
    threshold: comparison.threshold,
    message: recordMessage(rule, column, comparison.compared, comparison.threshold, severity),
    resolved: false,
  };
  const unchanged =
    existing &&
    existing.severity === severity &&
    existing.value === fields.value &&
    !existing.resolved &&
    existing.threshold === fields.threshold;
  const record: AlertRecord = existing
    ? {
        ...existing,
        ...fields,
        revision: unchanged ? existing.revision : existing.revision + 1,
        updated_at: unchanged ? existing.updated_at : now,
      }
    : {
        alert_id: alertIdOf(rule, bin, column),
        rule_id: rule.rule_id,
        project_id: rule.project_id,
        model_id: rule.model_id,
        rule_name: rule.name,
        priority: rule.priority,
        metric: rule.metric,
        column,
        bin_start: bin,
        bin_size: rule.bin_size,
        ...fields,
        revision: 1,
        created_at: now,
        updated_at: now,
        notified_severity: null,
        delivery_failures: [],
      };
  if (!unchanged) {
    await deps.alerts.putRecord(record);
    summary.records_written++;
  }
  if (!rule.muted && shouldNotify(severity, record.notified_severity)) due.push({ rule, record });
}
