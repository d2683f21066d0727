// Which value of a `segment_by` column moved a metric: its automatic segments ranked by the metric in one bin of
// the view, each beside the bin before, in words. One `GET .../segments/breakdown` when the user asks for it, so
// the panel costs the view's first draw no request.
import type { SegmentBreakdown } from '../api/types.js';
import { formatValue, metricInfo } from '../monitor/catalog.js';
import type { MonitorContext } from '../monitor/context.js';
import { binEnd, binStartOf, describeBin, formatTime } from '../monitor/time.js';
import { h, labelledSelect, replace, status } from '../ui/dom.js';
import { messageOf } from './chart-panel.js';
import { comparableMetrics, defaultColumn, valueWords } from './compare-panel.js';

/** Bins offered in the picker, newest first: enough for a month of hours. */
const MAX_BINS = 750;

type Order = 'asc' | 'desc';

interface Choice {
  column?: string;
  metric?: string;
  at?: number;
  order: Order;
}

type Item = SegmentBreakdown['items'][number];

export class BreakdownPanel {
  readonly element: HTMLElement;
  private readonly controls = h('div', { class: 'panel-controls' });
  private readonly body = h('div', { class: 'panel-body' });
  private choice: Choice = { order: 'desc' };
  /** The bins and range the bin picker was built for: a new range or bin size forgets the ranking shown. */
  private builtFor = '';
  private version = 0;

  constructor(private readonly context: () => MonitorContext) {
    this.element = h(
      'section',
      {
        class: 'panel panel-breakdown',
        'aria-labelledby': 'panel-breakdown-title',
        'data-panel': 'breakdown',
      },
      h(
        'div',
        { class: 'panel-head' },
        h('h2', { id: 'panel-breakdown-title' }, 'Rank segments'),
        this.controls,
      ),
      h(
        'p',
        { class: 'panel-description' },
        'Every value of a segment_by column ranked by one metric in one bin, beside the bin before: which value moved it. The segment chosen above does not apply here.',
      ),
      this.body,
    );
  }

  /** Rebuilds the pickers for the view's bins; asks nothing until the user ranks. */
  async refresh(): Promise<void> {
    const ctx = this.context();
    const columns = ctx.model.monitoring.segment_by ?? [];
    if (columns.length === 0) {
      this.controls.replaceChildren();
      replace(
        this.body,
        status(
          'empty',
          'This model has no segment_by column. Name one in its monitoring config to rank its values here.',
        ),
      );
      return;
    }
    const bins = binsOf(ctx);
    const key = `${ctx.bin}|${ctx.range.start}|${ctx.range.end}`;
    const column =
      this.choice.column && columns.includes(this.choice.column)
        ? this.choice.column
        : defaultColumn(columns);
    const metrics = comparableMetrics(ctx.model);
    const metric =
      this.choice.metric && metrics.some((m) => m.value === this.choice.metric)
        ? this.choice.metric
        : metrics[0]?.value;
    const at = this.choice.at !== undefined && bins.includes(this.choice.at) ? this.choice.at : bins[0];
    this.choice = { ...this.choice, column, metric, at };
    const rank = h('button', { type: 'button', class: 'secondary', onclick: () => void this.rank() }, 'Rank');
    this.controls.replaceChildren(
      labelledSelect(
        'Rank by',
        columns.map((c) => ({ value: c, label: c })),
        column ?? '',
        (value) => this.choose({ column: value }),
      ).field,
      labelledSelect('Ranked metric', metrics, metric ?? '', (value) => this.choose({ metric: value })).field,
      labelledSelect(
        'Ranked bin',
        bins.map((start) => ({ value: String(start), label: formatTime(start, ctx.bin) })),
        String(at ?? ''),
        (value) => this.choose({ at: Number(value) }),
      ).field,
      labelledSelect(
        'Order',
        [
          { value: 'desc', label: 'Highest first' },
          { value: 'asc', label: 'Lowest first' },
        ],
        this.choice.order,
        (value) => this.choose({ order: value as Order }),
      ).field,
      rank,
    );
    if (key !== this.builtFor || this.body.childElementCount === 0) {
      this.builtFor = key;
      this.version++;
      this.prompt();
    }
  }

  private choose(change: Partial<Choice>): void {
    this.choice = { ...this.choice, ...change };
    this.version++;
    this.prompt();
  }

  private prompt(): void {
    replace(this.body, status('empty', 'Choose a column, a metric and a bin, then Rank.'));
  }

  private async rank(): Promise<void> {
    const mine = ++this.version;
    const ctx = this.context();
    const { column, metric, at, order } = this.choice;
    if (!column || !metric || at === undefined) return;
    const [id, metricColumn] = metric.startsWith('jsd:') ? ['jsd', metric.slice(4)] : [metric, undefined];
    const query = { column, metric: id, metric_column: metricColumn, bin_size: ctx.bin, at, order };
    replace(this.body, status('loading', 'Ranking the segments…'));
    let answer: SegmentBreakdown;
    try {
      answer = await ctx.answers.get(`breakdown|${JSON.stringify(query)}`, () =>
        ctx.api.segmentBreakdown(ctx.model, query),
      );
    } catch (error) {
      if (mine === this.version)
        replace(this.body, status('error', `Could not rank the segments: ${messageOf(error)}`));
      return;
    }
    if (mine !== this.version) return;
    replace(this.body, ranking(ctx, answer, metricColumn, order));
  }
}

/** The view's bins, newest first. */
function binsOf(ctx: MonitorContext): number[] {
  const bins: number[] = [];
  for (let at = binStartOf(ctx.bin, ctx.range.start); at < ctx.range.end; at = binEnd(ctx.bin, at))
    bins.push(at);
  return bins.reverse().slice(0, MAX_BINS);
}

function ranking(
  ctx: MonitorContext,
  answer: SegmentBreakdown,
  metricColumn: string | undefined,
  order: Order,
): HTMLElement {
  const info = metricInfo(ctx.model, answer.metric);
  const label = metricColumn ? `JSD of ${metricColumn}` : info.label;
  const count = info.count === true;
  const behind = info.kind === 'performance' && answer.metric !== 'data_count' ? 'labelled events' : 'events';
  const withValue = answer.items.filter((item) => item.value !== null).length;
  return h(
    'div',
    { class: 'breakdown' },
    h(
      'p',
      {},
      `${answer.column} ranked by ${label.toLowerCase()}, ${order === 'desc' ? 'highest' : 'lowest'} first, in ${describeBin(answer.bin_size, answer.bin_start)}: `,
      `${withValue} of ${answer.items.length} values have one.`,
    ),
    h(
      'ol',
      { class: 'breakdown-list', 'data-bin-start': answer.bin_start },
      answer.items.map((item) =>
        h(
          'li',
          { 'data-segment': item.segment_id, 'data-value': item.value ?? '', 'data-count': item.count },
          h('strong', {}, valueWords(item.segment_id)),
          `: ${sentence(item, label, count, behind)}`,
        ),
      ),
    ),
  );
}

function sentence(item: Item, label: string, count: boolean, behind: string): string {
  const now =
    item.value === null
      ? `no ${label.toLowerCase()} in this bin (${formatValue(item.count, true)} ${behind})`
      : `${formatValue(item.value, count)} over ${formatValue(item.count, true)} ${behind}`;
  const before =
    item.previous_value === null
      ? 'none in the bin before'
      : `${formatValue(item.previous_value, count)} in the bin before (over ${formatValue(item.previous_count, true)})`;
  const change =
    item.change === null
      ? ''
      : item.change === 0
        ? ', unchanged'
        : `, ${item.change > 0 ? 'up' : 'down'} ${formatValue(Math.abs(item.change), count)}`;
  return `${now}; ${before}${change}.`;
}
