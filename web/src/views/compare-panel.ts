// Two values of a `segment_by` column side by side (model versions, most often): one metric of each automatic
// segment in one chart, and in two columns of its numbers. The two series travel in the view's one metrics
// query, each with its own `segment`.
import type { ModelInfo, Segment } from '../api/types.js';
import { axisTitle, formatValue, metricInfo, performanceMetrics } from '../monitor/catalog.js';
import type { MonitorContext } from '../monitor/context.js';
import { formatTime } from '../monitor/time.js';
import { labelledSelect } from '../ui/dom.js';
import { ChartPanel, flagsOf, type PanelContent, seriesOf } from './chart-panel.js';
import { segmentWords } from './incidents.js';

const FIRST_COLOR = '#1f5fbf';
const SECOND_COLOR = '#c2410c';
const OTHER = '__OTHER__';

interface Choice {
  column?: string;
  first?: string;
  second?: string;
  metric?: string;
}

/** The automatic segments of a column that answer queries, in the API's order (most frequent first). */
export function valuesOf(segments: Segment[] | undefined, column: string): Segment[] {
  return (segments ?? []).filter(
    (segment) =>
      segment.automatic && segment.state === 'ready' && segment.segment_id.startsWith(`${column}=`),
  );
}

const segmentValue = (segmentId: string) => segmentId.slice(segmentId.indexOf('=') + 1);
export const valueWords = (segmentId: string) =>
  segmentValue(segmentId) === OTHER ? 'other values' : segmentValue(segmentId);

/** What two segments can be compared (or ranked) by: `jsd:<output>` is the drift of an output. */
export function comparableMetrics(model: ModelInfo): Array<{ value: string; label: string }> {
  const performance = model.task === 'not_set' ? [] : performanceMetrics(model.task);
  return [
    ...performance.map((m) => ({ value: m.id, label: m.label })),
    ...(model.task === 'not_set' ? [] : [{ value: 'data_count', label: 'Labelled events' }]),
    { value: 'traffic', label: 'Traffic (events)' },
    ...model.outputs.map((output) => ({ value: `jsd:${output}`, label: `Drift (JSD) of ${output}` })),
  ];
}

/** A column whose name says it holds versions, else the first. */
export function defaultColumn(columns: string[]): string | undefined {
  return columns.find((column) => /version/i.test(column)) ?? columns[0];
}

export class ComparePanel extends ChartPanel {
  private choice: Choice = {};
  /** The segment list the controls were built from, to rebuild them only when it changes. */
  private builtFrom: Segment[] | undefined;

  constructor(context: () => MonitorContext) {
    super(
      context,
      'compare',
      'Compare segments',
      'One metric of two values of a segment_by column, such as two model versions, over the same bins. The segment chosen above does not apply here.',
    );
  }

  /** Builds the pickers from the segments list, keeping what the user chose while it still exists. */
  private buildControls(ctx: MonitorContext, columns: string[]): void {
    if (this.builtFrom === ctx.segmentList && this.controls.childElementCount > 0) return;
    this.builtFrom = ctx.segmentList;
    const column =
      this.choice.column && columns.includes(this.choice.column)
        ? this.choice.column
        : defaultColumn(columns);
    const values = column ? valuesOf(ctx.segmentList, column).map((s) => s.segment_id) : [];
    const named = values.filter((id) => segmentValue(id) !== OTHER);
    const first = this.choice.first && values.includes(this.choice.first) ? this.choice.first : named[0];
    const second =
      this.choice.second && values.includes(this.choice.second) && this.choice.second !== first
        ? this.choice.second
        : (values.find((id) => id !== first && segmentValue(id) !== OTHER) ??
          values.find((id) => id !== first));
    const metrics = comparableMetrics(ctx.model);
    const metric =
      this.choice.metric && metrics.some((m) => m.value === this.choice.metric)
        ? this.choice.metric
        : metrics[0]?.value;
    this.choice = { column, first, second, metric };
    const redraw = (change: Partial<Choice>) => {
      this.choice = { ...this.choice, ...change };
      void this.refresh();
    };
    const valueOptions = values.map((id) => ({ value: id, label: valueWords(id) }));
    this.controls.replaceChildren(
      labelledSelect(
        'Compare by',
        columns.map((c) => ({ value: c, label: c })),
        column ?? '',
        (value) => {
          // A new column: its own first two values.
          this.choice = { ...this.choice, column: value, first: undefined, second: undefined };
          this.builtFrom = undefined;
          void this.refresh();
        },
      ).field,
      labelledSelect('First', valueOptions, first ?? '', (value) => redraw({ first: value })).field,
      labelledSelect('Second', valueOptions, second ?? '', (value) => redraw({ second: value })).field,
      labelledSelect('Compared metric', metrics, metric ?? '', (value) => redraw({ metric: value })).field,
    );
  }

  protected async load(ctx: MonitorContext): Promise<PanelContent> {
    const columns = ctx.model.monitoring.segment_by ?? [];
    if (columns.length === 0) {
      this.controls.replaceChildren();
      return {
        empty:
          'This model has no segment_by column. Name one, such as a model_version metadata column, in its monitoring config (PUT .../monitoring {"segment_by": ["model_version"]}) to compare its values here.',
      };
    }
    this.buildControls(ctx, columns);
    const { column, first, second, metric } = this.choice;
    if (!column || !first || !second || !metric || first === second) {
      return {
        empty: `${column ?? 'This column'} has fewer than two values with segments ready to compare (a new segment_by column is built by the next monitor run).`,
      };
    }
    const [id, metricColumn] = metric.startsWith('jsd:') ? ['jsd', metric.slice(4)] : [metric, undefined];
    const ask = (segment: string) =>
      ctx.loader.series({
        metric: id,
        column: metricColumn,
        segment,
        bin_size: ctx.bin,
        start: ctx.range.start,
        end: ctx.range.end,
      });
    const [a, b] = await Promise.all([ask(first), ask(second)]);
    const info = metricInfo(ctx.model, id);
    const label = metricColumn ? `JSD of ${metricColumn}` : info.label;
    if (a.points.every((p) => p.value === null) && b.points.every((p) => p.value === null)) {
      return {
        empty: `Neither ${segmentWords(first)} nor ${segmentWords(second)} has a value of ${label.toLowerCase()} in this range.`,
      };
    }
    const { flags, note } = flagsOf(ctx, a.points);
    const both = a.points
      .map((p, i) => ({ start: p.start, a: p, b: b.points[i] }))
      .filter((row) => row.a.value !== null && row.b?.value !== null && row.b !== undefined);
    const newest = both.at(-1);
    const count = info.count === true;
    const behind = info.kind === 'performance' && id !== 'data_count' ? 'labelled events' : 'events';
    const lower = both.filter((row) => (row.b?.value as number) < (row.a.value as number)).length;
    return {
      spec: {
        times: a.points.map((p) => p.start),
        series: [
          {
            ...seriesOf(segmentWords(first), a.points),
            color: FIRST_COLOR,
            segment: first,
            column: metricColumn,
          },
          {
            ...seriesOf(segmentWords(second), b.points),
            color: SECOND_COLOR,
            segment: second,
            column: metricColumn,
          },
        ],
        thresholds: [],
        markers: [],
        yLabel: metricColumn ? 'JSD (0-1)' : axisTitle(info, ctx.bin),
        flags,
        fromZero: count || id === 'jsd',
        count,
      },
      caption: [
        newest
          ? `${label} in the newest bin with both (${formatTime(newest.start, ctx.bin)}): ${valueWords(first)} ${formatValue(newest.a.value, count)} over ${formatValue(newest.a.count, true)} ${behind}, ${valueWords(second)} ${formatValue(newest.b?.value, count)} over ${formatValue(newest.b?.count, true)}.`
          : `${valueWords(first)} and ${valueWords(second)} have no bin with a value of both.`,
        both.length > 0
          ? ` ${valueWords(second)} was below ${valueWords(first)} in ${lower} of the ${both.length} bins with both.`
          : '',
        note,
      ],
    };
  }
}
