// What the alerts engine keeps, independent of the database: rules, records and notification claims.
import type { AlertRecord, AlertRule, Severity } from '../alerts/types.js';
import type { ModelRef } from './profiles.js';

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

  /** Claims the right to send one notification; false when it was claimed before (sent, or a run died sending). */
  claimNotification(alertId: string, severity: Severity, now: number): Promise<boolean>;
}
