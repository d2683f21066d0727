// A Monitor panel holding one chart: its own controls, a loading/empty/error state in words, the chart with
// rule thresholds and alert marks, a caption, and the chart's numbers as a table for keyboard and screen readers.
import { ApiError } from '../api/client.js';
import type { Point } from '../api/types.js';
import { formatNumber } from '../monitor/catalog.js';
import { binFlags, incidentsFor, type MonitorContext, undrawnRulesNote } from '../monitor/context.js';
import { Dropped } from '../monitor/loader.js';
import { formatTime } from '../monitor/time.js';
import { type Chart, type ChartSeries, type ChartSpec, renderChart } from '../ui/chart.js';
import { h, replace, status } from '../ui/dom.js';

export interface PanelContent {
  /** Replaces the chart with this message in words (no data in the range, not applicable...). */
  empty?: string;
  spec?: Omit<ChartSpec, 'title' | 'onPick'>;
  caption?: Array<Node | string>;
}

export function seriesOf(label: string, points: Point[], column?: string): ChartSeries {
  return { label, column, values: points.map((p) => p.value) };
}

/** Shading for the bins still under way or with few events, and the caption sentence that explains it. */
export function flagsOf(
  ctx: MonitorContext,
  points: Point[],
): { flags: ReturnType<typeof binFlags>; note: string } {
  const flags = binFlags(ctx.bin, points);
  const partial = flags.includes('partial');
  const low = flags.filter((flag) => flag === 'low').length;
  const parts = [
    partial ? 'the newest bin is still under way' : '',
    low > 0 ? `${low} bin${low === 1 ? ' has' : 's have'} under a quarter of the usual events` : '',
  ].filter(Boolean);
  return {
    flags,
    note:
      parts.length > 0
        ? ` Hatched: ${parts.join('; ')}, so read ${partial && low === 0 ? 'it' : 'them'} with care.`
        : '',
  };
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.status || 'no answer'} ${error.code})`;
  return (error as Error)?.message ?? String(error);
}

export abstract class ChartPanel {
  readonly element: HTMLElement;
  protected readonly controls: HTMLElement;
  private readonly body: HTMLElement;
  private chart: Chart | undefined;
  private version = 0;

  constructor(
    protected readonly context: () => MonitorContext,
    private readonly key: string,
    private readonly title: string,
    description: string,
  ) {
    const headingId = `panel-${key}-title`;
    this.controls = h('div', { class: 'panel-controls' });
    this.body = h('div', { class: 'panel-body' });
    this.element = h(
      'section',
      { class: `panel panel-${key}`, 'aria-labelledby': headingId, 'data-panel': key },
      h('div', { class: 'panel-head' }, h('h2', { id: headingId }, title), this.controls),
      h('p', { class: 'panel-description' }, description),
      this.body,
    );
  }

  protected abstract load(ctx: MonitorContext): Promise<PanelContent>;

  /** Loads (from the cache when it can) and draws again; a newer call wins over an older one still loading. */
  async refresh(): Promise<void> {
    const mine = ++this.version;
    const ctx = this.context();
    if (!this.chart) replace(this.body, status('loading', `Loading ${this.title.toLowerCase()}…`));
    let content: PanelContent;
    try {
      content = await this.load(ctx);
    } catch (error) {
      if (error instanceof Dropped || mine !== this.version) return;
      this.destroyChart();
      replace(this.body, status('error', `Could not load ${this.title.toLowerCase()}: ${messageOf(error)}`));
      return;
    }
    if (mine !== this.version) return;
    this.destroyChart();
    if (content.empty || !content.spec) {
      replace(this.body, status('empty', content.empty ?? 'Nothing to show.'), caption(content));
      return;
    }
    const spec: ChartSpec = {
      ...content.spec,
      title: this.title,
      onPick: (series, binStart) =>
        ctx.openDetails({ column: series.column, segment: series.segment, binStart, binSize: ctx.bin }),
    };
    const canvas = h('div', { class: 'chart-canvas' });
    const nonEmpty = spec.series.reduce(
      (n, s) => n + s.values.filter((v) => v !== null && v !== 0).length,
      0,
    );
    const figure = h(
      'figure',
      {
        class: 'chart',
        'data-chart': this.key,
        'data-points': spec.times.length,
        'data-nonzero': nonEmpty,
        'data-series': spec.series.map((s) => s.label).join('|'),
      },
      canvas,
      h('figcaption', {}, ...(content.caption ?? [])),
      dataTable(spec, ctx),
    );
    replace(this.body, figure);
    this.chart = renderChart(canvas, spec);
  }

  private destroyChart(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }
}

function caption(content: PanelContent): HTMLElement | undefined {
  return content.caption ? h('p', { class: 'panel-note' }, ...content.caption) : undefined;
}

/** The series of a metric (and column) over the view's range, bins and segment. */
export function query(ctx: MonitorContext, metric: string, column?: string) {
  return ctx.loader.series({
    metric,
    column,
    segment: ctx.segment,
    bin_size: ctx.bin,
    start: ctx.range.start,
    end: ctx.range.end,
  });
}

/** Caption sentences on the incidents marked and the rule thresholds a chart cannot draw. */
export function notes(ctx: MonitorContext, metric: string, columns?: string[]): string[] {
  const fired = incidentsFor(ctx, metric, columns).length;
  const undrawn = undrawnRulesNote(ctx, metric, columns);
  return [
    fired > 0
      ? ` ${fired} incident${fired === 1 ? '' : 's'} shaded over their bins (filled triangle: open, hollow: resolved).`
      : '',
    undrawn ? ` ${undrawn}` : '',
  ];
}

const MAX_TABLE_ROWS = 500;

/** The chart's numbers, newest bin first, built only when opened; each value opens that bin's details. */
function dataTable(spec: ChartSpec, ctx: MonitorContext): HTMLElement {
  const holder = h('div', {
    class: 'table-scroll',
    tabindex: 0,
    role: 'region',
    'aria-label': `${spec.title} data`,
  });
  const details = h('details', { class: 'chart-data' }, h('summary', {}, 'Show the numbers'), holder);
  details.addEventListener('toggle', () => {
    if (!details.open || holder.childElementCount > 0) return;
    const rows: HTMLElement[] = [];
    for (let i = spec.times.length - 1; i >= 0 && rows.length < MAX_TABLE_ROWS; i--) {
      const start = spec.times[i] as number;
      rows.push(
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, formatTime(start, ctx.bin)),
          spec.series.map((series) =>
            series.passive
              ? h('td', { class: 'num' }, formatNumber(series.values[i], spec))
              : h(
                  'td',
                  {},
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'link',
                      'aria-label': `${series.label} at ${formatTime(start, ctx.bin)}: details`,
                      onclick: () =>
                        ctx.openDetails({
                          column: series.column,
                          segment: series.segment,
                          binStart: start,
                          binSize: ctx.bin,
                        }),
                    },
                    formatNumber(series.values[i], spec),
                  ),
                ),
          ),
        ),
      );
    }
    replace(
      holder,
      h(
        'table',
        { class: 'data' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Bin (UTC)'),
            spec.series.map((s) => h('th', { scope: 'col' }, s.label)),
          ),
        ),
        h('tbody', {}, rows),
      ),
    );
  });
  return details;
}
