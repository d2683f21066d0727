// Alert rule management: checked against the model's metrics and columns when created or edited.
import { randomBytes } from 'node:crypto';
import { InvalidInput, NotFound } from '../errors.js';
import { metricDefinition } from '../metrics/registry.js';
import type { MonitorSpec } from '../metrics/spec.js';
import type { AlertStore } from '../storage/alerts.js';
import type { ModelRef, ProfileStore } from '../storage/profiles.js';
import { webhookUrlProblem } from './egress.js';
import type { AlertRule, Notifications, RuleBinSize } from './types.js';

export interface RuleRequest {
  name: string;
  metric: string;
  columns?: string[];
  bin_size: RuleBinSize;
  compare_to: AlertRule['compare_to'];
  compare_bin_delta?: number;
  condition: AlertRule['condition'];
  warning_threshold?: number | null;
  critical_threshold: number;
  priority: AlertRule['priority'];
  notifications?: Partial<Notifications>;
  evaluation_delay?: number;
  enabled?: boolean;
  muted?: boolean;
}

export type RulePatch = Partial<
  Pick<
    RuleRequest,
    | 'name'
    | 'warning_threshold'
    | 'critical_threshold'
    | 'priority'
    | 'notifications'
    | 'evaluation_delay'
    | 'enabled'
    | 'muted'
  >
>;

export interface RuleDeps {
  alerts: AlertStore;
  profiles: ProfileStore;
  clock: () => number;
}

/** The metric must apply to the model's task, and columns must be ones it is computed for. */
export function checkMetricAndColumns(spec: MonitorSpec, metric: string, columns: string[]): void {
  let definition: ReturnType<typeof metricDefinition>;
  try {
    definition = metricDefinition(metric);
  } catch (error) {
    throw new InvalidInput(`metric: ${(error as Error).message}`);
  }
  if (!definition.tasks.includes(spec.task)) {
    throw new InvalidInput(`metric: ${metric} does not apply to a ${spec.task} model`);
  }
  if (!definition.perColumn) {
    if (columns.length > 0)
      throw new InvalidInput(`columns: ${metric} is not computed per column; leave columns out`);
    return;
  }
  if (columns.length === 0)
    throw new InvalidInput(`columns: ${metric} is computed per column; name at least one`);
  const allowed = definition.columnsAllowed(spec);
  for (const [index, column] of columns.entries()) {
    if (!allowed.includes(column)) {
      throw new InvalidInput(
        `columns[${index}]: '${column}' is not one of ${allowed.join(', ')} for ${metric}`,
      );
    }
  }
}

/** For `greater`, a warning fires before critical, so it must be lower; for `lesser`, higher. */
export function checkThresholds(
  condition: AlertRule['condition'],
  warning: number | null,
  critical: number,
): void {
  if (warning === null) return;
  const ordered = condition === 'greater' ? warning < critical : warning > critical;
  if (!ordered) {
    const relation = condition === 'greater' ? 'below' : 'above';
    throw new InvalidInput(
      `warning_threshold must be ${relation} critical_threshold when condition is ${condition}`,
    );
  }
}

/**
 * What can be told without DNS; the destination's addresses are checked again at every delivery, where the
 * egress policy of the deployment applies (a name can point elsewhere by then).
 */
export function checkWebhooks(webhooks: string[] | undefined): void {
  for (const [index, url] of (webhooks ?? []).entries()) {
    const problem = webhookUrlProblem(url);
    if (problem) throw new InvalidInput(`notifications.webhooks[${index}]: ${problem}`);
  }
}

export async function createRule(
  deps: RuleDeps,
  model: ModelRef,
  spec: MonitorSpec,
  request: RuleRequest,
): Promise<AlertRule> {
  const columns = [...new Set(request.columns ?? [])];
  checkMetricAndColumns(spec, request.metric, columns);
  const warning = request.warning_threshold ?? null;
  checkThresholds(request.condition, warning, request.critical_threshold);
  checkWebhooks(request.notifications?.webhooks);
  const now = deps.clock();
  const rule: AlertRule = {
    rule_id: `rule_${randomBytes(9).toString('base64url')}`,
    project_id: model.project_id,
    model_id: model.model_id,
    name: request.name,
    metric: request.metric,
    columns,
    bin_size: request.bin_size,
    compare_to: request.compare_to,
    compare_bin_delta: request.compare_bin_delta ?? 1,
    condition: request.condition,
    warning_threshold: warning,
    critical_threshold: request.critical_threshold,
    priority: request.priority,
    notifications: { emails: [], sms: [], webhooks: [], ...request.notifications },
    evaluation_delay: request.evaluation_delay ?? 0,
    enabled: request.enabled ?? true,
    muted: request.muted ?? false,
    webhook_secret: randomBytes(24).toString('base64url'),
    created_at: now,
    updated_at: now,
    needs_backfill: true,
  };
  await deps.alerts.putRule(rule);
  // The next run evaluates the rule on every past bin holding data.
  await deps.profiles.markDirty([model]);
  return rule;
}

export async function requireRule(alerts: AlertStore, model: ModelRef, ruleId: string): Promise<AlertRule> {
  const rule = await alerts.getRule(model, ruleId);
  if (!rule) throw new NotFound(`rule '${ruleId}' does not exist on model '${model.model_id}'`);
  return rule;
}

export async function updateRule(
  deps: RuleDeps,
  model: ModelRef,
  ruleId: string,
  patch: RulePatch,
): Promise<AlertRule> {
  const rule = await requireRule(deps.alerts, model, ruleId);
  checkWebhooks(patch.notifications?.webhooks);
  const next: AlertRule = {
    ...rule,
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
    ...(patch.evaluation_delay !== undefined ? { evaluation_delay: patch.evaluation_delay } : {}),
    ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
    ...(patch.muted !== undefined ? { muted: patch.muted } : {}),
    ...(patch.warning_threshold !== undefined ? { warning_threshold: patch.warning_threshold } : {}),
    ...(patch.critical_threshold !== undefined ? { critical_threshold: patch.critical_threshold } : {}),
    notifications: { ...rule.notifications, ...patch.notifications },
    updated_at: deps.clock(),
  };
  checkThresholds(next.condition, next.warning_threshold, next.critical_threshold);
  const reevaluate =
    next.warning_threshold !== rule.warning_threshold ||
    next.critical_threshold !== rule.critical_threshold ||
    (next.enabled && !rule.enabled) ||
    next.evaluation_delay !== rule.evaluation_delay;
  next.needs_backfill = rule.needs_backfill || reevaluate;
  await deps.alerts.putRule(next);
  if (reevaluate) await deps.profiles.markDirty([model]);
  return next;
}

export async function deleteRule(alerts: AlertStore, model: ModelRef, ruleId: string): Promise<void> {
  if (!(await alerts.deleteRule(model, ruleId)))
    throw new NotFound(`rule '${ruleId}' does not exist on model '${model.model_id}'`);
}

/** A rule as answered by the API: the webhook secret is shown only when the rule is created. */
export function ruleView(rule: AlertRule, withSecret = false) {
  const { webhook_secret, needs_backfill: _backfill, ...view } = rule;
  return withSecret ? { ...view, webhook_secret } : view;
}
