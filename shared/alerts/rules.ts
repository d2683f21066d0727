// Alert rule management: checked against the model's metrics and columns when created or edited.
import { randomBytes } from 'node:crypto';
import { InvalidInput, NotFound } from '../errors.js';
import { metricDefinition } from '../metrics/registry.js';
import type { MonitorSpec } from '../metrics/spec.js';
import type { AlertStore } from '../storage/alerts.js';
import type { ModelRef, PendingStore } from '../storage/profiles.js';
import { CHANNEL_NAMES, CHANNELS, emptyNotifications } from './channels/index.js';
import type { RecipientDirectory } from './recipients.js';
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
  min_count?: number;
  consecutive_bins?: number;
  evaluation_delay?: number;
  enabled?: boolean;
  muted?: boolean;
  /** Evaluate on a segment's events only (checked by the caller against the model's segments). */
  segment?: string;
  /** What drift compares with: `dataset`, `window:<start>:<end>` or `previous:<n>`. */
  baseline?: string;
}

/** A rule with the segment and baseline it may be evaluated on (contract section 10). */
export type SegmentedRule = AlertRule & { segment?: string; baseline?: string };

export type RulePatch = Partial<
  Pick<
    RuleRequest,
    | 'name'
    | 'warning_threshold'
    | 'critical_threshold'
    | 'priority'
    | 'notifications'
    | 'min_count'
    | 'consecutive_bins'
    | 'evaluation_delay'
    | 'enabled'
    | 'muted'
  >
>;

export interface RuleDeps {
  alerts: AlertStore;
  profiles: PendingStore;
  clock: () => number;
  /** AWS: the topic subscriptions that let emails and SMS reach exactly the rule's recipients. */
  recipients?: RecipientDirectory;
}

/** The longest run of breaching bins a rule may wait for: two days of hours. */
export const MAX_CONSECUTIVE_BINS = 48;

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
 * What can be told without sending: URLs without DNS (the destination's addresses are checked again at every
 * delivery, where the egress policy of the deployment applies, as a name can point elsewhere by then).
 */
export function checkTargets(notifications: Partial<Notifications> | undefined): void {
  for (const name of CHANNEL_NAMES) {
    const problem = CHANNELS[name].problem as ((target: unknown) => string | undefined) | undefined;
    for (const [index, target] of (notifications?.[name] ?? []).entries()) {
      const found = problem?.(target);
      if (found) throw new InvalidInput(`notifications.${name}[${index}]: ${found}`);
    }
  }
}

/** Also checked by the API's schema; here for every other caller of the domain. */
export function checkNoiseControl(rule: Pick<AlertRule, 'min_count' | 'consecutive_bins'>): void {
  if (!Number.isInteger(rule.min_count) || rule.min_count < 1)
    throw new InvalidInput('min_count must be an integer of at least 1');
  const k = rule.consecutive_bins;
  if (!Number.isInteger(k) || k < 1 || k > MAX_CONSECUTIVE_BINS)
    throw new InvalidInput(`consecutive_bins must be an integer from 1 to ${MAX_CONSECUTIVE_BINS}`);
}

/** Subscribes the rule's addresses and numbers before the rule is stored, so a saved rule can reach them. */
async function subscribeRecipients(deps: RuleDeps, notifications: Notifications): Promise<void> {
  await deps.recipients?.subscribe(notifications.emails, notifications.sms);
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
  checkTargets(request.notifications);
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
    notifications: { ...emptyNotifications(), ...request.notifications },
    min_count: request.min_count ?? 1,
    consecutive_bins: request.consecutive_bins ?? 1,
    evaluation_delay: request.evaluation_delay ?? 0,
    enabled: request.enabled ?? true,
    muted: request.muted ?? false,
    webhook_secret: randomBytes(24).toString('base64url'),
    created_at: now,
    updated_at: now,
    needs_backfill: true,
    ...(request.segment !== undefined ? { segment: request.segment } : {}),
    ...(request.baseline !== undefined ? { baseline: request.baseline } : {}),
  } as SegmentedRule;
  checkNoiseControl(rule);
  await subscribeRecipients(deps, rule.notifications);
  await deps.alerts.putRule(rule);
  // The next run evaluates the rule on every past bin holding data.
  await deps.profiles.markDirty([model]);
  return rule;
}

export async function requireRule(alerts: AlertStore, model: ModelRef, ruleId: string): Promise<AlertRule> {
  const rule = await alerts.getRule(model, ruleId);
  if (!rule) throw new NotFound(`rule '${ruleId}' does not exist on model '${model.model_id}'`);
  return withDefaults(rule);
}

export async function updateRule(
  deps: RuleDeps,
  model: ModelRef,
  ruleId: string,
  patch: RulePatch,
): Promise<AlertRule> {
  const rule = await requireRule(deps.alerts, model, ruleId);
  checkTargets(patch.notifications);
  const next: AlertRule = {
    ...rule,
    ...(patch.min_count !== undefined ? { min_count: patch.min_count } : {}),
    ...(patch.consecutive_bins !== undefined ? { consecutive_bins: patch.consecutive_bins } : {}),
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
    ...(patch.evaluation_delay !== undefined ? { evaluation_delay: patch.evaluation_delay } : {}),
    ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
    ...(patch.muted !== undefined ? { muted: patch.muted } : {}),
    ...(patch.warning_threshold !== undefined ? { warning_threshold: patch.warning_threshold } : {}),
    ...(patch.critical_threshold !== undefined ? { critical_threshold: patch.critical_threshold } : {}),
    notifications: { ...emptyNotifications(), ...rule.notifications, ...patch.notifications },
    updated_at: deps.clock(),
  };
  checkThresholds(next.condition, next.warning_threshold, next.critical_threshold);
  checkNoiseControl(next);
  const reevaluate =
    next.min_count !== rule.min_count ||
    next.consecutive_bins !== rule.consecutive_bins ||
    next.warning_threshold !== rule.warning_threshold ||
    next.critical_threshold !== rule.critical_threshold ||
    (next.enabled && !rule.enabled) ||
    next.evaluation_delay !== rule.evaluation_delay;
  next.needs_backfill = rule.needs_backfill || reevaluate;
  await subscribeRecipients(deps, next.notifications);
  await deps.alerts.putRule(next);
  if (reevaluate) await deps.profiles.markDirty([model]);
  return next;
}

export async function deleteRule(alerts: AlertStore, model: ModelRef, ruleId: string): Promise<void> {
  if (!(await alerts.deleteRule(model, ruleId)))
    throw new NotFound(`rule '${ruleId}' does not exist on model '${model.model_id}'`);
}

/** Rules stored before noise control or a channel existed read with their defaults. */
export function withDefaults(rule: AlertRule): AlertRule {
  return {
    ...rule,
    min_count: rule.min_count ?? 1,
    consecutive_bins: rule.consecutive_bins ?? 1,
    notifications: { ...emptyNotifications(), ...rule.notifications },
  };
}

/** A rule as answered by the API: the webhook secret is shown only when the rule is created. */
export function ruleView(rule: AlertRule, withSecret = false) {
  const { webhook_secret, needs_backfill: _backfill, ...view } = withDefaults(rule);
  return withSecret ? { ...view, webhook_secret } : view;
}
