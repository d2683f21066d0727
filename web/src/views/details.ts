// A bin's details in a dialog: every metric of that bin for the chosen column (drift, integrity, traffic) and,
// for the model, its performance; with the incident that led here, if any, and what the baseline holds.
import type { Point } from '../api/types.js';
import {
  ANY_COLUMN,
  DATA_COUNT,
  DRIFT_METRICS,
  formatNumber,
  formatValue,
  INTEGRITY_METRICS,
  type MetricInfo,
  performanceMetrics,
  TRAFFIC,
} from '../monitor/catalog.js';
import type { DetailsTarget, MonitorContext } from '../monitor/context.js';
import { binEnd, describeBin, formatTime } from '../monitor/time.js';
import { h, replace, status } from '../ui/dom.js';
import { messageOf } from './chart-panel.js';
import { baselineSummary } from './drift-table.js';
import { incidentSentence } from './incidents.js';

interface Line {
  metric: MetricInfo;
  column?: string;
}

function linesFor(ctx: MonitorContext, column: string | undefined): { title: string; lines: Line[] }[] {
  const performance = ctx.model.task === 'not_set' ? [] : [...performanceMetrics(ctx.model.task), DATA_COUNT];
  const model = {
    title: 'The model in this bin',
    lines: [TRAFFIC, ...performance].map((metric) => ({ metric })),
  };
  if (column === undefined) {
    const any = INTEGRITY_METRICS.map((metric) => ({ metric, column: ANY_COLUMN }));
    return [model, { title: 'Data integrity, any column', lines: any }];
  }
  const drift = column === ANY_COLUMN ? [] : DRIFT_METRICS.map((metric) => ({ metric, column }));
  const integrity = INTEGRITY_METRICS.map((metric) => ({ metric, column }));
  const name = column === ANY_COLUMN ? 'any column' : column;
  return [{ title: `Column ${name}`, lines: [...drift, ...integrity] }, model];
}

export function openDetails(ctx: MonitorContext, target: DetailsTarget): HTMLDialogElement {
  const body = h('div', { class: 'dialog-body' }, status('loading', 'Loading this bin’s metrics…'));
  const closeButton = h(
    'button',
    { type: 'button', class: 'secondary', onclick: () => dialog.close() },
    'Close',
  );
  const where = target.column && target.column !== ANY_COLUMN ? ` · ${target.column}` : '';
  const dialog = h(
    'dialog',
    { class: 'details', 'aria-labelledby': 'details-title', 'data-dialog': 'details' },
    h('div', { class: 'dialog-head' }, h('h2', { id: 'details-title' }, `Bin details${where}`), closeButton),
    h(
      'p',
      { class: 'muted' },
      `${describeBin(target.binSize, target.binStart)}, ${target.binSize} bin, until ${formatTime(binEnd(target.binSize, target.binStart))}`,
      (target.segment ?? ctx.segment) ? `; segment ${target.segment ?? ctx.segment} only` : '',
    ),
    target.incident ? incidentBox(ctx, target) : null,
    body,
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  void fill(ctx, target, body);
  return dialog;
}

function incidentBox(ctx: MonitorContext, target: DetailsTarget): HTMLElement | null {
  const incident = target.incident;
  if (!incident) return null;
  return h(
    'div',
    { class: `alert-box severity-${incident.severity}` },
    h(
      'p',
      {},
      h('strong', {}, `${incident.severity === 'critical' ? 'Critical' : 'Warning'} incident`),
      ` (${incident.state})`,
    ),
    h('p', {}, incidentSentence(ctx, incident)),
  );
}

async function fill(ctx: MonitorContext, target: DetailsTarget, body: HTMLElement): Promise<void> {
  const groups = linesFor(ctx, target.column);
  const fetchOne = (line: Line): Promise<Point | undefined> =>
    ctx.loader
      .series({
        metric: line.metric.id,
        column: line.column,
        segment: target.segment ?? ctx.segment,
        bin_size: target.binSize,
        start: target.binStart,
        // The whole bin: the API computes a bin from the hours inside [start, end) only.
        end: binEnd(target.binSize, target.binStart),
      })
      .then((series) => series.points[0]);
  const answers = await Promise.all(groups.map((group) => Promise.allSettled(group.lines.map(fetchOne))));
  const dataset = target.column ? await ctx.dataset() : undefined;
  const baseline = dataset?.columns.find((c) => c.name === target.column);
  replace(
    body,
    groups.map((group, g) =>
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'data' },
          h('caption', {}, group.title),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Metric'),
              h('th', { scope: 'col' }, 'Value'),
              h('th', { scope: 'col' }, 'Events behind it'),
            ),
          ),
          h(
            'tbody',
            {},
            group.lines.map((line, i) => {
              const answer = answers[g]?.[i];
              const point = answer?.status === 'fulfilled' ? answer.value : undefined;
              const value =
                answer?.status === 'rejected'
                  ? `not available: ${messageOf(answer.reason)}`
                  : formatNumber(point?.value, {
                      count: line.metric.count,
                      percent: line.metric.id.endsWith('_percentage'),
                    });
              return h(
                'tr',
                {},
                h('th', { scope: 'row' }, line.metric.label),
                h('td', { class: 'num' }, value),
                h('td', { class: 'num' }, point ? formatValue(point.count, true) : ''),
              );
            }),
          ),
        ),
      ),
    ),
    baseline
      ? h('p', { class: 'muted' }, `Baseline of ${target.column}: ${baselineSummary(baseline)}.`)
      : null,
  );
}
