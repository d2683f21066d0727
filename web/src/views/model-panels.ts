// The model-level charts of the Monitor view: traffic, and the performance metric of the model's task.
import {
  axisTitle,
  formatShare,
  formatValue,
  metricInfo,
  performanceMetrics,
  TRAFFIC,
} from '../monitor/catalog.js';
import { type MonitorContext, markersFor, thresholdsFor } from '../monitor/context.js';
import { highest } from '../monitor/series-stats.js';
import { formatTime } from '../monitor/time.js';
import { labelledSelect } from '../ui/dom.js';
import { ChartPanel, flagsOf, notes, type PanelContent, query, seriesOf } from './chart-panel.js';

export class TrafficPanel extends ChartPanel {
  constructor(context: () => MonitorContext) {
    super(context, 'traffic', 'Traffic', 'Events received per bin.');
  }

  protected async load(ctx: MonitorContext): Promise<PanelContent> {
    const series = await query(ctx, 'traffic');
    const total = series.points.reduce((sum, p) => sum + (p.value ?? 0), 0);
    if (total === 0) return { empty: 'No events in this range. Publish events, or pick an earlier range.' };
    const peak = highest(series.points);
    const { flags, note } = flagsOf(ctx, series.points);
    return {
      spec: {
        times: series.points.map((p) => p.start),
        series: [seriesOf('Events', series.points)],
        thresholds: thresholdsFor(ctx, 'traffic'),
        markers: markersFor(ctx, 'traffic'),
        yLabel: axisTitle(TRAFFIC, ctx.bin),
        flags,
        fromZero: true,
        count: true,
      },
      caption: [
        `${formatValue(total, true)} events in the range; the busiest bin had ${formatValue(peak?.value, true)}`,
        peak ? ` (${formatTime(peak.start, ctx.bin)}).` : '.',
        note,
        ...notes(ctx, 'traffic'),
      ],
    };
  }
}

export class PerformancePanel extends ChartPanel {
  private metric: string | undefined;

  constructor(context: () => MonitorContext) {
    super(
      context,
      'performance',
      'Performance',
      'How the model scores against the labels (targets) received so far.',
    );
    const metrics = performanceMetrics(context().model.task);
    this.metric = metrics[0]?.id;
    if (this.metric) {
      const { field } = labelledSelect(
        'Performance metric',
        metrics.map((m) => ({ value: m.id, label: m.label })),
        this.metric,
        (value) => {
          this.metric = value;
          void this.refresh();
        },
      );
      this.controls.append(field);
    }
  }

  protected async load(ctx: MonitorContext): Promise<PanelContent> {
    if (!this.metric)
      return { empty: `This model's task is ${ctx.model.task}: it has no performance metrics.` };
    const [series, traffic] = await Promise.all([query(ctx, this.metric), query(ctx, 'traffic')]);
    const labelled = series.points.reduce((sum, p) => sum + p.count, 0);
    const events = traffic.points.reduce((sum, p) => sum + p.count, 0);
    if (series.points.every((p) => p.value === null)) {
      return {
        empty:
          'No labelled events in this range yet. Performance needs targets, which can arrive later as updates of the events.',
      };
    }
    const info = metricInfo(ctx.model, this.metric);
    const { flags, note } = flagsOf(ctx, series.points);
    return {
      spec: {
        times: series.points.map((p) => p.start),
        series: [seriesOf(info.label, series.points)],
        thresholds: thresholdsFor(ctx, this.metric),
        markers: markersFor(ctx, this.metric),
        yLabel: axisTitle(info, ctx.bin),
        flags,
        fromZero: false,
        count: false,
      },
      caption: [
        `${info.label} per bin over ${formatValue(labelled, true)} labelled events`,
        events > 0 ? ` (${formatShare(labelled / events)} of the range's events)` : '',
        '; bins without labels are gaps.',
        note.replace('events', 'labelled events'),
        ...notes(ctx, this.metric),
      ],
    };
  }
}
