// The column view: one input or output over the view's range. Its distribution in a chosen bin against the
// baseline's (from `distributions`), its quantile band over time (numeric columns), its drift with the noise floor
// drawn, and its share of bad values. The series travel in one metrics query, the distribution in one request.
import type { Distribution, Point } from '../api/types.js';
import { axisTitle, DRIFT_METRICS, formatPercent, formatShare, formatValue } from '../monitor/catalog.js';
import { type MonitorContext, markersFor, thresholdsFor } from '../monitor/context.js';
import { Dropped } from '../monitor/loader.js';
import { beyondNoise, latest } from '../monitor/series-stats.js';
import { describeBin, formatTime } from '../monitor/time.js';
import { h, replace, status, uid } from '../ui/dom.js';
import { ChartPanel, flagsOf, messageOf, notes, type PanelContent, query, seriesOf } from './chart-panel.js';
import { baselineSummary } from './drift-table.js';

const NUMERIC = new Set(['int', 'float']);
const BASELINE_COLOR = '#475569';
const PRODUCTION_COLOR = '#c2410c';

export class ColumnView {
  readonly element: HTMLElement;
  private readonly head = h('p', { class: 'muted' });
  private readonly distributionBody = h('div', { class: 'panel-body' });
  private readonly binSelect: HTMLSelectElement;
  private readonly panels: HTMLElement;
  private distribution: Distribution | undefined;
  private jsd: Point[] = [];
  private version = 0;

  constructor(
    private readonly context: () => MonitorContext,
    readonly column: string,
    private at: number | undefined,
    private readonly onAt: (at: number) => void,
    backHref: string,
  ) {
    const selectId = uid('dist-bin');
    this.binSelect = h('select', { id: selectId, onchange: () => this.pick(Number(this.binSelect.value)) });
    this.panels = h('div', { class: 'panels' });
    this.element = h(
      'div',
      { class: 'column-view', 'data-column-view': column },
      h(
        'div',
        { class: 'column-head' },
        h('a', { href: backHref, class: 'back' }, '← All columns'),
        h('h2', { class: 'column-title' }, `Column ${column}`),
        this.head,
      ),
      h(
        'section',
        { class: 'panel panel-wide', 'aria-labelledby': 'distribution-title', 'data-panel': 'distribution' },
        h(
          'div',
          { class: 'panel-head' },
          h('h2', { id: 'distribution-title' }, 'Distribution against the baseline'),
          h(
            'div',
            { class: 'panel-controls' },
            h('div', { class: 'field' }, h('label', { for: selectId }, 'Bin'), this.binSelect),
          ),
        ),
        h(
          'p',
          { class: 'panel-description' },
          'The share of values in each drift bin (or category), in the baseline and in the chosen bin of production traffic.',
        ),
        this.distributionBody,
      ),
      this.panels,
    );
  }

  async refresh(): Promise<void> {
    const mine = ++this.version;
    const ctx = this.context();
    replace(this.distributionBody, status('loading', `Loading the distribution of ${this.column}…`));
    const dataset = await ctx.dataset();
    if (mine !== this.version) return;
    const baseline = dataset?.columns.find((c) => c.name === this.column);
    const role = ctx.model.outputs.includes(this.column) ? 'Output' : 'Input';
    replace(this.head, `${role} of ${ctx.model.model_id}. Baseline: ${baselineSummary(baseline)}.`);
    const numeric = baseline ? NUMERIC.has(baseline.data_type) : false;
    const charts: ChartPanel[] = [
      ...(numeric ? [new QuantilePanel(this.context, this.column)] : []),
      new NoiseDriftPanel(this.context, this.column),
      new BadValuesPanel(this.context, this.column),
    ];
    replace(
      this.panels,
      charts.map((chart) => chart.element),
    );
    // Asked in one turn: the series go out as one metrics query, beside the distribution's request.
    const drawn = charts.map((chart) => chart.refresh());
    const jsd = query(ctx, 'jsd', this.column).catch(() => undefined);
    try {
      this.distribution = await ctx.api.distributions(
        ctx.model,
        this.column,
        { bin_size: ctx.bin, start: ctx.range.start, end: ctx.range.end },
        ctx.segment,
      );
      this.jsd = (await jsd)?.points ?? [];
    } catch (error) {
      if (error instanceof Dropped || mine !== this.version) return;
      replace(
        this.distributionBody,
        status('error', `Could not load the distribution of ${this.column}: ${messageOf(error)}`),
      );
      await Promise.all(drawn);
      return;
    }
    if (mine !== this.version) return;
    this.fillBins();
    this.drawDistribution();
    await Promise.all(drawn);
  }

  private fillBins(): void {
    const points = (this.distribution?.points ?? []).filter((p) => p.count > 0);
    const ctx = this.context();
    if (this.at === undefined || !points.some((p) => p.start === this.at)) {
      this.at = points[points.length - 1]?.start;
    }
    replace(
      this.binSelect,
      points.length === 0 ? h('option', { value: '' }, 'No bins with values') : null,
      [...points]
        .reverse()
        .map((p) =>
          h(
            'option',
            { value: p.start, selected: p.start === this.at },
            `${formatTime(p.start, ctx.bin)} (${formatValue(p.count, true)} values)`,
          ),
        ),
    );
  }

  private pick(at: number): void {
    this.at = at;
    this.onAt(at);
    this.drawDistribution();
  }

  private drawDistribution(): void {
    const dist = this.distribution;
    const ctx = this.context();
    if (!dist) return;
    const point = dist.points.find((p) => p.start === this.at);
    if (!point || point.count === 0) {
      replace(
        this.distributionBody,
        status('empty', `No values of ${this.column} in this range: nothing to compare with the baseline.`),
      );
      return;
    }
    const production = point.counts.map((n) => n / point.count);
    const top = Math.max(...production, ...dist.baseline, 0.0001);
    const drift = this.jsd.find((p) => p.start === point.start);
    const unit = dist.kind === 'numeric' ? 'Value range' : dist.kind === 'bool' ? 'Value' : 'Category';
    const rows = dist.bins.map((bin, i) => {
      const base = dist.baseline[i] ?? 0;
      const prod = production[i] ?? 0;
      const label = bin.label === '__OTHER__' ? 'Other (not in the baseline)' : bin.label;
      return h(
        'tr',
        { 'data-bin': bin.label },
        h('th', { scope: 'row' }, label),
        h(
          'td',
          { class: 'bars' },
          bar('Baseline', base, top, BASELINE_COLOR),
          bar('Production', prod, top, PRODUCTION_COLOR),
        ),
      );
    });
    const worst = dist.bins
      .map((bin, i) => ({ bin, change: (production[i] ?? 0) - (dist.baseline[i] ?? 0) }))
      .sort((a, b) => Math.abs(b.change) - Math.abs(a.change))[0];
    replace(
      this.distributionBody,
      h(
        'figure',
        {
          class: 'chart distribution',
          'data-chart': 'distribution',
          'data-series': 'Baseline|Production',
          'data-bins': dist.bins.length,
        },
        h(
          'div',
          { class: 'legend', 'aria-hidden': 'true' },
          h('span', { class: 'key', style: `--key:${BASELINE_COLOR}` }, 'Baseline'),
          h(
            'span',
            { class: 'key', style: `--key:${PRODUCTION_COLOR}` },
            `Production, ${formatTime(point.start, ctx.bin)}`,
          ),
        ),
        h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'dist-table' },
            h('caption', {}, `Share of values (%) per ${unit.toLowerCase()} of ${this.column}`),
            h(
              'thead',
              {},
              h('tr', {}, h('th', { scope: 'col' }, unit), h('th', { scope: 'col' }, 'Share of values (%)')),
            ),
            h('tbody', {}, rows),
          ),
        ),
        h(
          'figcaption',
          {},
          `${describeBin(ctx.bin, point.start)}: ${formatValue(point.count, true)} values compared.`,
          drift?.value !== null && drift?.value !== undefined
            ? ` JSD ${formatValue(drift.value)} against a noise floor of ${formatValue(drift.noise)}${beyondNoise(drift) ? ': beyond noise, a real shift.' : ': within noise.'}`
            : '',
          worst && Math.abs(worst.change) > 0.005
            ? ` The largest change is in ${worst.bin.label === '__OTHER__' ? 'values not in the baseline' : worst.bin.label}: ${worst.change > 0 ? '+' : '−'}${formatPercent(Math.abs(worst.change) * 100).replace('%', '')} points.`
            : '',
        ),
      ),
    );
  }
}

function bar(series: string, share: number, top: number, color: string): HTMLElement {
  return h(
    'div',
    { class: 'bar-row', 'data-series': series },
    h('span', { class: 'bar-name' }, series),
    h(
      'span',
      { class: 'bar-track' },
      h('span', {
        class: 'bar',
        style: `width:${((share / top) * 100).toFixed(2)}%;background:${color}`,
      }),
    ),
    h('span', { class: 'bar-value' }, formatShare(share)),
  );
}

class QuantilePanel extends ChartPanel {
  constructor(
    context: () => MonitorContext,
    private readonly column: string,
  ) {
    super(
      context,
      'quantiles',
      'Quantiles over time',
      'The middle 90% of values (5th to 95th percentile, shaded) and the median, per bin.',
    );
  }

  protected async load(ctx: MonitorContext): Promise<PanelContent> {
    const [p05, median, p95] = await Promise.all(
      ['p05', 'median', 'p95'].map((metric) => query(ctx, metric, this.column)),
    );
    if (!p05 || !median || !p95 || median.points.every((p) => p.value === null)) {
      return { empty: `No values of ${this.column} in this range.` };
    }
    const { flags, note } = flagsOf(ctx, median.points);
    return {
      spec: {
        times: median.points.map((p) => p.start),
        series: [
          { ...seriesOf('95th percentile', p95.points, this.column), color: '#1f5fbf', dash: true },
          { ...seriesOf('Median', median.points, this.column), color: '#1f5fbf' },
          { ...seriesOf('5th percentile', p05.points, this.column), color: '#1f5fbf', dash: true },
        ],
        bands: [[0, 2]],
        thresholds: [],
        markers: [],
        yLabel: `${this.column} (its own units)`,
        flags,
        fromZero: false,
        count: false,
      },
      caption: [
        `Median of ${this.column} in the newest bin: ${formatValue(latest(median.points)?.value)}.`,
        note,
      ],
    };
  }
}

class NoiseDriftPanel extends ChartPanel {
  constructor(
    context: () => MonitorContext,
    private readonly column: string,
  ) {
    super(
      context,
      'column-drift',
      'Drift and its noise floor',
      'Jensen-Shannon distance from the baseline per bin, and the distance a sample of the same size drawn from the baseline itself would show (dashed).',
    );
  }

  protected async load(ctx: MonitorContext): Promise<PanelContent> {
    const series = await query(ctx, 'jsd', this.column);
    if (series.points.every((p) => p.value === null))
      return { empty: `No drift values for ${this.column} here.` };
    const beyond = series.points.filter(beyondNoise);
    const { flags, note } = flagsOf(ctx, series.points);
    return {
      spec: {
        times: series.points.map((p) => p.start),
        series: [
          seriesOf('JSD', series.points, this.column),
          {
            label: 'Noise floor',
            column: this.column,
            values: series.points.map((p) => p.noise ?? null),
            color: '#64748b',
            dash: true,
            passive: true,
          },
        ],
        thresholds: thresholdsFor(ctx, 'jsd', [this.column]),
        markers: markersFor(ctx, 'jsd', [this.column]),
        yLabel: axisTitle(DRIFT_METRICS[0] as (typeof DRIFT_METRICS)[0], ctx.bin),
        flags,
        fromZero: true,
        count: false,
      },
      caption: [
        beyond.length === 0
          ? 'No bin is beyond its noise floor (three times it, and 0.05 above): what moves here is sampling noise.'
          : `${beyond.length} bin${beyond.length === 1 ? ' is' : 's are'} beyond noise (over three times its floor and 0.05 above it), from ${formatTime(beyond[0]?.start as number, ctx.bin)}.`,
        note,
        ...notes(ctx, 'jsd', [this.column]),
      ],
    };
  }
}

const VIOLATION_SHARES: Array<[string, string, string]> = [
  ['null_violation_percentage', 'Missing', '#1f5fbf'],
  ['type_violation_percentage', 'Wrong type', '#7e22ce'],
  ['range_violation_percentage', 'Outside the baseline', '#c2410c'],
  ['any_violation_percentage', 'Any bad value', '#17202e'],
];

class BadValuesPanel extends ChartPanel {
  constructor(
    context: () => MonitorContext,
    private readonly column: string,
  ) {
    super(
      context,
      'column-integrity',
      'Bad values',
      'The share of events whose value is missing, of the wrong type, or outside the baseline’s range or categories.',
    );
  }

  protected async load(ctx: MonitorContext): Promise<PanelContent> {
    const loaded = await Promise.all(VIOLATION_SHARES.map(([metric]) => query(ctx, metric, this.column)));
    const any = loaded[3];
    if (!any) return { empty: 'No values.' };
    const worst = Math.max(0, ...any.points.map((p) => p.value ?? 0));
    const { flags, note } = flagsOf(ctx, any.points);
    return {
      spec: {
        times: any.points.map((p) => p.start),
        series: loaded.map((series, i) => {
          const [, label, color] = VIOLATION_SHARES[i] as [string, string, string];
          return { ...seriesOf(label, series.points, this.column), color, dash: i === 3 };
        }),
        thresholds: VIOLATION_SHARES.flatMap(([metric]) => thresholdsFor(ctx, metric, [this.column])),
        markers: VIOLATION_SHARES.flatMap(([metric]) => markersFor(ctx, metric, [this.column])),
        yLabel: 'Share of events (%)',
        flags,
        fromZero: true,
        count: false,
        percent: true,
      },
      caption: [
        worst === 0
          ? `No bad values of ${this.column} in this range.`
          : `At worst ${formatPercent(worst)} of a bin's events had a bad ${this.column}.`,
        note,
      ],
    };
  }
}
