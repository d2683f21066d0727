// Shapes of the API answers the dashboard reads (CONTRACT.md sections 3, 5 and 6).

export type BinSize = 'hour' | 'day' | 'week' | 'month';
export type Task = 'binary_classification' | 'multiclass_classification' | 'regression' | 'not_set';

export interface Project {
  project_id: string;
  created_at: number;
}

export interface ModelInfo {
  project_id: string;
  model_id: string;
  dataset_id: string;
  task: Task;
  inputs: string[];
  outputs: string[];
  targets: string[];
  binary_classification_threshold: number;
  target_class_order: Array<string | number | boolean>;
}

export interface DatasetColumn {
  name: string;
  data_type: 'int' | 'float' | 'bool' | 'category' | 'str';
  nullable: boolean;
  min: number | null;
  max: number | null;
  categories: string[] | null;
}

export interface DatasetInfo {
  dataset_id: string;
  row_count: number;
  columns: DatasetColumn[];
}

export interface Point {
  start: number;
  value: number | null;
  count: number;
}

export interface Series {
  metric: string;
  column: string | null;
  bin_size: BinSize;
  points: Point[];
}

export interface Notifications {
  emails: string[];
  sms: string[];
  webhooks: string[];
}

export interface AlertRuleInput {
  name: string;
  metric: string;
  columns: string[];
  bin_size: 'hour' | 'day' | 'week';
  compare_to: 'raw_value' | 'time_period';
  compare_bin_delta: number;
  condition: 'greater' | 'lesser';
  warning_threshold?: number | null;
  critical_threshold: number;
  priority: 'low' | 'medium' | 'high';
  notifications: Notifications;
}

export interface AlertRule extends AlertRuleInput {
  rule_id: string;
  enabled: boolean;
  muted: boolean;
  /** The HMAC key webhooks are signed with: only in the answer that creates the rule. */
  webhook_secret?: string;
}

/** The fields PATCH .../alert-rules/{rule_id} takes. */
export type AlertRulePatch = Partial<
  Pick<
    AlertRule,
    'name' | 'warning_threshold' | 'critical_threshold' | 'priority' | 'notifications' | 'enabled' | 'muted'
  >
>;

export interface AlertRecord {
  alert_id: string;
  rule_id: string;
  rule_name?: string;
  severity: 'warning' | 'critical';
  metric: string;
  column: string | null;
  bin_start: number;
  bin_size: BinSize;
  value: number | null;
  threshold: number;
  message: string;
  resolved?: boolean;
  revision?: number;
}

export interface Page<T> {
  items: T[];
  next_token?: string | null;
}
