// What the alerts engine keeps, independent of the database: rules, records, incidents and notification claims.
import type { AlertRecord, AlertRule, Incident } from '../alerts/types.js';
import type { ModelRef } from './profiles.js';

/** A change to one incident: the next state, or undefined to leave it as it is. */
export type IncidentChange = (current: Incident | undefined) => Incident | undefined;

export interface AlertStore {
  putRule(rule: AlertRule): Promise<void>;
  getRule(model: ModelRef, ruleId: string): Promise<AlertRule | undefined>;
  listRules(model: ModelRef): Promise<AlertRule[]>;
  deleteRule(model: ModelRef, ruleId: string): Promise<boolean>;

  getRecord(
    model: ModelRef,
    binStart: number,
    ruleId: string,
    column: string | null,
  ): Promise<AlertRecord | undefined>;
  putRecord(record: AlertRecord): Promise<void>;
  /** Records with bin_start in [start, end), newest bin first. */
  listRecords(
    model: ModelRef,
    start: number,
    end: number,
    limit: number,
    nextToken?: string,
  ): Promise<{ items: AlertRecord[]; nextToken?: string }>;

  getIncident(model: ModelRef, incidentId: string): Promise<Incident | undefined>;
  /**
   * Applies `change` to the stored incident and writes the result only if nobody wrote it since it was read
   * (its revision), reading again and retrying otherwise. Answers the incident as stored afterwards.
   */
  updateIncident(model: ModelRef, incidentId: string, change: IncidentChange): Promise<Incident | undefined>;
  /** Newest first (by the bin they began in). */
  listIncidents(
    model: ModelRef,
    limit: number,
    nextToken?: string,
  ): Promise<{ items: Incident[]; nextToken?: string }>;
  /** Incidents not settled yet: open, acknowledged, or resolved with a notification still to send. */
  listActiveIncidents(model: ModelRef): Promise<Incident[]>;

  /** Claims the right to send one notification; false when it was claimed before (sent, or a run died sending). */
  claimNotification(subjectId: string, state: string, now: number): Promise<boolean>;
}
