// The model-level charts of the Monitor view: traffic, and the performance metric of the model's task.
import type { Point } from '../api/types.js';
import { formatValue, metricInfo, performanceMetrics } from '../monitor/catalog.js';
import { type MonitorContext, markersFor, thresholdsFor } from '../monitor/context.js';
import { highest } from '../monitor/series-stats.js';
import { binEnd, formatTime } from '../monitor/time.js';
import { labelledSelect } from '../ui/dom.js';
import { ChartPanel, notes, type PanelContent, query, seriesOf } from './chart-panel.js';

function stillFilling(ctx: MonitorContext, points: Point[]): boolean {
  const last = points[points.length - 1];
  return last !== undefined && binEnd(ctx.bin, last.start) > Date.now();
}

export class TrafficPanel extends ChartPanel {
  constructor(context: () => MonitorContext) {
    super(context, 'traffic', 'Traffic', 'Events received per bin.');
  }

  protected async load(ctx: MonitorContext): Promise<PanelContent> {
    const series = await query(ctx, 'traffic');
    const total = series.points.reduce((sum, p) => sum + (p.value ?? 0), 0);
    if (total === 0) return { empty: 'No events in this range. Publish events, or pick an earlier range.' };
    const peak = highest(series.points);
    return {
      spec: {
        times: series.points.map((p) => p.start),
        series: [seriesOf('Events', series.points)],
        thresholds: thresholdsFor(ctx, 'traffic'),
        markers: markersFor(ctx, 'traffic'),
        fromZero: true,
        count: true,
      },
      caption: [
        `${formatValue(total, true)} events in the range; the busiest bin had ${formatValue(peak?.value, true)}`,
        peak ? ` (${formatTime(peak.start, ctx.bin)}).` : '.',
        stillFilling(ctx, series.points)
          ? ' The newest bin has not ended yet, so it holds fewer events.'
          : '',
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
    const series = await query(ctx, this.metric);
    const labelled = series.points.reduce((sum, p) => sum + p.count, 0);
    if (series.points.every((p) => p.value === null)) {
      return {
        empty:
          'No labelled events in this range yet. Performance needs targets, which can arrive later as updates of the events.',
      };
    }
    const info = metricInfo(ctx.model, this.metric);
    return {
      spec: {
        times: series.points.map((p) => p.start),
        series: [seriesOf(info.label, series.points)],
        thresholds: thresholdsFor(ctx, this.metric),
        markers: markersFor(ctx, this.metric),
        fromZero: false,
        count: false,
      },
      caption: [
        `${info.label} per bin over ${formatValue(labelled, true)} labelled events; bins without labels are gaps.`,
        ...notes(ctx, this.metric),
      ],
    };
  }
}
