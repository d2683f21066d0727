// Evaluates a model's alert rules on completed bins: every bin holding data when a rule is new or edited, then the
// bins whose hours changed (new events, late labels, rebuilt profiles), and the bin after each unsettled incident.
// Records are upserted, one per rule, bin and column, and grouped into incidents; the notifications the incidents
// call for are sent once every rule is evaluated (delivery.ts).
import type { MetricResult } from '../metrics/definition.js';
import type { ModelRef, ProfileItemStore } from '../storage/profiles.js';
import { type BinSize, binStartOf, HOUR_MS, nextBinStart } from '../time/bins.js';
import { type DeliveryDeps, type DueNotification, deliverDue } from './delivery.js';
import { compare, comparedValue } from './evaluate.js';
import { IncidentTracker } from './incident-tracker.js';
import { dueEvent, isSettled } from './incidents.js';
import { type BinOutcome, upsertRecord } from './records.js';
import { withDefaults } from './rules.js';
import type { AlertRule } from './types.js';

export { alertIdOf } from './records.js';

/** Built once per monitor run: the delivery budget is shared by every model the run evaluates with it. */
export interface AlertDeps extends DeliveryDeps {
  profiles: ProfileItemStore;
}

/** A rule's metric per bin and column over [from, to), and whether a bin holds data. */
export interface RuleBins {
  has(bin: number): boolean;
  metricAt(bin: number, column: string | null): MetricResult;
}

/** Reads what a rule compares (its segment and baseline included); undefined: the model's own bins. */
export type RuleBinReader = (rule: AlertRule, from: number, to: number) => Promise<RuleBins>;

export interface AlertSummary {
  bins_evaluated: number;
  records_written: number;
  notifications_sent: number;
  /** Changed hours some rule still has to see in a completed bin (and a bin per unsettled incident). */
  pending_hours: number[];
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

/** Bins after `bin` whose outcome depends on it: the one comparing with it, and the run of consecutive bins. */
const reach = (rule: AlertRule) =>
  (rule.compare_to === 'time_period' ? rule.compare_bin_delta : 0) + rule.consecutive_bins - 1;

function touchedBins(rule: AlertRule, hours: Iterable<number>): Set<number> {
  const bins = new Set<number>();
  for (const hour of hours) {
    const bin = binStartOf(rule.bin_size, hour);
    bins.add(bin);
    for (let ahead = 1; ahead <= rule.consecutive_bins - 1; ahead++)
      bins.add(shiftBins(rule.bin_size, bin, ahead));
    if (rule.compare_to === 'time_period') {
      const comparing = shiftBins(rule.bin_size, bin, rule.compare_bin_delta);
      for (let ahead = 0; ahead < rule.consecutive_bins; ahead++)
        bins.add(shiftBins(rule.bin_size, comparing, ahead));
    }
  }
  return bins;
}

export async function evaluateModelAlerts(
  deps: AlertDeps,
  model: ModelRef,
  version: number,
  changedHours: number[],
  /** What each rule compares, per bin: the model's bins, a segment's, or against another baseline. */
  reader: RuleBinReader,
): Promise<AlertSummary> {
  const now = deps.clock();
  const summary: AlertSummary = {
    bins_evaluated: 0,
    records_written: 0,
    notifications_sent: 0,
    pending_hours: [],
  };
  const allRules = (await deps.alerts.listRules(model)).map(withDefaults);
  const rules = allRules.filter((rule) => rule.enabled);
  const allHours = rules.some((rule) => rule.needs_backfill)
    ? await deps.profiles.listHours(model, version)
    : [];
  const tracker = await IncidentTracker.load(deps.alerts, model, deps.clock);
  // What earlier runs left unsent goes before this run's evaluation can resolve it: opened comes before resolved.
  const settledRules = rules.filter((rule) => !rule.needs_backfill);
  summary.notifications_sent = await notifyIncidents(deps, model, tracker, settledRules);
  const stillPending = new Set<number>();
  for (const rule of rules) {
    const hours = rule.needs_backfill ? [...allHours, ...changedHours] : changedHours;
    const bins = touchedBins(rule, hours);
    // The bin after an unsettled incident resolves it unless it fires, data or not. Not in a backfill, whose
    // incidents found over are not told: one a run died before telling is told first, and resolved next run.
    if (!rule.needs_backfill)
      for (const incident of tracker.activeOf(rule)) bins.add(nextBinStart(rule.bin_size, incident.last_bin));
    const dueBins = [...bins].filter((bin) => completed(rule, bin, now)).sort((a, b) => a - b);
    for (const hour of hours) {
      const dependent = shiftBins(rule.bin_size, binStartOf(rule.bin_size, hour), reach(rule));
      if (!completed(rule, dependent, now)) stillPending.add(hour);
    }
    if (dueBins.length > 0) await evaluateBins(deps, rule, dueBins, tracker, summary, reader);
  }
  await tracker.closeOrphans(new Map(allRules.map((rule) => [rule.rule_id, rule])));
  for (const rule of rules.filter((r) => r.needs_backfill)) await tracker.closeHistory(rule);
  summary.notifications_sent += await notifyIncidents(deps, model, tracker, rules);
  for (const incident of tracker.seen.values()) {
    // The model stays due for a run while an incident needs one: its next bin, a snooze ending, a deferred send.
    const rule = rules.find((r) => r.rule_id === incident.rule_id);
    if (rule && !isSettled(incident)) stillPending.add(nextBinStart(rule.bin_size, incident.last_bin));
  }
  // Only now: a run dying before this point evaluates the new rule's bins again, notifications included.
  for (const rule of rules)
    if (rule.needs_backfill) await deps.alerts.putRule({ ...rule, needs_backfill: false });
  summary.pending_hours = [...stillPending].sort((a, b) => a - b);
  return summary;
}

/**
 * Sends what the incidents call for now, pass after pass while sending calls for more (an incident both opened
 * and resolved since the last run is told opened, then resolved), until the run's budget defers the rest.
 */
async function notifyIncidents(
  deps: AlertDeps,
  model: ModelRef,
  tracker: IncidentTracker,
  rules: AlertRule[],
): Promise<number> {
  let sent = 0;
  for (let pass = 0; pass < 3; pass++) {
    const now = deps.clock();
    const due: DueNotification[] = [];
    for (const incident of tracker.seen.values()) {
      const rule = rules.find((r) => r.rule_id === incident.rule_id);
      const event = rule && !isSettled(incident) ? dueEvent(incident, rule, now) : null;
      if (!rule || !event) continue;
      const record = await deps.alerts.getRecord(model, incident.last_bin, rule.rule_id, incident.column);
      if (record) due.push({ rule, incident, record, event });
    }
    if (due.length === 0) break;
    const outcome = await deliverDue(deps, model, due, (id, change) => tracker.update(id, change));
    sent += outcome.sent;
    if (outcome.deferred.length > 0) break;
  }
  return sent;
}

async function evaluateBins(
  deps: AlertDeps,
  rule: AlertRule,
  bins: number[],
  tracker: IncidentTracker,
  summary: AlertSummary,
  reader: RuleBinReader,
): Promise<void> {
  const from = previousBin(rule.bin_size, bins[0] as number, reach(rule));
  const to = nextBinStart(rule.bin_size, bins[bins.length - 1] as number);
  const byBin = await reader(rule, from, to);
  const columns: Array<string | null> = rule.columns.length > 0 ? rule.columns : [null];
  for (const column of columns) {
    const metricAt = (bin: number) => byBin.metricAt(bin, column);
    /** What bin alone compares to, and the severity it reaches: null for no breach or too few events. */
    const breachAt = (bin: number) => {
      const current = metricAt(bin);
      if (!byBin.has(bin) || current.count === 0 || current.count < rule.min_count) return null;
      const earlier =
        rule.compare_to === 'time_period'
          ? metricAt(previousBin(rule.bin_size, bin, rule.compare_bin_delta)).value
          : null;
      const compared = comparedValue(rule, current.value, earlier);
      const comparison = compared === null ? null : compare(rule, compared);
      return comparison?.severity ? { ...comparison, severity: comparison.severity } : null;
    };
    for (const bin of bins) {
      const current = metricAt(bin);
      const hasData = byBin.has(bin) && current.count > 0;
      if (hasData) summary.bins_evaluated++;
      const breach = breachAt(bin);
      let fires = breach !== null;
      for (let back = 1; fires && back < rule.consecutive_bins; back++)
        fires = breachAt(previousBin(rule.bin_size, bin, back)) !== null;
      const earlier =
        rule.compare_to === 'time_period'
          ? metricAt(previousBin(rule.bin_size, bin, rule.compare_bin_delta)).value
          : null;
      const outcome: BinOutcome = {
        bin,
        column,
        metricValue: current.value,
        earlier,
        eventCount: current.count,
        compared: comparedValue(rule, current.value, earlier),
        firing: fires && breach ? breach : null,
      };
      // A bin with no data never fires and never had a record: only incidents need to hear of it.
      if (!hasData) await tracker.quiet(rule, column, bin, undefined);
      else await upsertRecord(deps, rule, outcome, tracker, summary);
    }
  }
}
