// Alert rules and the records they produce (contract section 6, plus editable rules and delivery state).
import type { BinSize } from '../time/bins.js';

export type Severity = 'warning' | 'critical';
export const RULE_BIN_SIZES = ['hour', 'day', 'week'] as const satisfies readonly BinSize[];
export type RuleBinSize = (typeof RULE_BIN_SIZES)[number];

/** Where a rule's notifications go: one list per channel of the registry (channels/index.ts). */
export interface Notifications {
  emails: string[];
  sms: string[];
  webhooks: string[];
  slack: string[];
  teams: string[];
  pagerduty: Array<{ routing_key: string }>;
}

export interface AlertRule {
  rule_id: string;
  project_id: string;
  model_id: string;
  name: string;
  metric: string;
  /** Empty for metrics that are not per column. */
  columns: string[];
  bin_size: RuleBinSize;
  compare_to: 'raw_value' | 'time_period';
  compare_bin_delta: number;
  condition: 'greater' | 'lesser';
  warning_threshold: number | null;
  critical_threshold: number;
  priority: 'low' | 'medium' | 'high';
  notifications: Notifications;
  /** A bin with fewer events (the metric's count) never fires. */
  min_count: number;
  /** Fire only when this many bins in a row breach (the last one and the k - 1 before it). */
  consecutive_bins: number;
  /** Hours to wait after a bin ends before evaluating it (late data). */
  evaluation_delay: number;
  enabled: boolean;
  /** A muted rule still keeps records but sends nothing. */
  muted: boolean;
  /** HMAC-SHA256 key for webhook signatures; shown once at creation. */
  webhook_secret: string;
  created_at: number;
  updated_at: number;
  /** Set at creation and on threshold changes: the next run evaluates every past bin with data. */
  needs_backfill: boolean;
}

export interface DeliveryFailure {
  channel: string;
  target: string;
  severity: Severity;
  error: string;
  at: number;
}

export interface AlertRecord {
  alert_id: string;
  rule_id: string;
  project_id: string;
  model_id: string;
  rule_name: string;
  priority: AlertRule['priority'];
  severity: Severity;
  metric: string;
  column: string | null;
  bin_start: number;
  bin_size: RuleBinSize;
  /** The compared value: the metric, or its relative change for time_period rules. */
  value: number;
  /** The metric in this bin (equals value for raw_value rules). */
  metric_value: number | null;
  /** time_period rules: the metric compare_bin_delta bins earlier. */
  baseline_value: number | null;
  threshold: number;
  /** Events behind the value in this bin (traffic, or data_count for performance metrics). */
  event_count?: number;
  /** The segment the rule watches; null for the whole model. */
  segment?: string | null;
  /** The incident this firing belongs to. */
  incident_id?: string;
  message: string;
  /** True once a re-evaluation finds the bin no longer breaching. */
  resolved: boolean;
  /** 1 at creation, +1 on every change. */
  revision: number;
  created_at: number;
  updated_at: number;
  /** The highest severity notified so far (notifications go out again only when it rises). */
  notified_severity: Severity | null;
  delivery_failures: DeliveryFailure[];
}

export type IncidentState = 'open' | 'acknowledged' | 'resolved';
/** What a notification tells about its incident. */
export type IncidentEvent = 'opened' | 'escalated' | 'resolved';

/** Firings of one rule, column and segment in consecutive bins (contract section 11). */
export interface Incident {
  incident_id: string;
  project_id: string;
  model_id: string;
  rule_id: string;
  column: string | null;
  segment: string | null;
  bin_size: RuleBinSize;
  /** The highest severity its records reached. */
  severity: Severity;
  state: IncidentState;
  first_bin: number;
  last_bin: number;
  record_count: number;
  snoozed_until: number | null;
  acknowledged_at: number | null;
  resolved_at: number | null;
  /** The bin whose quiet resolved it: that bin firing again opens the incident again, an earlier one does not. */
  resolved_bin: number | null;
  /** +1 on every write: writes are conditional on it, so no change is lost or applied twice. */
  revision: number;
  /** +1 each time a resolved incident breaches again; notification claims are per generation. */
  generation: number;
  /** The highest severity notified in this generation; null until it has been notified opened. */
  notified_severity: Severity | null;
  /** Its end was told, or there is nothing to tell: the incident is settled once resolved. */
  notified_resolved: boolean;
  created_at: number;
  updated_at: number;
}

/** One notification: what happened to which incident, with the record of its latest bin. */
export interface Notice {
  rule: AlertRule;
  incident: Incident;
  record: AlertRecord;
  event: IncidentEvent;
  /** That bin on the dashboard, when the deployment has one. */
  link?: string;
}
