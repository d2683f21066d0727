// The words of an alert, as a person reads them: metric and column names, the bin in UTC with its size, value,
// threshold and event count, and a link to the bin on the dashboard. Used by records and every channel.

import type { SegmentedRule } from './rules.js';
import type { AlertRecord, AlertRule, IncidentEvent, Notice } from './types.js';

const ANY_COLUMN = '__ANY__';

const METRIC_WORDS: Record<string, string> = {
  jsd: 'Jensen-Shannon distance',
  psi: 'population stability index',
  hellinger: 'Hellinger distance',
  ks_statistic: 'Kolmogorov-Smirnov statistic',
  wasserstein: 'Wasserstein distance',
  chi_squared_p_value: 'chi-squared p-value',
  traffic: 'traffic',
  data_count: 'labelled events',
  auc: 'ROC AUC',
  fpr: 'false positive rate',
  f1_score: 'F1 score',
  geometric_mean: 'geometric mean of precision and recall',
  expected_calibration_error: 'expected calibration error',
  macro_f1: 'macro F1 score',
  mae: 'mean absolute error',
  mse: 'mean squared error',
  r2: 'R squared',
  mape: 'mean absolute percentage error',
  wmape: 'weighted mean absolute percentage error',
  std: 'standard deviation',
  p05: '5th percentile',
  p25: '25th percentile',
  p75: '75th percentile',
  p95: '95th percentile',
};

/** `Jensen-Shannon distance of Age`, `any violation percentage on any column`, `traffic`. */
export function subjectInWords(metric: string, column: string | null): string {
  const words = METRIC_WORDS[metric] ?? metric.replaceAll('_', ' ');
  if (column === ANY_COLUMN) return `${words} on any column`;
  return column ? `${words} of ${column}` : words;
}

const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** `the hour starting 2026-01-05 10:00 UTC`, `the day 2026-01-05 (UTC)`, `the week starting Monday 2026-01-05 (UTC)`. */
export function binInWords(size: string, start: number): string {
  if (size === 'hour') return `the hour starting ${utc(start)} UTC`;
  if (size === 'day') return `the day ${utc(start).slice(0, 10)} (UTC)`;
  return `the week starting Monday ${utc(start).slice(0, 10)} (UTC)`;
}

export const number = (value: number) =>
  Math.abs(value) >= 1000 || Number.isInteger(value) ? String(value) : value.toPrecision(4);

const events = (count: number) => `${count} event${count === 1 ? '' : 's'}`;

export interface Firing {
  column: string | null;
  bin: number;
  compared: number;
  threshold: number;
  severity: string;
  eventCount: number;
}

export function recordMessage(rule: AlertRule, firing: Firing): string {
  const measured =
    rule.compare_to === 'time_period'
      ? `changed by ${number(firing.compared * 100)}% against ${rule.compare_bin_delta} ${rule.bin_size}(s) earlier`
      : `was ${number(firing.compared)}`;
  const relation = rule.condition === 'greater' ? 'above' : 'below';
  return `${firing.severity.toUpperCase()}: ${subjectInWords(rule.metric, firing.column)}${inSegment(rule)} ${measured} in ${binInWords(rule.bin_size, firing.bin)} (${events(firing.eventCount)}), ${relation} the ${firing.severity} threshold ${number(firing.threshold)} (rule '${rule.name}', model ${rule.project_id}/${rule.model_id})`;
}

export function resolvedMessage(rule: AlertRule, column: string | null, compared: number | null): string {
  return `RESOLVED: ${subjectInWords(rule.metric, column)}${inSegment(rule)} is back within the thresholds${compared === null ? '' : ` (${number(compared)})`} (rule '${rule.name}', model ${rule.project_id}/${rule.model_id})`;
}

/** ` in segment Geography=Germany` for a rule on a segment, else nothing. */
function inSegment(rule: AlertRule): string {
  const segment = (rule as SegmentedRule).segment;
  return segment ? ` in segment ${segment}` : '';
}

/** The dashboard's monitor page, opened on the record's bin. */
export function dashboardLink(base: string | undefined, record: AlertRecord): string | undefined {
  if (!base) return undefined;
  const query = new URLSearchParams({
    project: record.project_id,
    model: record.model_id,
    alert: record.alert_id,
    metric: record.metric,
    ...(record.column ? { column: record.column } : {}),
    bin_size: record.bin_size,
    bin: String(record.bin_start),
  });
  return `${base.replace(/\/$/, '')}/#/monitor?${query}`;
}

const EVENT_WORDS: Record<IncidentEvent, string> = {
  opened: 'opened',
  escalated: 'escalated',
  resolved: 'resolved',
};

/** One line for chat channels and PagerDuty: what happened to the incident, in words. */
export function headline({ incident, record, event, rule }: Notice): string {
  const what = `${subjectInWords(record.metric, record.column)} on ${record.project_id}/${record.model_id}`;
  if (event === 'resolved') {
    const span = `${incident.record_count} ${rule.bin_size}${incident.record_count === 1 ? '' : 's'}`;
    return `Resolved: ${what} is back within the thresholds after ${span} (rule '${rule.name}')`;
  }
  const verb = event === 'opened' ? 'Incident opened' : `Escalated to ${incident.severity}`;
  return `${verb}: ${record.message}`;
}

export function emailSubject({ record, incident, event }: Notice): string {
  const tag = event === 'resolved' ? 'RESOLVED' : `${incident.severity.toUpperCase()} ${EVENT_WORDS[event]}`;
  return `[Modelwatch ${tag}] ${subjectInWords(record.metric, record.column)} on ${record.project_id}/${record.model_id}, ${binInWords(record.bin_size, record.bin_start)}`;
}

export function emailBody(notice: Notice): string {
  const { record, incident, rule, link } = notice;
  return [
    headline(notice),
    '',
    `Model:     ${record.project_id}/${record.model_id}`,
    `Rule:      ${rule.name} (${rule.priority} priority)`,
    `Watching:  ${subjectInWords(record.metric, record.column)}`,
    `Bin:       ${binInWords(record.bin_size, record.bin_start)}, ${events(record.event_count ?? 0)}`,
    `Value:     ${number(record.value)}`,
    ...(record.baseline_value !== null ? [`Earlier:   ${number(record.baseline_value)}`] : []),
    `Threshold: ${number(record.threshold)} (${record.severity})`,
    `Incident:  ${incident.incident_id}, ${incident.state}, ${incident.record_count} bin(s) since ${utc(incident.first_bin)} UTC`,
    ...(link ? ['', `Open the dashboard: ${link}`] : []),
  ].join('\n');
}

/** Under 140 characters: the parts that matter, cut to fit. */
export function smsText({ record, incident, event }: Notice): string {
  const tag = event === 'resolved' ? 'RESOLVED' : incident.severity.toUpperCase();
  const text = `Modelwatch ${tag} ${record.model_id}: ${subjectInWords(record.metric, record.column)} ${number(record.value)} (thr ${number(record.threshold)}, ${events(record.event_count ?? 0)}) ${utc(record.bin_start)} UTC`;
  return text.length <= 139 ? text : `${text.slice(0, 138)}…`;
}
