// Alert rules and the records they produce (contract section 6, plus editable rules and delivery state).
import type { BinSize } from '../time/bins.js';

export type Severity = 'warning' | 'critical';
export const RULE_BIN_SIZES = ['hour', 'day', 'week'] as const satisfies readonly BinSize[];
export type RuleBinSize = (typeof RULE_BIN_SIZES)[number];

export interface Notifications {
  emails: string[];
  sms: string[];
  webhooks: string[];
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
  channel: 'webhook' | 'email' | 'sms';
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
