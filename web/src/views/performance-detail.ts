// The performance of a classification model in one chosen bin: its confusion matrix (counts and row shares) and,
// for a binary model, its calibration plot (mean predicted probability against the observed share of positives,
// with the diagonal of a perfectly calibrated model); above them, the labelled share of events per bin, whose
// bars also choose the bin. One `GET .../performance` per range, asked only once the panel comes near the screen
// (or its bin list is opened), so the view's first draw does without it.
import type { PerformanceDetails, Series } from '../api/types.js';
import { formatShare, formatValue } from '../monitor/catalog.js';
import type { MonitorContext } from '../monitor/context.js';
import { Dropped } from '../monitor/loader.js';
import { describeBin, formatTime } from '../monitor/time.js';
import { h, replace, status, uid } from '../ui/dom.js';
import { s } from '../ui/svg.js';
import { messageOf, query } from './chart-panel.js';

type Point = PerformanceDetails['points'][number];
type Bucket = NonNullable<Point['calibration']>[number];

const PLOT = { size: 300, left: 44, right: 12, top: 12, bottom: 40 };
const COVERAGE = { barWidth: 10, height: 56 };
/** How far below the screen the panel starts loading, so a scroll usually finds it drawn. */
const NEAR = '300px 0px';

export class PerformanceDetailPanel {
  readonly element: HTMLElement;
  private readonly body = h('div', { class: 'panel-body' });
  private readonly binSelect: HTMLSelectElement;
  private details: PerformanceDetails | undefined;
  private traffic: Series | undefined;
  private at: number | undefined;
  private version = 0;
  /** Whether the details may be asked for: once the panel is near the screen or its bin list is opened. */
  private wanted = typeof IntersectionObserver === 'undefined';
  private observer: IntersectionObserver | undefined;

  constructor(private readonly context: () => MonitorContext) {
    const selectId = uid('perf-bin');
    this.binSelect = h('select', { id: selectId, onchange: () => this.pick(Number(this.binSelect.value)) });
    for (const opening of ['focus', 'pointerdown'])
      this.binSelect.addEventListener(opening, () => this.want());
    this.element = h(
      'section',
      {
        class: 'panel panel-wide',
        'aria-labelledby': 'performance-detail-title',
        'data-panel': 'performance-detail',
      },
      h(
        'div',
        { class: 'panel-head' },
        h('h2', { id: 'performance-detail-title' }, 'Confusion matrix and calibration'),
        h(
          'div',
          { class: 'panel-controls' },
          h('div', { class: 'field' }, h('label', { for: selectId }, 'Labelled bin'), this.binSelect),
        ),
      ),
      h(
        'p',
        { class: 'panel-description' },
        'How the labelled events of one bin were classified, and whether the predicted probabilities match how often the positive class happened. ',
        'The bars show the share of each bin’s events that have a label; pick a bin with them or with the list.',
      ),
      this.body,
    );
  }

  /**
   * Starts watching for the panel to come near the screen. Called once the rest of the view is drawn: while
   * the panels above still show their loading lines, this one sits higher than it will.
   */
  watch(): void {
    if (this.wanted || this.observer) return;
    this.observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) this.want();
      },
      { rootMargin: NEAR },
    );
    this.observer.observe(this.element);
  }

  private want(): void {
    if (this.wanted) return;
    this.wanted = true;
    this.observer?.disconnect();
    this.observer = undefined;
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const mine = ++this.version;
    const ctx = this.context();
    if (!this.wanted) {
      replace(
        this.body,
        status('empty', 'The confusion matrix and calibration load when this panel is scrolled into view.'),
      );
      return;
    }
    if (!this.details) replace(this.body, status('loading', 'Loading the confusion matrix…'));
    // Asked in this turn, so traffic travels in the view's one metrics query.
    const traffic = query(ctx, 'traffic');
    const range = { bin_size: ctx.bin, start: ctx.range.start, end: ctx.range.end };
    const key = `performance|${range.bin_size}|${range.start}|${range.end}|${ctx.segment ?? ''}`;
    try {
      const [details, series] = await Promise.all([
        ctx.answers.get(key, () => ctx.api.performance(ctx.model, range, ctx.segment)),
        traffic,
      ]);
      if (mine !== this.version) return;
      this.details = details;
      this.traffic = series;
    } catch (error) {
      if (error instanceof Dropped || mine !== this.version) return;
      this.details = undefined;
      replace(this.body, status('error', `Could not load the confusion matrix: ${messageOf(error)}`));
      return;
    }
    this.fillBins();
    this.draw();
  }

  private labelled(): Point[] {
    return (this.details?.points ?? []).filter((point) => point.data_count > 0);
  }

  private fillBins(): void {
    const ctx = this.context();
    const labelled = this.labelled();
    if (this.at === undefined || !labelled.some((point) => point.start === this.at)) {
      this.at = (newestMostlyLabelled(labelled, this.traffic) ?? labelled.at(-1))?.start;
    }
    replace(
      this.binSelect,
      labelled.length === 0 ? h('option', { value: '' }, 'No bins with labels') : null,
      [...labelled]
        .reverse()
        .map((point) =>
          h(
            'option',
            { value: point.start, selected: point.start === this.at },
            `${formatTime(point.start, ctx.bin)} (${formatValue(point.data_count, true)} labelled)`,
          ),
        ),
    );
  }

  private pick(at: number): void {
    if (!Number.isFinite(at)) return;
    this.at = at;
    this.binSelect.value = String(at);
    this.draw();
  }

  private draw(): void {
    const details = this.details;
    if (!details) return;
    const ctx = this.context();
    const point = details.points.find((p) => p.start === this.at);
    const coverage = coverageFigure(ctx, details, this.traffic, this.at, (at) => this.pick(at));
    if (!point || point.data_count === 0) {
      replace(
        this.body,
        coverage,
        status(
          'empty',
          'No labelled events in this range yet. Labels (targets) can arrive later, as updates of the events.',
        ),
      );
      return;
    }
    replace(
      this.body,
      coverage,
      h(
        'div',
        { class: 'performance-detail' },
        confusionFigure(ctx, details, point),
        point.calibration ? calibrationFigure(ctx, point, point.calibration) : null,
      ),
    );
  }
}

/**
 * The newest bin whose events are mostly labelled: labels arrive late, so the newest bin with any often holds a
 * handful, too few to read a matrix from.
 */
function newestMostlyLabelled(labelled: Point[], traffic: Series | undefined): Point | undefined {
  const events = new Map((traffic?.points ?? []).map((p) => [p.start, p.count]));
  return labelled.findLast(
    (point) => point.data_count >= 0.5 * (events.get(point.start) ?? Number.POSITIVE_INFINITY),
  );
}

/** The labelled share of each bin's events as bars; a bar with labels chooses its bin. */
function coverageFigure(
  ctx: MonitorContext,
  details: PerformanceDetails,
  traffic: Series | undefined,
  at: number | undefined,
  onPick: (at: number) => void,
): HTMLElement {
  const events = new Map((traffic?.points ?? []).map((p) => [p.start, p.count]));
  const rows = details.points.map((point) => {
    const total = events.get(point.start) ?? 0;
    return { point, total, share: total > 0 ? Math.min(1, point.data_count / total) : null };
  });
  const width = Math.max(rows.length, 1) * COVERAGE.barWidth;
  const bars = rows.map(({ point, total, share }, i) => {
    const height = share === null ? 0 : Math.max(share * COVERAGE.height, share > 0 ? 1.5 : 0.75);
    const label =
      share === null
        ? `${formatTime(point.start, ctx.bin)}: no events`
        : `${formatTime(point.start, ctx.bin)}: ${formatShare(share)} labelled (${formatValue(point.data_count, true)} of ${formatValue(total, true)} events)`;
    return s(
      'rect',
      {
        x: i * COVERAGE.barWidth + 1,
        y: COVERAGE.height - height,
        width: COVERAGE.barWidth - 2,
        height,
        class: `coverage-bar${point.start === at ? ' chosen' : ''}${point.data_count > 0 ? ' pickable' : ''}`,
        'data-start': point.start,
        onclick: point.data_count > 0 ? () => onPick(point.start) : undefined,
      },
      s('title', {}, label),
    );
  });
  const withEvents = rows.filter((row) => row.total > 0);
  const labelled = withEvents.reduce((sum, row) => sum + row.point.data_count, 0);
  const total = withEvents.reduce((sum, row) => sum + row.total, 0);
  const unlabelled = withEvents.filter((row) => row.point.data_count === 0).length;
  const table = h(
    'table',
    { class: 'data' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Bin (UTC)', 'Events', 'Labelled', 'Label coverage'].map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      {},
      [...rows]
        .reverse()
        .map(({ point, total: events, share }) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, formatTime(point.start, ctx.bin)),
            h('td', { class: 'num' }, formatValue(events, true)),
            h('td', { class: 'num' }, formatValue(point.data_count, true)),
            h('td', { class: 'num' }, share === null ? 'no events' : formatShare(share)),
          ),
        ),
    ),
  );
  return h(
    'figure',
    { class: 'chart coverage', 'data-chart': 'label-coverage', 'data-points': rows.length },
    s(
      'svg',
      {
        viewBox: `0 0 ${width} ${COVERAGE.height}`,
        preserveAspectRatio: 'none',
        role: 'img',
        'aria-label': `Label coverage per ${ctx.bin}`,
      },
      s('line', { x1: 0, x2: width, y1: COVERAGE.height, y2: COVERAGE.height, class: 'axis' }),
      bars,
    ),
    h(
      'figcaption',
      {},
      total === 0
        ? 'No events in this range.'
        : `Label coverage: ${formatShare(labelled / total)} of the range’s ${formatValue(total, true)} events have a label`,
      total > 0 && unlabelled > 0
        ? `; ${unlabelled} bin${unlabelled === 1 ? ' has' : 's have'} none yet (labels can arrive later).`
        : total > 0
          ? '.'
          : '',
    ),
    h(
      'details',
      { class: 'chart-data' },
      h('summary', {}, 'Show the numbers'),
      h(
        'div',
        { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Label coverage data' },
        table,
      ),
    ),
  );
}

const classText = (label: string | number | boolean) => String(label);

/** The confusion matrix as a table: rows the actual class, columns the predicted one, counts and row shares. */
function confusionFigure(ctx: MonitorContext, details: PerformanceDetails, point: Point): HTMLElement {
  const binary = details.task === 'binary_classification';
  const names = details.classes.map((label, i) =>
    binary ? `${classText(label)} (${i === 1 ? 'positive' : 'negative'})` : classText(label),
  );
  const rowTotals = point.confusion.map((row) => row.reduce((sum, n) => sum + n, 0));
  const columnTotals = details.classes.map((_, j) =>
    point.confusion.reduce((sum, row) => sum + (row[j] ?? 0), 0),
  );
  const correct = point.confusion.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
  const body = point.confusion.map((row, i) =>
    h(
      'tr',
      { 'data-actual': classText(details.classes[i] as string) },
      h('th', { scope: 'row' }, names[i]),
      row.map((count, j) => {
        const share = (rowTotals[i] ?? 0) > 0 ? count / (rowTotals[i] as number) : 0;
        return h(
          'td',
          {
            class: `num cell ${i === j ? 'hit' : 'miss'}`,
            'data-predicted': classText(details.classes[j] as string),
            'data-count': count,
            style: `--share:${share.toFixed(3)}`,
          },
          h('span', { class: 'count' }, formatValue(count, true)),
          h('span', { class: 'share' }, (rowTotals[i] ?? 0) > 0 ? formatShare(share) : '–'),
        );
      }),
      h('td', { class: 'num total' }, formatValue(rowTotals[i], true)),
    ),
  );
  const sentence = binary
    ? binarySentence(details, point)
    : `Accuracy ${formatShare(correct / point.data_count)}: ${formatValue(correct, true)} of ${formatValue(point.data_count, true)} on the diagonal.`;
  return h(
    'figure',
    { class: 'chart confusion', 'data-chart': 'confusion', 'data-total': point.data_count },
    h(
      'p',
      { class: 'matrix-title' },
      `${describeBin(ctx.bin, point.start)}: ${formatValue(point.data_count, true)} labelled events.`,
    ),
    h(
      'div',
      { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Confusion matrix' },
      h(
        'table',
        { class: 'data confusion-table' },
        h('caption', {}, 'Rows: the actual class; columns: the predicted one.'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Actual ╲ predicted'),
            names.map((name) => h('th', { scope: 'col' }, name)),
            h('th', { scope: 'col' }, 'Total'),
          ),
        ),
        h('tbody', {}, body),
        h(
          'tfoot',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, 'Total'),
            columnTotals.map((n) => h('td', { class: 'num total' }, formatValue(n, true))),
            h('td', { class: 'num total' }, formatValue(point.data_count, true)),
          ),
        ),
      ),
    ),
    h(
      'figcaption',
      {},
      sentence,
      ' Each cell shows its count and its share of the row (of that actual class).',
    ),
  );
}

function binarySentence(details: PerformanceDetails, point: Point): string {
  const { tp = 0, fp = 0, tn = 0, fn = 0 } = point;
  const positive = classText(details.classes[1] as string);
  const precision =
    tp + fp === 0 ? `no event was predicted ${positive}` : `precision ${formatShare(tp / (tp + fp))}`;
  const recall =
    tp + fn === 0 ? `no event was actually ${positive}` : `recall ${formatShare(tp / (tp + fn))}`;
  return (
    `Predicted ${positive} when the score is at least ${formatValue(details.threshold)}. ` +
    `Accuracy ${formatShare((tp + tn) / point.data_count)}; ${precision}; ${recall}.`
  );
}

/** Mean predicted probability against the observed share of positives per bucket, over the diagonal. */
function calibrationFigure(ctx: MonitorContext, point: Point, buckets: Bucket[]): HTMLElement {
  const { size, left, right, top, bottom } = PLOT;
  const width = size - left - right;
  const height = size - top - bottom;
  const x = (v: number) => left + v * width;
  const y = (v: number) => top + (1 - v) * height;
  const filled = buckets
    .map((bucket, index) => ({ bucket, index }))
    .filter(({ bucket }) => bucket.count > 0 && bucket.mean_predicted !== null && bucket.mean_label !== null);
  const largest = Math.max(...filled.map(({ bucket }) => bucket.count), 1);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const gap = filled.reduce(
    (sum, { bucket }) =>
      sum + bucket.count * Math.abs((bucket.mean_label ?? 0) - (bucket.mean_predicted ?? 0)),
    0,
  );
  const plot = s(
    'svg',
    {
      viewBox: `0 0 ${size} ${size}`,
      role: 'img',
      'aria-label': `Calibration in ${formatTime(point.start, ctx.bin)}: ${filled.length} buckets with events`,
    },
    ticks.map((t) =>
      s(
        'g',
        { class: 'tick' },
        s('line', { x1: x(0), x2: x(1), y1: y(t), y2: y(t), class: 'grid' }),
        s('line', { x1: x(t), x2: x(t), y1: y(0), y2: y(1), class: 'grid' }),
        s('text', { x: x(0) - 6, y: y(t) + 4, 'text-anchor': 'end' }, String(t)),
        s('text', { x: x(t), y: y(0) + 16, 'text-anchor': 'middle' }, String(t)),
      ),
    ),
    s('rect', { x: x(0), y: y(1), width, height, class: 'frame' }),
    s(
      'line',
      { x1: x(0), y1: y(0), x2: x(1), y2: y(1), class: 'diagonal', 'data-diagonal': 'true' },
      s('title', {}, 'Perfectly calibrated: the observed share equals the predicted probability'),
    ),
    s('polyline', {
      class: 'calibration-line',
      points: filled
        .map(({ bucket }) => `${x(bucket.mean_predicted as number)},${y(bucket.mean_label as number)}`)
        .join(' '),
    }),
    filled.map(({ bucket, index }) =>
      s(
        'circle',
        {
          cx: x(bucket.mean_predicted as number),
          cy: y(bucket.mean_label as number),
          r: 3 + 6 * Math.sqrt(bucket.count / largest),
          class: 'calibration-point',
          'data-bucket': index,
          'data-count': bucket.count,
        },
        s('title', {}, bucketSentence(bucket)),
      ),
    ),
    s(
      'text',
      { x: left + width / 2, y: size - 6, 'text-anchor': 'middle', class: 'axis-title' },
      'Mean predicted probability',
    ),
    s(
      'text',
      {
        x: 12,
        y: top + height / 2,
        'text-anchor': 'middle',
        transform: `rotate(-90 12 ${top + height / 2})`,
        class: 'axis-title',
      },
      'Observed share of positives',
    ),
  );
  const table = h(
    'table',
    { class: 'data' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Scores', 'Events', 'Mean predicted', 'Observed positives'].map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      {},
      buckets.map((bucket) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, `${bucket.lower} to ${bucket.upper}`),
          h('td', { class: 'num' }, formatValue(bucket.count, true)),
          h('td', { class: 'num' }, formatValue(bucket.mean_predicted)),
          h('td', { class: 'num' }, bucket.mean_label === null ? 'no value' : formatShare(bucket.mean_label)),
        ),
      ),
    ),
  );
  return h(
    'figure',
    { class: 'chart calibration', 'data-chart': 'calibration', 'data-points': filled.length },
    plot,
    h(
      'figcaption',
      {},
      `Each point is a tenth of the score range, sized by its events. On the dashed diagonal the predicted probability is what happened; `,
      'above it the positive class happened more often than predicted, below it less. ',
      `Expected calibration error in this bin: ${formatValue(gap / point.data_count)}.`,
    ),
    h(
      'details',
      { class: 'chart-data' },
      h('summary', {}, 'Show the numbers'),
      h(
        'div',
        { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Calibration data' },
        table,
      ),
    ),
  );
}

function bucketSentence(bucket: Bucket): string {
  return (
    `Scores ${bucket.lower} to ${bucket.upper}: ${formatValue(bucket.count, true)} events, ` +
    `mean score ${formatValue(bucket.mean_predicted)}, ${formatShare(bucket.mean_label)} positive`
  );
}
