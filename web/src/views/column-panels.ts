// The per-column charts of the Monitor view: drift of each input and output (worst first), and data integrity.
import { ANY_COLUMN, DRIFT_METRICS, monitoredColumns, VIOLATIONS } from '../monitor/catalog.js';
import { type MonitorContext, markersFor, thresholdsFor } from '../monitor/context.js';
import { highest, worstFirst } from '../monitor/series-stats.js';
import { labelledCheckbox, labelledSelect } from '../ui/dom.js';
import { ChartPanel, notes, type PanelContent, query, seriesOf } from './chart-panel.js';

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
    const times = shown[0]?.series.points.map((p) => p.start) ?? [];
    return {
      spec: {
        times,
        series: shown.map((entry) => seriesOf(entry.column, entry.series.points, entry.column)),
        thresholds: thresholdsFor(ctx, this.metric, shownColumns),
        markers: markersFor(ctx, this.metric, shownColumns),
        fromZero: true,
        count: false,
      },
      caption: [
        this.all
          ? `All ${ranked.length} columns with data, worst first.`
          : `The ${shown.length} worst of ${ranked.length} columns by their highest ${this.metric.toUpperCase()} in the range.`,
        ' Click a point for that bin and column.',
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
    const shown = [any, ...(this.all ? worstFirst(perColumn) : affected.slice(0, TOP_COLUMNS))];
    const label = (column: string) => (column === ANY_COLUMN ? 'Any column' : column);
    const shownColumns = shown.map((entry) => entry.column);
    const count = this.unit === 'count';
    return {
      spec: {
        times: any.series.points.map((p) => p.start),
        series: shown.map((entry) => seriesOf(label(entry.column), entry.series.points, entry.column)),
        thresholds: thresholdsFor(ctx, metric, shownColumns),
        markers: markersFor(ctx, metric, shownColumns),
        fromZero: true,
        count,
      },
      caption: [
        affected.length === 0
          ? 'No column has this violation in the range.'
          : `Columns with this violation: ${affected.map((entry) => entry.column).join(', ')}.`,
        ' "Any column" counts events with at least one.',
        ...notes(ctx, metric, shownColumns),
      ],
    };
  }
}
