// The alerts panel: fired alert records in the range, newest first, with severity and state; and the model's
// rules, which can be created, edited, enabled or disabled, muted and deleted. When the service has no alert
// routes, it says so and the rest of the Monitor view goes on without thresholds.
import { ApiError } from '../api/client.js';
import type { AlertRecord, AlertRule } from '../api/types.js';
import { formatValue, metricInfo } from '../monitor/catalog.js';
import type { MonitorContext } from '../monitor/context.js';
import { formatTime } from '../monitor/time.js';
import { h, labelledCheckbox, replace, status } from '../ui/dom.js';
import { messageOf } from './chart-panel.js';
import { openRuleForm } from './rule-form.js';

export interface AlertsChange {
  rules: AlertRule[];
  alerts: AlertRecord[];
}

export class AlertsPanel {
  readonly element: HTMLElement;
  private readonly recordsBody = h('div', { class: 'panel-body' });
  private readonly rulesBody = h('div', { class: 'panel-body' });
  private readonly rulesMessage = h('div', { class: 'rules-message' });
  private readonly newRule: HTMLButtonElement;
  private rules: AlertRule[] = [];
  private alerts: AlertRecord[] = [];
  private nextToken: string | undefined;
  private version = 0;

  constructor(
    private readonly context: () => MonitorContext,
    private readonly onChange: (change: AlertsChange) => void,
  ) {
    this.newRule = h('button', { type: 'button', class: 'primary', onclick: () => this.edit() }, 'New rule');
    this.element = h(
      'section',
      { class: 'panel panel-wide', 'aria-labelledby': 'alerts-title', 'data-panel': 'alerts' },
      h('h2', { id: 'alerts-title' }, 'Alerts'),
      h(
        'p',
        { class: 'panel-description' },
        'Alerts fired in the selected range, newest first. Open one to see its bin.',
      ),
      this.recordsBody,
      h('div', { class: 'panel-head' }, h('h3', {}, 'Alert rules'), this.newRule),
      this.rulesMessage,
      this.rulesBody,
    );
  }

  /** Loads rules and the range's alert records; never throws (failures are shown in words). */
  async refresh(): Promise<void> {
    const mine = ++this.version;
    const ctx = this.context();
    replace(this.recordsBody, status('loading', 'Loading alerts…'));
    replace(this.rulesBody, status('loading', 'Loading alert rules…'));
    replace(this.rulesMessage);
    try {
      const [rules, page] = await Promise.all([
        ctx.api.rules(ctx.model),
        ctx.api.alerts(ctx.model, ctx.range.start, ctx.range.end),
      ]);
      if (mine !== this.version) return;
      this.rules = rules.items;
      this.alerts = sortNewestFirst(page.items);
      this.nextToken = page.next_token ?? undefined;
    } catch (error) {
      if (mine !== this.version) return;
      this.rules = [];
      this.alerts = [];
      this.newRule.disabled = true;
      const text =
        error instanceof ApiError && error.isNoRoute
          ? `Alerts are not available: this service has no alert routes yet (it answered "${error.message}"). Charts and drift work without them.`
          : `Could not load alerts: ${messageOf(error)}`;
      replace(this.recordsBody, status('error', text));
      replace(this.rulesBody);
      this.onChange({ rules: [], alerts: [] });
      return;
    }
    this.newRule.disabled = false;
    this.render();
    this.onChange({ rules: this.rules, alerts: this.alerts });
  }

  private render(): void {
    this.renderRecords();
    this.renderRules();
  }

  private renderRecords(): void {
    const ctx = this.context();
    if (this.alerts.length === 0) {
      replace(this.recordsBody, status('empty', 'No alerts fired in this range.'));
      return;
    }
    const ruleName = (alert: AlertRecord) =>
      this.rules.find((rule) => rule.rule_id === alert.rule_id)?.name ?? alert.rule_name ?? 'A deleted rule';
    const more = this.nextToken
      ? h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => this.loadMore() },
          'Load older alerts',
        )
      : null;
    replace(
      this.recordsBody,
      h(
        'ul',
        { class: 'alert-list', 'aria-label': 'Alert records' },
        this.alerts.map((alert) => {
          const metric = metricInfo(ctx.model, alert.metric);
          const where = alert.column ? ` on ${alert.column === '__ANY__' ? 'any column' : alert.column}` : '';
          return h(
            'li',
            {
              class: `alert-item severity-${alert.severity}`,
              'data-alert': alert.alert_id,
              'data-bin-start': alert.bin_start,
            },
            h(
              'div',
              { class: 'alert-badges' },
              h(
                'span',
                { class: `badge badge-${alert.severity}` },
                alert.severity === 'critical' ? 'Critical' : 'Warning',
              ),
              h(
                'span',
                { class: `badge ${alert.resolved ? 'badge-resolved' : 'badge-active'}` },
                alert.resolved ? 'Resolved' : 'Active',
              ),
              h(
                'span',
                { class: 'muted' },
                `${formatTime(alert.bin_start, alert.bin_size)} · ${alert.bin_size} bin`,
              ),
            ),
            h('p', { class: 'alert-title' }, `${ruleName(alert)}: ${metric.label}${where}`),
            h('p', { class: 'alert-message' }, alert.message),
            h(
              'p',
              { class: 'muted' },
              `Value ${formatValue(alert.value, metric.count)}, threshold ${formatValue(alert.threshold, metric.count)}.`,
            ),
            h(
              'button',
              {
                type: 'button',
                class: 'secondary small',
                onclick: () =>
                  ctx.openDetails({
                    column: alert.column ?? undefined,
                    binStart: alert.bin_start,
                    binSize: alert.bin_size,
                    alert,
                  }),
              },
              'Open bin',
            ),
          );
        }),
      ),
      more,
    );
  }

  private async loadMore(): Promise<void> {
    const ctx = this.context();
    try {
      const page = await ctx.api.alerts(ctx.model, ctx.range.start, ctx.range.end, this.nextToken);
      this.alerts = sortNewestFirst([...this.alerts, ...page.items]);
      this.nextToken = page.next_token ?? undefined;
      this.renderRecords();
      this.onChange({ rules: this.rules, alerts: this.alerts });
    } catch (error) {
      this.recordsBody.append(status('error', `Could not load older alerts: ${messageOf(error)}`));
    }
  }

  private renderRules(): void {
    const ctx = this.context();
    if (this.rules.length === 0) {
      replace(this.rulesBody, status('empty', 'No alert rules on this model yet.'));
      return;
    }
    replace(
      this.rulesBody,
      h(
        'ul',
        { class: 'rule-list', 'aria-label': 'Alert rules' },
        this.rules.map((rule) => {
          const metric = metricInfo(ctx.model, rule.metric);
          const columns = rule.columns.length > 0 ? ` on ${rule.columns.join(', ')}` : '';
          const what =
            rule.compare_to === 'raw_value'
              ? 'value'
              : `change from ${rule.compare_bin_delta} bin(s) earlier`;
          const warning =
            typeof rule.warning_threshold === 'number'
              ? `, warning ${formatValue(rule.warning_threshold)}`
              : '';
          return h(
            'li',
            { class: 'rule-item', 'data-rule': rule.rule_id },
            h(
              'p',
              { class: 'rule-title' },
              rule.name,
              h('span', { class: `badge badge-priority` }, `${rule.priority} priority`),
            ),
            h(
              'p',
              { class: 'muted' },
              `${metric.label}${columns}, per ${rule.bin_size}: fires when the ${what} is ${rule.condition === 'greater' ? 'above' : 'below'} critical ${formatValue(rule.critical_threshold)}${warning}.`,
            ),
            h(
              'div',
              { class: 'rule-actions' },
              labelledCheckbox(`Enabled`, rule.enabled, (checked) => this.patch(rule, { enabled: checked })),
              labelledCheckbox(`Muted`, rule.muted, (checked) => this.patch(rule, { muted: checked })),
              h(
                'button',
                {
                  type: 'button',
                  class: 'secondary small',
                  'aria-label': `Edit rule ${rule.name}`,
                  onclick: () => this.edit(rule),
                },
                'Edit',
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'danger small',
                  'aria-label': `Delete rule ${rule.name}`,
                  onclick: () => this.remove(rule),
                },
                'Delete',
              ),
            ),
          );
        }),
      ),
    );
  }

  private edit(rule?: AlertRule): void {
    const ctx = this.context();
    openRuleForm({
      api: ctx.api,
      model: ctx.model,
      rule,
      onSaved: (saved) => {
        const secret = saved.webhook_secret
          ? ` Its webhook signing secret, shown only now: ${saved.webhook_secret}`
          : '';
        replace(
          this.rulesMessage,
          status('info', `Rule "${saved.name}" ${rule ? 'saved' : 'created'}.${secret}`),
        );
        void this.reloadRules();
      },
    });
  }

  private async patch(rule: AlertRule, patch: { enabled?: boolean; muted?: boolean }): Promise<void> {
    const ctx = this.context();
    try {
      await ctx.api.updateRule(ctx.model, rule.rule_id, patch);
      const change =
        'enabled' in patch ? (patch.enabled ? 'enabled' : 'disabled') : patch.muted ? 'muted' : 'unmuted';
      replace(this.rulesMessage, status('info', `Rule "${rule.name}" ${change}.`));
    } catch (error) {
      replace(this.rulesMessage, status('error', `Rule "${rule.name}" was not changed: ${messageOf(error)}`));
    }
    await this.reloadRules();
  }

  private async remove(rule: AlertRule): Promise<void> {
    if (!window.confirm(`Delete the rule "${rule.name}"? This cannot be undone.`)) return;
    const ctx = this.context();
    try {
      await ctx.api.deleteRule(ctx.model, rule.rule_id);
      replace(this.rulesMessage, status('info', `Rule "${rule.name}" deleted.`));
    } catch (error) {
      replace(this.rulesMessage, status('error', `Rule "${rule.name}" was not deleted: ${messageOf(error)}`));
    }
    await this.reloadRules();
  }

  private async reloadRules(): Promise<void> {
    const ctx = this.context();
    try {
      this.rules = (await ctx.api.rules(ctx.model)).items;
    } catch (error) {
      replace(this.rulesMessage, status('error', `Could not reload the rules: ${messageOf(error)}`));
    }
    this.render();
    this.onChange({ rules: this.rules, alerts: this.alerts });
  }
}

function sortNewestFirst(alerts: AlertRecord[]): AlertRecord[] {
  return [...alerts].sort((a, b) => b.bin_start - a.bin_start);
}
