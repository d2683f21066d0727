// The words of an alert: the record's sentence, the email, the SMS (under 140 characters) and Slack's text.
import type { AlertRecord, AlertRule } from './types.js';

const utc = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/:00\.000Z$/, ' UTC');
const number = (value: number) =>
  Math.abs(value) >= 1000 || Number.isInteger(value) ? String(value) : value.toPrecision(4);

export function recordMessage(
  rule: AlertRule,
  column: string | null,
  compared: number,
  threshold: number,
  severity: string,
): string {
  const what = `${rule.metric}${column ? ` of ${column}` : ''}`;
  const measured =
    rule.compare_to === 'time_period'
      ? `changed by ${number(compared * 100)}% against ${rule.compare_bin_delta} ${rule.bin_size}(s) earlier`
      : `is ${number(compared)}`;
  const relation = rule.condition === 'greater' ? 'above' : 'below';
  return `${severity.toUpperCase()}: ${what} ${measured}, ${relation} the ${severity} threshold ${number(threshold)} (rule '${rule.name}', model ${rule.model_id})`;
}

export function resolvedMessage(rule: AlertRule, column: string | null, compared: number | null): string {
  const what = `${rule.metric}${column ? ` of ${column}` : ''}`;
  return `RESOLVED: ${what} is back within the thresholds${compared === null ? '' : ` (${number(compared)})`} (rule '${rule.name}', model ${rule.model_id})`;
}

export function dashboardLink(base: string | undefined, record: AlertRecord): string | undefined {
  if (!base) return undefined;
  const query = new URLSearchParams({
    project: record.project_id,
    model: record.model_id,
    alert: record.alert_id,
  });
  return `${base.replace(/\/$/, '')}/#/monitor?${query}`;
}

export function emailSubject(record: AlertRecord): string {
  return `[Modelwatch ${record.severity.toUpperCase()}] ${record.metric}${record.column ? ` on ${record.column}` : ''} for ${record.project_id}/${record.model_id} at ${utc(record.bin_start)}`;
}

export function emailBody(record: AlertRecord, link: string | undefined): string {
  return [
    record.message,
    '',
    `Model:     ${record.project_id}/${record.model_id}`,
    `Rule:      ${record.rule_name} (${record.priority} priority)`,
    `Metric:    ${record.metric}${record.column ? ` on column ${record.column}` : ''}`,
    `Bin:       ${record.bin_size} starting ${utc(record.bin_start)}`,
    `Value:     ${record.value}`,
    ...(record.baseline_value !== null ? [`Earlier:   ${record.baseline_value}`] : []),
    `Threshold: ${record.threshold}`,
    ...(link ? ['', `Open the dashboard: ${link}`] : []),
  ].join('\n');
}

/** Under 140 characters: the parts that matter, cut to fit. */
export function smsText(record: AlertRecord): string {
  const text = `MW ${record.severity.toUpperCase()} ${record.model_id} ${record.metric}${record.column ? `(${record.column})` : ''}=${number(record.value)} thr ${number(record.threshold)} ${utc(record.bin_start)}`;
  return text.length <= 139 ? text : `${text.slice(0, 138)}…`;
}
