// What people do with incidents: list them, acknowledge one (only its resolve is sent after), snooze one (nothing
// is sent until the snooze ends). Both are conditional writes, like the monitor run's own.
import { InvalidInput, NotFound } from '../errors.js';
import { parseTimestamp } from '../events/timestamps.js';
import type { AlertStore } from '../storage/alerts.js';
import type { ModelRef } from '../storage/profiles.js';
import type { Incident } from './types.js';

/** An incident as the API answers it: its notification bookkeeping stays inside. */
export function incidentView(incident: Incident) {
  const {
    project_id: _p,
    model_id: _m,
    revision: _r,
    generation: _g,
    notified_severity: _n,
    notified_resolved: _nr,
    ...view
  } = incident;
  return view;
}

export function listIncidents(alerts: AlertStore, model: ModelRef, limit: number, nextToken?: string) {
  return alerts.listIncidents(model, limit, nextToken);
}

async function change(
  alerts: AlertStore,
  model: ModelRef,
  incidentId: string,
  apply: (incident: Incident) => Incident | undefined,
): Promise<Incident> {
  const stored = await alerts.updateIncident(model, incidentId, (current) =>
    current ? apply(current) : undefined,
  );
  if (!stored) throw new NotFound(`incident '${incidentId}' does not exist on model '${model.model_id}'`);
  return stored;
}

/** Open becomes acknowledged; acknowledging again, or a resolved incident, changes nothing. */
export function acknowledgeIncident(alerts: AlertStore, model: ModelRef, incidentId: string, now: number) {
  return change(alerts, model, incidentId, (incident) =>
    incident.state === 'open'
      ? { ...incident, state: 'acknowledged', acknowledged_at: now, updated_at: now }
      : undefined,
  );
}

/** `until`: epoch ms or ISO-8601, in the future. */
export function snoozeUntil(until: number | string, now: number): number {
  const parsed = parseTimestamp(until, 'request');
  if (typeof parsed === 'string') throw new InvalidInput(`until ${parsed}`);
  if (parsed <= now) throw new InvalidInput(`until: ${new Date(parsed).toISOString()} is in the past`);
  return parsed;
}

export function snoozeIncident(
  alerts: AlertStore,
  model: ModelRef,
  incidentId: string,
  until: number | string,
  now: number,
) {
  const end = snoozeUntil(until, now);
  return change(alerts, model, incidentId, (incident) => ({
    ...incident,
    snoozed_until: end,
    updated_at: now,
  }));
}
