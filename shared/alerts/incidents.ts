// Incidents as pure functions over plain data: how a firing or quiet bin changes one, and which notification
// (opened, escalated, resolved) it calls for. The engine applies them through conditional writes.
import { createHash } from 'node:crypto';
import { DAY_MS, HOUR_MS } from '../time/bins.js';
import type { AlertRule, Incident, IncidentEvent, RuleBinSize, Severity } from './types.js';

const RANK: Record<Severity, number> = { warning: 1, critical: 2 };
const BIN_MS: Record<RuleBinSize, number> = { hour: HOUR_MS, day: DAY_MS, week: 7 * DAY_MS };

export const higherSeverity = (a: Severity, b: Severity): Severity => (RANK[a] >= RANK[b] ? a : b);
export const binAfter = (size: RuleBinSize, bin: number) => bin + BIN_MS[size];
export const binBefore = (size: RuleBinSize, bin: number) => bin - BIN_MS[size];

/**
 * Deterministic, so a run that dies and runs again finds the incident it started. The first bin leads, in fixed
 * width base 36, so ids sort as the incidents began and the store lists them newest first by id alone.
 */
export function incidentIdOf(
  ruleId: string,
  column: string | null,
  segment: string | null,
  firstBin: number,
): string {
  const hash = createHash('sha256')
    .update(`${ruleId}\n${column ?? ''}\n${segment ?? ''}\n${firstBin}`)
    .digest('base64url')
    .slice(0, 16);
  return `inc_${firstBin.toString(36).padStart(9, '0')}_${hash}`;
}

export interface Firing {
  rule: AlertRule;
  column: string | null;
  segment: string | null;
  bin: number;
  severity: Severity;
  now: number;
}

/** A bin fired: the incident it opens, extends, escalates or (when resolved) opens again; undefined if no change. */
export function withFiring(current: Incident | undefined, firing: Firing): Incident | undefined {
  const { rule, bin, severity, now } = firing;
  if (!current) {
    return {
      incident_id: incidentIdOf(rule.rule_id, firing.column, firing.segment, bin),
      project_id: rule.project_id,
      model_id: rule.model_id,
      rule_id: rule.rule_id,
      column: firing.column,
      segment: firing.segment,
      bin_size: rule.bin_size,
      severity,
      state: 'open',
      first_bin: bin,
      last_bin: bin,
      record_count: 1,
      snoozed_until: null,
      acknowledged_at: null,
      resolved_at: null,
      resolved_bin: null,
      revision: 0,
      generation: 0,
      notified_severity: null,
      notified_resolved: false,
      created_at: now,
      updated_at: now,
    };
  }
  const first = Math.min(current.first_bin, bin);
  const last = Math.max(current.last_bin, bin);
  const top = higherSeverity(current.severity, severity);
  // The bin that resolved it fires after all (a re-evaluation): it goes on. An earlier bin only adds to its past.
  const reopened = current.state === 'resolved' && bin >= (current.resolved_bin ?? bin);
  if (!reopened && first === current.first_bin && last === current.last_bin && top === current.severity)
    return undefined;
  return {
    ...current,
    severity: reopened ? severity : top,
    first_bin: first,
    last_bin: last,
    // Consecutive bins: the count follows from the span (a bin that stopped breaching keeps its record).
    record_count: Math.round((last - first) / BIN_MS[current.bin_size]) + 1,
    ...(reopened
      ? {
          state: 'open' as const,
          acknowledged_at: null,
          resolved_at: null,
          resolved_bin: null,
          generation: current.generation + 1,
          notified_severity: null,
          notified_resolved: false,
        }
      : {}),
    updated_at: now,
  };
}

/** A bin did not fire: the incident resolves when that bin was its latest one, or the one just after it. */
export function withQuiet(current: Incident | undefined, bin: number, now: number): Incident | undefined {
  if (!current || current.state === 'resolved') return undefined;
  if (bin !== current.last_bin && bin !== binAfter(current.bin_size, current.last_bin)) return undefined;
  // Someone who acknowledged or snoozed it before hearing of it has nothing to be told of its end.
  const untold =
    current.notified_severity === null &&
    (current.acknowledged_at !== null || current.snoozed_until !== null);
  return {
    ...current,
    state: 'resolved',
    resolved_at: now,
    resolved_bin: bin,
    notified_resolved: current.notified_resolved || untold,
    updated_at: now,
  };
}

/** Nothing more to do until one of its bins fires again. */
export function isSettled(incident: Incident): boolean {
  return incident.state === 'resolved' && incident.notified_resolved;
}

/**
 * The notification an incident calls for now. Snoozed: none until the snooze ends. Acknowledged: only its
 * resolve. One that opened and resolved between two runs (a run missed, a late catch-up) is told opened, then
 * resolved, so nobody misses it.
 */
export function dueEvent(incident: Incident, rule: AlertRule, now: number): IncidentEvent | null {
  if (rule.muted || (incident.snoozed_until !== null && incident.snoozed_until > now)) return null;
  if (incident.state === 'resolved') {
    if (incident.notified_resolved) return null;
    return incident.notified_severity === null ? 'opened' : 'resolved';
  }
  if (incident.state === 'acknowledged') return null;
  if (incident.notified_severity === null) return 'opened';
  return RANK[incident.severity] > RANK[incident.notified_severity] ? 'escalated' : null;
}

/** One claim per event, severity and generation: the same notification is never sent twice. */
export function claimKeyOf(incident: Incident, event: IncidentEvent): string {
  const severity = event === 'escalated' ? `#${incident.severity}` : '';
  return `g${incident.generation}#${event}${severity}`;
}

/** The incident once `event` was sent (or found sent by a run that died), at the severity it reported. */
export function afterNotified(
  current: Incident | undefined,
  event: IncidentEvent,
  severity: Severity,
  generation: number,
  now: number,
): Incident | undefined {
  // A generation that moved on (opened again meanwhile) owes its own notifications.
  if (!current || current.generation !== generation) return undefined;
  if (event === 'resolved') {
    return current.notified_resolved ? undefined : { ...current, notified_resolved: true, updated_at: now };
  }
  const notified =
    current.notified_severity === null ? severity : higherSeverity(current.notified_severity, severity);
  if (notified === current.notified_severity) return undefined;
  return { ...current, notified_severity: notified, updated_at: now };
}

/**
 * Closed without a word: incidents of rules deleted or disabled (which stop evaluating), and incidents a new or
 * edited rule finds already over in the history it evaluates (no one is paged for the past).
 */
export function closedQuietly(current: Incident | undefined, now: number): Incident | undefined {
  if (!current || isSettled(current)) return undefined;
  return {
    ...current,
    state: 'resolved',
    resolved_at: current.resolved_at ?? now,
    notified_resolved: true,
    updated_at: now,
  };
}
