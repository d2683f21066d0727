// The per-column charts of the Monitor view: drift of each input and output (worst first), and data integrity.
import {
  ANY_COLUMN,
  axisTitle,
  DRIFT_METRICS,
  INTEGRITY_METRICS,
  monitoredColumns,
  VIOLATIONS,
} from '../monitor/catalog.js';
import { type MonitorContext, markersFor, thresholdsFor } from '../monitor/context.js';
import { highest, worstFirst } from '../monitor/series-stats.js';
import { labelledCheckbox, labelledSelect } from '../ui/dom.js';
import { ChartPanel, flagsOf, notes, type PanelContent, query, seriesOf } from './chart-panel.js';

const TOP_COLUMNS = 5;

export class DriftPanel extends ChartPanel {
  private metric = 'jsd';
  private all = false;

  constructor(context: () => MonitorContext) {
    super(context, 'drift', 'Drift', "How far each input and output's distribution is from the baseline's.");
    const { field } = labelledSelect(
      'Drift metric',
      DRIFT_METRICS.map((m) => ({ value: m.id, label: m.label })),
      this.metric,
      (value) => {
        this.metric = value;
        void this.refresh();
      },
    );
    this.controls.append(
      field,
      labelledCheckbox('All columns', this.all, (checked) => {
        this.all = checked;
        void this.refresh();
      }),
    );
  }

  protected async load(ctx: MonitorContext): Promise<PanelContent> {
    const columns = monitoredColumns(ctx.model);
    const loaded = await Promise.all(
      columns.map(async (column) => ({ column, series: await query(ctx, this.metric, column) })),
    );
    const ranked = worstFirst(loaded).filter((entry) => entry.series.points.some((p) => p.value !== null));
    if (ranked.length === 0)
      return { empty: 'No drift values in this range: no events with inputs or outputs.' };
    const shown = this.all ? ranked : ranked.slice(0, TOP_COLUMNS);
    const shownColumns = shown.map((entry) => entry.column);
    const points = shown[0]?.series.points ?? [];
    const { flags, note } = flagsOf(ctx, points);
    const info =
      DRIFT_METRICS.find((m) => m.id === this.metric) ?? (DRIFT_METRICS[0] as (typeof DRIFT_METRICS)[0]);
    return {
      spec: {
        times: points.map((p) => p.start),
        series: shown.map((entry) => seriesOf(entry.column, entry.series.points, entry.column)),
        thresholds: thresholdsFor(ctx, this.metric, shownColumns),
        markers: markersFor(ctx, this.metric, shownColumns),
        yLabel: axisTitle(info, ctx.bin),
        flags,
        fromZero: true,
        count: false,
      },
      caption: [
        this.all
          ? `All ${ranked.length} columns with data, worst first.`
          : `The ${shown.length} worst of ${ranked.length} columns by their highest ${this.metric.toUpperCase()} in the range.`,
        ' Click a point for that bin and column; the table below opens a column with its noise floor.',
        note,
        ...notes(ctx, this.metric, shownColumns),
      ],
    };
  }
}

export class IntegrityPanel extends ChartPanel {
  private violation: string = VIOLATIONS[0].id;
  private unit: 'count' | 'percentage' = 'count';
  private all = false;

  constructor(context: () => MonitorContext) {
    super(
      context,
      'integrity',
      'Data integrity',
      'Missing values, wrong types and values outside the baseline.',
    );
    const kind = labelledSelect(
      'Violation',
      VIOLATIONS.map((v) => ({ value: v.id, label: v.label })),
      this.violation,
      (value) => {
        this.violation = value;
        void this.refresh();
      },
    );
    const unit = labelledSelect(
      'Shown as',
      [
        { value: 'count', label: 'Count' },
        { value: 'percentage', label: '% of traffic' },
      ],
      this.unit,
      (value) => {
        this.unit = value as 'count' | 'percentage';
        void this.refresh();
      },
    );
    this.controls.append(
      kind.field,
      unit.field,
      labelledCheckbox('All columns', this.all, (checked) => {
        this.all = checked;
        void this.refresh();
      }),
    );
  }

  protected async load(ctx: MonitorContext): Promise<PanelContent> {
    const metric = `${this.violation}_${this.unit}`;
    const columns = [ANY_COLUMN, ...monitoredColumns(ctx.model)];
    const loaded = await Promise.all(
      columns.map(async (column) => ({ column, series: await query(ctx, metric, column) })),
    );
    const [any, ...perColumn] = loaded;
    if (!any) return { empty: 'No columns.' };
    const affected = worstFirst(perColumn).filter((entry) => (highest(entry.series.points)?.value ?? 0) > 0);
    // "Any column" is drawn last, dark and dashed: on top of the columns it sums, without hiding them.
    const columnsShown = this.all ? worstFirst(perColumn) : affected.slice(0, TOP_COLUMNS);
    const shown = [...columnsShown, any];
    const shownColumns = shown.map((entry) => entry.column);
    const count = this.unit === 'count';
    const info =
      INTEGRITY_METRICS.find((m) => m.id === metric) ??
      (INTEGRITY_METRICS[0] as (typeof INTEGRITY_METRICS)[0]);
    const { flags, note } = flagsOf(ctx, any.series.points);
    return {
      spec: {
        times: any.series.points.map((p) => p.start),
        series: [
          ...columnsShown.map((entry) => seriesOf(entry.column, entry.series.points, entry.column)),
          { ...seriesOf('Any column', any.series.points, ANY_COLUMN), color: '#17202e', dash: true },
        ],
        thresholds: thresholdsFor(ctx, metric, shownColumns),
        markers: markersFor(ctx, metric, shownColumns),
        yLabel: axisTitle(info, ctx.bin),
        flags,
        fromZero: true,
        count,
        percent: !count,
      },
      caption: [
        affected.length === 0
          ? 'No column has this violation in the range.'
          : `Columns with this violation: ${affected.map((entry) => entry.column).join(', ')}.`,
        ' "Any column" (dark, dashed) counts events with at least one.',
        note,
        ...notes(ctx, metric, shownColumns),
      ],
    };
  }
}
