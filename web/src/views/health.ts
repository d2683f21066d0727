// The health summary at the top of a model: what is wrong now, ranked: open incidents, performance past its
// rules, columns drifting beyond their noise floor, integrity breaks, label coverage; then what went wrong earlier
// in the range. Each line links to its evidence (the column view, or the bin's details).
import type { AlertRule, Incident, ModelSummary, Series } from '../api/types.js';
import {
  ANY_COLUMN,
  formatPercent,
  formatShare,
  formatValue,
  metricInfo,
  monitoredColumns,
} from '../monitor/catalog.js';
import { type MonitorContext, ruleOf } from '../monitor/context.js';
import { Dropped } from '../monitor/loader.js';
import { beyondNoise, latest } from '../monitor/series-stats.js';
import { describeBin, formatTime } from '../monitor/time.js';
import { h, replace, status } from '../ui/dom.js';
import { messageOf } from './chart-panel.js';
import { incidentSentence, segmentWords } from './incidents.js';

type Tone = 'critical' | 'warning' | 'info' | 'ok';

interface Finding {
  rank: number;
  tone: Tone;
  kind: 'incident' | 'performance' | 'drift' | 'integrity' | 'labels' | 'traffic';
  text: string;
  detail?: string;
  /** The evidence: a column view address, or a bin to open. */
  href?: string;
  bin?: { start: number; column?: string };
}

const TONE_LABEL: Record<Tone, string> = {
  critical: 'Critical',
  warning: 'Warning',
  info: 'Earlier',
  ok: 'OK',
};

export class HealthPanel {
  readonly element: HTMLElement;
  private readonly body = h('div', { class: 'panel-body' });
  private version = 0;

  constructor(private readonly context: () => MonitorContext) {
    this.element = h(
      'section',
      { class: 'panel panel-wide panel-health', 'aria-labelledby': 'health-title', 'data-panel': 'health' },
      h('h2', { id: 'health-title' }, 'Health'),
      h(
        'p',
        { class: 'panel-description' },
        'What needs attention in the selected range, most pressing first. Each line opens its evidence.',
      ),
      this.body,
    );
  }

  async refresh(): Promise<void> {
    const mine = ++this.version;
    const ctx = this.context();
    if (!this.body.firstChild) replace(this.body, status('loading', 'Checking the model’s health…'));
    let findings: Finding[];
    try {
      const columns = monitoredColumns(ctx.model);
      const [summary, jsd] = await Promise.all([
        ctx.summaries.get({ bin_size: ctx.bin, start: ctx.range.start, end: ctx.range.end }),
        Promise.all(
          columns.map((column) =>
            ctx.loader.series({
              metric: 'jsd',
              column,
              bin_size: ctx.bin,
              start: ctx.range.start,
              end: ctx.range.end,
            }),
          ),
        ),
      ]);
      if (mine !== this.version) return;
      findings = diagnose(ctx, summary, jsd);
    } catch (error) {
      if (error instanceof Dropped || mine !== this.version) return;
      replace(this.body, status('error', `Could not check the model’s health: ${messageOf(error)}`));
      return;
    }
    findings.sort((a, b) => b.rank - a.rank);
    replace(
      this.body,
      ctx.segment
        ? h(
            'p',
            { class: 'panel-note', 'data-note': 'segment' },
            `Health covers every event of the model; the panels below show segment ${segmentWords(ctx.segment)} only.`,
          )
        : null,
      h(
        'ol',
        { class: 'health-list', 'aria-label': 'Health findings, most pressing first' },
        findings.map((finding) => this.item(ctx, finding)),
      ),
    );
  }

  private item(ctx: MonitorContext, finding: Finding): HTMLElement {
    const evidence = finding.href
      ? h('a', { href: finding.href, class: 'evidence' }, 'See the column')
      : finding.bin
        ? h(
            'button',
            {
              type: 'button',
              class: 'link evidence',
              onclick: () =>
                ctx.openDetails({
                  column: finding.bin?.column,
                  binStart: finding.bin?.start as number,
                  binSize: ctx.bin,
                }),
            },
            'Open the bin',
          )
        : null;
    return h(
      'li',
      { class: `health-item tone-${finding.tone}`, 'data-kind': finding.kind },
      h('span', { class: `badge badge-${finding.tone}` }, TONE_LABEL[finding.tone]),
      h(
        'div',
        { class: 'health-text' },
        h('p', {}, finding.text),
        finding.detail ? h('p', { class: 'muted' }, finding.detail) : null,
      ),
      evidence,
    );
  }
}

const columnName = (column: string | null | undefined) =>
  column === ANY_COLUMN ? 'any column' : (column ?? 'the model');

function diagnose(ctx: MonitorContext, summary: ModelSummary, jsd: Series[]): Finding[] {
  const findings: Finding[] = [];
  const bin = ctx.bin;
  if (summary.traffic.total === 0) {
    return [
      {
        rank: 50,
        tone: 'info',
        kind: 'traffic',
        text: 'No events in this range, so there is nothing to judge yet.',
        detail: 'Pick an earlier range, or publish events (the project page shows how).',
      },
    ];
  }

  for (const incident of ctx.incidents) {
    if (incident.state === 'resolved') continue;
    findings.push(incidentFinding(ctx, incident));
  }

  for (const perf of summary.performance) {
    if (!perf.latest) continue;
    const info = metricInfo(ctx.model, perf.metric);
    for (const rule of ctx.rules) {
      if (!rule.enabled || rule.metric !== perf.metric || rule.compare_to !== 'raw_value') continue;
      // The summary is the whole model's: a rule on a segment judges other events.
      if (rule.segment) continue;
      // As the rule itself: a bin with fewer labelled events than its min_count never fires.
      if (perf.latest.data_count < (rule.min_count ?? 1)) continue;
      const level = breach(rule, perf.latest.value);
      if (!level) continue;
      findings.push({
        rank: level === 'critical' ? 85 : 65,
        tone: level,
        kind: 'performance',
        text: `${info.label} is ${formatValue(perf.latest.value)} in the newest labelled bin, past the ${level} threshold of "${rule.name}".`,
        detail: `${describeBin(bin, perf.latest.start)}, over ${formatValue(perf.latest.data_count, true)} labelled events.`,
        bin: { start: perf.latest.start },
      });
    }
  }

  monitoredColumns(ctx.model).forEach((column, i) => {
    const points = jsd[i]?.points ?? [];
    const newest = latest(points);
    if (newest && beyondNoise(newest)) {
      findings.push({
        rank: 70 + Math.min(9, (newest.value ?? 0) * 10),
        tone: 'warning',
        kind: 'drift',
        text: `${column} is drifting: JSD ${formatValue(newest.value)} in the newest bin, against a noise floor of ${formatValue(newest.noise)}.`,
        detail: `${describeBin(bin, newest.start)}, ${formatValue(newest.count, true)} events.`,
        href: ctx.columnHref(column, newest.start),
      });
      return;
    }
    let worst: (typeof points)[number] | undefined;
    for (const point of points) {
      if (beyondNoise(point) && (!worst || (point.value ?? 0) > (worst.value ?? 0))) worst = point;
    }
    if (worst) {
      findings.push({
        rank: 30 + Math.min(9, (worst.value ?? 0) * 10),
        tone: 'info',
        kind: 'drift',
        text: `${column} drifted earlier in the range: JSD ${formatValue(worst.value)} against a noise floor of ${formatValue(worst.noise)}.`,
        detail: `Highest in ${describeBin(bin, worst.start)}; the newest bin is back within noise.`,
        href: ctx.columnHref(column, worst.start),
      });
    }
  });

  for (const column of summary.columns) {
    const bad = column.any_violation_percentage;
    if (bad.latest && bad.latest.value > 0) {
      findings.push({
        rank: 60 + Math.min(9, bad.latest.value / 10),
        tone: 'warning',
        kind: 'integrity',
        text: `${column.column} has bad values in ${formatPercent(bad.latest.value)} of the newest bin's events (missing, wrong type or outside the baseline).`,
        detail: describeBin(bin, bad.latest.start),
        href: ctx.columnHref(column.column, bad.latest.start),
      });
    } else if (bad.worst && bad.worst.value > 0) {
      findings.push({
        rank: 25 + Math.min(4, bad.worst.value / 25),
        tone: 'info',
        kind: 'integrity',
        text: `${column.column} had bad values earlier: ${formatPercent(bad.worst.value)} of the events at worst.`,
        detail: `In ${describeBin(bin, bad.worst.start)}; none in the newest bin.`,
        href: ctx.columnHref(column.column, bad.worst.start),
      });
    }
  }

  const coverage = [...summary.label_coverage].reverse().find((p) => p.traffic > 0);
  if (coverage && coverage.value !== null && coverage.value < 0.5) {
    findings.push({
      rank: 20,
      tone: 'info',
      kind: 'labels',
      text: `Labels cover ${formatShare(coverage.value)} of the newest bin's ${formatValue(coverage.traffic, true)} events, so its performance is not known yet.`,
      detail: `${describeBin(bin, coverage.start)}. Labels can arrive later, as updates of the events.`,
      bin: { start: coverage.start },
    });
  }

  const primary = summary.performance.find((p) => p.latest);
  if (primary?.latest && !findings.some((f) => f.kind === 'performance')) {
    findings.push({
      rank: 5,
      tone: 'ok',
      kind: 'performance',
      text:
        primary.latest.data_count < 30
          ? `${metricInfo(ctx.model, primary.metric).label} is ${formatValue(primary.latest.value)} in the newest labelled bin, over too few labels to judge yet.`
          : `${metricInfo(ctx.model, primary.metric).label} is ${formatValue(primary.latest.value)} in the newest labelled bin, within its rules.`,
      detail: `${describeBin(bin, primary.latest.start)}, over ${formatValue(primary.latest.data_count, true)} labelled events.`,
      bin: { start: primary.latest.start },
    });
  }
  if (!findings.some((f) => f.tone === 'critical' || f.tone === 'warning')) {
    findings.push({
      rank: 90,
      tone: 'ok',
      kind: 'traffic',
      text: 'Nothing needs attention now: no open incidents, and no drift beyond noise or bad values in the newest bin.',
      detail: `${formatValue(summary.traffic.total, true)} events from ${formatTime(summary.start, bin)} to ${formatTime(summary.end, bin)}.`,
    });
  }
  return findings;
}

function breach(rule: AlertRule, value: number): 'critical' | 'warning' | undefined {
  const past = (threshold: number) => (rule.condition === 'greater' ? value > threshold : value < threshold);
  if (past(rule.critical_threshold)) return 'critical';
  if (typeof rule.warning_threshold === 'number' && past(rule.warning_threshold)) return 'warning';
  return undefined;
}

function incidentFinding(ctx: MonitorContext, incident: Incident): Finding {
  const rule = ruleOf(ctx, incident);
  const column = incident.column && incident.column !== ANY_COLUMN ? incident.column : undefined;
  const state =
    incident.state === 'acknowledged'
      ? 'acknowledged'
      : incident.snoozed_until && incident.snoozed_until > Date.now()
        ? `snoozed until ${formatTime(incident.snoozed_until)}`
        : 'open';
  return {
    rank: (incident.severity === 'critical' ? 100 : 90) - (state === 'open' ? 0 : 8),
    tone: incident.severity,
    kind: 'incident',
    text: `${state === 'open' ? 'Open' : 'Known'} incident: ${incidentSentence(ctx, incident)}`,
    detail: `${rule ? `Rule "${rule.name}", ` : ''}${state}; ${columnName(incident.column) === 'the model' ? 'model-wide' : `on ${columnName(incident.column)}`}.`,
    href: column ? ctx.columnHref(column, incident.last_bin) : undefined,
    bin: column ? undefined : { start: incident.last_bin, column: incident.column ?? undefined },
  };
}
