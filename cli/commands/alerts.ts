// `modelwatch rules` and `modelwatch alerts`: the alert rules that watch a model's metrics, and the alerts
// they triggered.
import { type Command, Option } from 'commander';
import type { AlertRulePatch, AlertRuleRequest } from '../../sdk/src/index.js';
import {
  clientOf,
  finiteNumber,
  list,
  type ModelOptions,
  type Output,
  positiveInt,
  TIME_HELP,
  withModel,
  withOutput,
} from '../context.js';
import { UsageError } from '../errors.js';
import { readJsonObject } from '../files.js';
import { isoTime, printRecords } from '../output.js';

export function alertCommands(program: Command): void {
  const rules = program.command('rules').description('list, create or delete alert rules of a model');
  withOutput(withModel(rules.command('list').description('list the alert rules of a model'))).action(
    async (options: ModelOptions & { output: Output }, command: Command) => {
      const client = await clientOf(command);
      const items = [];
      for await (const rule of client.listAlertRules(options.project, options.model)) items.push(rule);
      const rows = items.map((r) => [
        r.rule_id,
        r.name,
        r.metric,
        (r.columns ?? []).join(' '),
        r.bin_size,
        r.condition,
        r.warning_threshold,
        r.critical_threshold,
        r.priority,
      ]);
      const columns = [
        'rule_id',
        'name',
        'metric',
        'columns',
        'bin_size',
        'condition',
        'warning',
        'critical',
        'priority',
      ];
      printRecords(options.output, columns, rows, items);
    },
  );
  withModel(rules.command('create'))
    .description('create an alert rule from --file rule.json and/or flags')
    .option('--file <rule.json>', 'the rule as JSON (flags given too override its fields)')
    .option('--name <name>', 'the rule name')
    .option('--metric <id>', 'the metric watched')
    .option('--columns <names>', 'columns, comma-separated (omit for traffic and performance)', list)
    .addOption(new Option('--bin-size <size>', 'the bin').choices(['hour', 'day', 'week']))
    .addOption(
      new Option('--compare-to <how>', 'compare the value itself or its change').choices([
        'raw_value',
        'time_period',
      ]),
    )
    .option('--compare-bin-delta <n>', 'time_period: compare with the value n bins earlier', positiveInt)
    .addOption(
      new Option('--condition <condition>', 'fire when the value is greater or lesser').choices([
        'greater',
        'lesser',
      ]),
    )
    .option('--warning <threshold>', 'warning threshold', finiteNumber)
    .option('--critical <threshold>', 'critical threshold', finiteNumber)
    .addOption(new Option('--priority <priority>', 'the priority').choices(['low', 'medium', 'high']))
    .option('--email <addresses>', 'emails to notify, comma-separated', list)
    .option('--sms <numbers>', 'phone numbers to notify, comma-separated', list)
    .option('--webhook <urls>', 'webhook URLs to POST records to, comma-separated', list)
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (options: RuleOptions, command: Command) => {
      const rule = { ...(options.file ? await readJsonObject(options.file) : {}), ...ruleFlags(options) };
      for (const field of [
        'name',
        'metric',
        'bin_size',
        'compare_to',
        'condition',
        'critical_threshold',
        'priority',
      ]) {
        if (rule[field] === undefined)
          throw new UsageError(`rules create needs ${field} (a flag or a field of --file)`);
      }
      const created = await (await clientOf(command)).createAlertRule(
        options.project,
        options.model,
        rule as AlertRuleRequest,
      );
      if (options.output === 'json') process.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
      else process.stdout.write(`created rule ${created.rule_id} (${created.name})\n`);
    });
  withModel(rules.command('delete'))
    .description('delete an alert rule')
    .argument('<rule_id>', 'the rule')
    .action(async (ruleId: string, options: ModelOptions, command: Command) => {
      await (await clientOf(command)).deleteAlertRule(options.project, options.model, ruleId);
      process.stdout.write(`deleted rule ${ruleId}\n`);
    });

  ruleChangeCommands(rules);

  const alerts = program.command('alerts').description('list triggered alerts');
  withOutput(withModel(alerts.command('list').description('list triggered alert records, newest first')))
    .option('--start <time>', `only bins starting at or after this (${TIME_HELP})`)
    .option('--end <time>', `only bins starting before this (${TIME_HELP})`)
    .option('--limit <n>', 'records per request', positiveInt)
    .action(
      async (
        options: ModelOptions & { output: Output; start?: string; end?: string; limit?: number },
        command: Command,
      ) => {
        const client = await clientOf(command);
        const items = [];
        for await (const alert of client.listAlerts(options.project, options.model, options))
          items.push(alert);
        const rows = items.map((a) => [
          isoTime(a.bin_start),
          a.severity,
          a.metric,
          a.column,
          a.value,
          a.threshold,
          a.rule_id,
          a.message,
        ]);
        const columns = [
          'bin_start',
          'severity',
          'metric',
          'column',
          'value',
          'threshold',
          'rule_id',
          'message',
        ];
        printRecords(options.output, columns, rows, items);
      },
    );
}

interface RuleOptions extends ModelOptions {
  file?: string;
  name?: string;
  metric?: string;
  columns?: string[];
  binSize?: string;
  compareTo?: string;
  compareBinDelta?: number;
  condition?: string;
  warning?: number;
  critical?: number;
  priority?: string;
  email?: string[];
  sms?: string[];
  webhook?: string[];
  output: string;
}

function ruleFlags(options: RuleOptions): Record<string, unknown> {
  const notify = options.email || options.sms || options.webhook;
  const fields: Record<string, unknown> = {
    name: options.name,
    metric: options.metric,
    columns: options.columns,
    bin_size: options.binSize,
    compare_to: options.compareTo,
    compare_bin_delta: options.compareBinDelta,
    condition: options.condition,
    warning_threshold: options.warning,
    critical_threshold: options.critical,
    priority: options.priority,
    notifications: notify
      ? { emails: options.email ?? [], sms: options.sms ?? [], webhooks: options.webhook ?? [] }
      : undefined,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** `rules update`, and the switches: `mute`/`unmute` (keep records, send nothing), `enable`/`disable`. */
function ruleChangeCommands(rules: Command): void {
  withModel(rules.command('update'))
    .description('change a rule from --file changes.json and/or flags (only the fields given change)')
    .argument('<rule_id>', 'the rule')
    .option('--file <changes.json>', 'the changes as JSON (flags given too override its fields)')
    .option('--name <name>', 'the rule name')
    .option('--warning <threshold>', 'warning threshold', finiteNumber)
    .option('--critical <threshold>', 'critical threshold', finiteNumber)
    .addOption(new Option('--priority <priority>', 'the priority').choices(['low', 'medium', 'high']))
    .option('--min-count <n>', 'a bin with fewer events never fires', positiveInt)
    .option('--consecutive-bins <k>', 'fire only when k bins in a row breach (1 to 48)', positiveInt)
    .option('--email <addresses>', 'emails to notify, comma-separated (replaces the list)', list)
    .option('--sms <numbers>', 'phone numbers to notify, comma-separated (replaces the list)', list)
    .option('--webhook <urls>', 'webhook URLs, comma-separated (replaces the list)', list)
    .option('--teams <urls>', 'Microsoft Teams incoming webhook URLs, comma-separated', list)
    .option('--pagerduty <keys>', 'PagerDuty Events API v2 routing keys, comma-separated', list)
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (ruleId: string, options: RuleUpdateOptions, command: Command) => {
      const notifications = Object.fromEntries(
        Object.entries({
          emails: options.email,
          sms: options.sms,
          webhooks: options.webhook,
          teams: options.teams,
          pagerduty: options.pagerduty?.map((routing_key) => ({ routing_key })),
        }).filter(([, value]) => value !== undefined),
      );
      const flags = Object.fromEntries(
        Object.entries({
          name: options.name,
          warning_threshold: options.warning,
          critical_threshold: options.critical,
          priority: options.priority,
          min_count: options.minCount,
          consecutive_bins: options.consecutiveBins,
          notifications: Object.keys(notifications).length > 0 ? notifications : undefined,
        }).filter(([, value]) => value !== undefined),
      );
      const changes = { ...(options.file ? await readJsonObject(options.file) : {}), ...flags };
      if (Object.keys(changes).length === 0)
        throw new UsageError('rules update needs --file or a flag to change');
      const client = await clientOf(command);
      const rule = await client.updateAlertRule(
        options.project,
        options.model,
        ruleId,
        changes as AlertRulePatch,
      );
      if (options.output === 'json') process.stdout.write(`${JSON.stringify(rule, null, 2)}\n`);
      else process.stdout.write(`updated rule ${rule.rule_id} (${rule.name})\n`);
    });
  const switches: Array<[string, string, AlertRulePatch]> = [
    ['mute', 'keep evaluating a rule and keeping its records, but send nothing', { muted: true }],
    ['unmute', "send a muted rule's notifications again", { muted: false }],
    ['disable', 'stop evaluating a rule (its open incidents close quietly)', { enabled: false }],
    ['enable', 'evaluate a disabled rule again, past bins included', { enabled: true }],
  ];
  for (const [name, description, patch] of switches) {
    withModel(rules.command(name))
      .description(description)
      .argument('<rule_id>', 'the rule')
      .action(async (ruleId: string, options: ModelOptions, command: Command) => {
        await (await clientOf(command)).updateAlertRule(options.project, options.model, ruleId, patch);
        process.stdout.write(`rule ${ruleId}: ${name}d\n`);
      });
  }
}

interface RuleUpdateOptions extends ModelOptions {
  file?: string;
  name?: string;
  warning?: number;
  critical?: number;
  priority?: string;
  minCount?: number;
  consecutiveBins?: number;
  email?: string[];
  sms?: string[];
  webhook?: string[];
  teams?: string[];
  pagerduty?: string[];
  output: string;
}
