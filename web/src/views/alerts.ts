// The incidents and rules panel: the model's incidents grouped by state, with acknowledge and snooze; and its
// alert rules, which can be created, edited, enabled or disabled, muted and deleted. When the service has no
// alert routes, it says so and the rest of the Monitor view goes on without thresholds.
import { ApiError } from '../api/client.js';
import type { AlertRule, Incident } from '../api/types.js';
import { formatValue, metricInfo } from '../monitor/catalog.js';
import { baselineWords, type MonitorContext } from '../monitor/context.js';
import { h, labelledCheckbox, replace, status } from '../ui/dom.js';
import { messageOf } from './chart-panel.js';
import { renderIncidents, segmentWords } from './incidents.js';
import { openRuleForm } from './rule-form.js';

export interface AlertsChange {
  rules: AlertRule[];
  incidents: Incident[];
}

export class AlertsPanel {
  readonly element: HTMLElement;
  private readonly recordsBody = h('div', { class: 'panel-body' });
  private readonly incidentsMessage = h('div', { class: 'incidents-message' });
  private readonly rulesBody = h('div', { class: 'panel-body' });
  private readonly rulesMessage = h('div', { class: 'rules-message' });
  private readonly newRule: HTMLButtonElement;
  private rules: AlertRule[] = [];
  private incidents: Incident[] = [];
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
      h('h2', { id: 'alerts-title' }, 'Incidents'),
      h(
        'p',
        { class: 'panel-description' },
        'A rule firing in consecutive bins of one column is one incident. Acknowledge one to be told only of its resolve; snooze one to hear nothing of it for a while.',
      ),
      this.incidentsMessage,
      this.recordsBody,
      h('div', { class: 'panel-head' }, h('h3', {}, 'Alert rules'), this.newRule),
      this.rulesMessage,
      this.rulesBody,
    );
  }

  /** Loads rules and incidents; never throws (failures are shown in words). */
  async refresh(): Promise<void> {
    const mine = ++this.version;
    const ctx = this.context();
    if (!this.recordsBody.firstChild) replace(this.recordsBody, status('loading', 'Loading incidents…'));
    if (!this.rulesBody.firstChild) replace(this.rulesBody, status('loading', 'Loading alert rules…'));
    replace(this.rulesMessage);
    try {
      const [rules, page] = await Promise.all([ctx.api.rules(ctx.model), ctx.api.incidents(ctx.model)]);
      if (mine !== this.version) return;
      this.rules = rules.items;
      this.incidents = page.items;
      this.nextToken = page.next_token ?? undefined;
    } catch (error) {
      if (mine !== this.version) return;
      this.rules = [];
      this.incidents = [];
      this.newRule.disabled = true;
      const text =
        error instanceof ApiError && error.isNoRoute
          ? `Alerts are not available: this service has no alert or incident routes yet (it answered "${error.message}"). Charts and drift work without them.`
          : `Could not load incidents and rules: ${messageOf(error)}`;
      replace(this.recordsBody, status('error', text));
      replace(this.rulesBody);
      this.onChange({ rules: [], incidents: [] });
      return;
    }
    this.newRule.disabled = false;
    this.render();
    this.onChange({ rules: this.rules, incidents: this.incidents });
  }

  private render(): void {
    this.renderIncidents();
    this.renderRules();
  }

  private renderIncidents(): void {
    const ctx = { ...this.context(), rules: this.rules };
    renderIncidents(ctx, this.recordsBody, this.incidents, (changed, message) => {
      this.incidents = this.incidents.map((incident) =>
        incident.incident_id === changed.incident_id ? changed : incident,
      );
      replace(this.incidentsMessage, status('info', message));
      this.renderIncidents();
      this.onChange({ rules: this.rules, incidents: this.incidents });
    });
    if (this.nextToken) {
      this.recordsBody.append(
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => this.loadMore() },
          'Load older incidents',
        ),
      );
    }
  }

  private async loadMore(): Promise<void> {
    const ctx = this.context();
    try {
      const page = await ctx.api.incidents(ctx.model, this.nextToken);
      this.incidents = [...this.incidents, ...page.items];
      this.nextToken = page.next_token ?? undefined;
      this.renderIncidents();
      this.onChange({ rules: this.rules, incidents: this.incidents });
    } catch (error) {
      this.recordsBody.append(status('error', `Could not load older incidents: ${messageOf(error)}`));
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
          const columns =
            rule.columns.length > 0
              ? ` on ${rule.columns.map((c) => (c === '__ANY__' ? 'any column' : c)).join(', ')}`
              : '';
          const what =
            rule.compare_to === 'raw_value'
              ? 'value'
              : `change from ${rule.compare_bin_delta} bin(s) earlier`;
          const warning =
            typeof rule.warning_threshold === 'number'
              ? `, warning ${formatValue(rule.warning_threshold)}`
              : '';
          const segment = rule.segment ? ` in segment ${segmentWords(rule.segment)}` : '';
          const baseline =
            rule.baseline && rule.baseline !== 'dataset' ? ` against ${baselineWords(rule.baseline)}` : '';
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
              `${metric.label}${columns}${segment}${baseline}, per ${rule.bin_size}: fires when the ${what} is ${rule.condition === 'greater' ? 'above' : 'below'} critical ${formatValue(rule.critical_threshold)}${warning}.`,
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
      segments: ctx.segmentList,
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
    this.onChange({ rules: this.rules, incidents: this.incidents });
  }
}
