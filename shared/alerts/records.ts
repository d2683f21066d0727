// One alert record per rule, bin and column: written when the bin fires, updated in place on re-evaluation, kept
// and marked resolved when the bin stops firing. Every firing record names its incident.
import { createHash } from 'node:crypto';
import type { AlertDeps, AlertSummary } from './engine.js';
import type { IncidentTracker } from './incident-tracker.js';
import { recordMessage, resolvedMessage } from './messages.js';
import type { SegmentedRule } from './rules.js';
import type { AlertRecord, AlertRule, Severity } from './types.js';

/** What one bin of one column came to. */
export interface BinOutcome {
  bin: number;
  column: string | null;
  metricValue: number | null;
  earlier: number | null;
  /** The metric's count in the bin: the events behind the value. */
  eventCount: number;
  compared: number | null;
  /** Set when the bin fires: it breaches, holds min_count events, and ends a run of consecutive_bins breaches. */
  firing: { compared: number; severity: Severity; threshold: number } | null;
}

export function alertIdOf(rule: Pick<AlertRule, 'rule_id'>, binStart: number, column: string | null): string {
  return `al_${createHash('sha256')
    .update(`${rule.rule_id}\n${binStart}\n${column ?? ''}`)
    .digest('base64url')
    .slice(0, 22)}`;
}

export async function upsertRecord(
  deps: AlertDeps,
  rule: AlertRule,
  outcome: BinOutcome,
  tracker: IncidentTracker,
  summary: AlertSummary,
): Promise<void> {
  const { bin, column, firing } = outcome;
  const now = deps.clock();
  const existing = await deps.alerts.getRecord(rule, bin, rule.rule_id, column);
  if (!firing) {
    // A bin that no longer fires keeps its record, marked resolved; its incident may resolve with it.
    if (existing && !existing.resolved) {
      await deps.alerts.putRecord({
        ...existing,
        resolved: true,
        metric_value: outcome.metricValue,
        event_count: outcome.eventCount,
        message: resolvedMessage(rule, column, outcome.compared),
        revision: existing.revision + 1,
        updated_at: now,
      });
      summary.records_written++;
    }
    await tracker.quiet(rule, column, bin, existing);
    return;
  }
  // The incident first: a run dying before the record is written finds it again and adds nothing twice.
  const incidentId = await tracker.fired(rule, column, bin, firing.severity, existing);
  const fields = {
    severity: firing.severity,
    value: firing.compared,
    metric_value: outcome.metricValue,
    baseline_value: rule.compare_to === 'time_period' ? outcome.earlier : null,
    threshold: firing.threshold,
    event_count: outcome.eventCount,
    segment: (rule as SegmentedRule).segment ?? null,
    incident_id: incidentId,
    message: recordMessage(rule, { column, bin, ...firing, eventCount: outcome.eventCount }),
    resolved: false,
  };
  const unchanged =
    existing &&
    !existing.resolved &&
    existing.severity === fields.severity &&
    existing.value === fields.value &&
    existing.threshold === fields.threshold &&
    existing.event_count === fields.event_count &&
    existing.incident_id === incidentId;
  if (unchanged) return;
  const record: AlertRecord = existing
    ? { ...existing, ...fields, revision: existing.revision + 1, updated_at: now }
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
  await deps.alerts.putRecord(record);
  summary.records_written++;
}
