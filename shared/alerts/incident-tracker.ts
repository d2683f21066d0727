// Applies a run's firing and quiet bins to the model's incidents, keeping the latest state of each one it has seen,
// from which the engine then reads the notifications due.
import type { AlertStore } from '../storage/alerts.js';
import type { ModelRef } from '../storage/profiles.js';
import { binAfter, closedQuietly, incidentIdOf, isSettled, withFiring, withQuiet } from './incidents.js';
import type { SegmentedRule } from './rules.js';
import type { AlertRecord, AlertRule, Incident, Severity } from './types.js';

/** A rule watches one segment (or the whole model): its incidents all carry it. */
const segmentOf = (rule: AlertRule): string | null => (rule as SegmentedRule).segment ?? null;

export class IncidentTracker {
  /** Every incident of the model this run loaded or changed, as stored now. */
  readonly seen = new Map<string, Incident>();

  private constructor(
    private readonly alerts: AlertStore,
    private readonly model: ModelRef,
    private readonly clock: () => number,
  ) {}

  static async load(alerts: AlertStore, model: ModelRef, clock: () => number): Promise<IncidentTracker> {
    const tracker = new IncidentTracker(alerts, model, clock);
    for (const incident of await alerts.listActiveIncidents(model))
      tracker.seen.set(incident.incident_id, incident);
    return tracker;
  }

  /** Unsettled incidents of a rule: the bins just after them are looked at again on every run. */
  activeOf(rule: AlertRule): Incident[] {
    return [...this.seen.values()].filter((i) => i.rule_id === rule.rule_id && !isSettled(i));
  }

  /** A bin fired: answers the incident it belongs to, opened, extended or opened again. */
  async fired(
    rule: AlertRule,
    column: string | null,
    bin: number,
    severity: Severity,
    existing: AlertRecord | undefined,
  ): Promise<string> {
    const neighbour = this.sameSeries(rule, column).find(
      (i) =>
        i.state !== 'resolved' &&
        ((i.first_bin <= bin && bin <= binAfter(i.bin_size, i.last_bin)) ||
          binAfter(i.bin_size, bin) === i.first_bin),
    );
    // The bin's own incident first (a re-evaluation), then the one it continues, else a new one.
    const id =
      existing?.incident_id ??
      neighbour?.incident_id ??
      incidentIdOf(rule.rule_id, column, segmentOf(rule), bin);
    const firing = { rule, column, segment: segmentOf(rule), bin, severity, now: this.clock() };
    await this.update(id, (current) => withFiring(current, firing));
    return id;
  }

  /** A bin did not fire (no breach, too few events, too few bins in a row, or no data at all). */
  async quiet(rule: AlertRule, column: string | null, bin: number, existing: AlertRecord | undefined) {
    const ids = new Set<string>();
    if (existing?.incident_id) ids.add(existing.incident_id);
    for (const incident of this.sameSeries(rule, column)) {
      if (incident.state === 'resolved') continue;
      if (incident.last_bin === bin || binAfter(incident.bin_size, incident.last_bin) === bin)
        ids.add(incident.incident_id);
    }
    const now = this.clock();
    for (const id of ids) await this.update(id, (current) => withQuiet(current, bin, now));
  }

  /** Incidents of rules deleted or disabled, and resolved ones of muted rules: none of them will be told. */
  async closeOrphans(rules: Map<string, AlertRule>): Promise<void> {
    const now = this.clock();
    for (const incident of [...this.seen.values()]) {
      const rule = rules.get(incident.rule_id);
      if (rule?.enabled && !(rule.muted && incident.state === 'resolved')) continue;
      await this.update(incident.incident_id, (current) => closedQuietly(current, now));
    }
  }

  /** A new or edited rule's history: incidents already over when it first looks are not told. */
  async closeHistory(rule: AlertRule): Promise<void> {
    const now = this.clock();
    for (const incident of [...this.seen.values()]) {
      if (incident.rule_id !== rule.rule_id || incident.state !== 'resolved') continue;
      if (incident.notified_severity !== null) continue;
      await this.update(incident.incident_id, (current) => closedQuietly(current, now));
    }
  }

  async update(id: string, change: (current: Incident | undefined) => Incident | undefined) {
    const stored = await this.alerts.updateIncident(this.model, id, change);
    if (stored) this.seen.set(id, stored);
    return stored;
  }

  private sameSeries(rule: AlertRule, column: string | null): Incident[] {
    return [...this.seen.values()].filter(
      (i) => i.rule_id === rule.rule_id && i.column === column && i.segment === segmentOf(rule),
    );
  }
}
