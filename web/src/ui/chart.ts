// A time-series chart on uPlot, with axis titles, alert-rule thresholds as horizontal lines, incidents as marks
// over their bins, partial and low-count bins shaded, a summary for screen readers, and a click on a point
// handing back the series and bin it hit.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber } from '../monitor/catalog.js';

// Dark enough for 3:1 against white (WCAG 1.4.11), and told apart by hue.
export const PALETTE = [
  '#1f5fbf',
  '#c2410c',
  '#15803d',
  '#7e22ce',
  '#b91c1c',
  '#0f766e',
  '#a16207',
  '#be185d',
  '#4d7c0f',
  '#475569',
  '#0369a1',
  '#9333ea',
];
const SEVERITY_COLOR = { warning: '#b45309', critical: '#b91c1c' };
/** Tick steps for counts: whole numbers only, so a rounded label never names a value that is not on the axis. */
const COUNT_STEPS = Array.from({ length: 10 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();

export interface ChartSeries {
  label: string;
  column?: string;
  /** The segment the series is of, when it is not the view's (its bin details are the segment's). */
  segment?: string;
  values: Array<number | null>;
  /** A palette colour by default. */
  color?: string;
  /** Dashed: reference lines such as a noise floor. */
  dash?: boolean;
  /** Not offered to a click (a reference line has no bin details of its own). */
  passive?: boolean;
}

/** A bin still under way, or one with far fewer events than is usual in the range. */
export type BinFlag = 'partial' | 'low' | null;

export interface Threshold {
  value: number;
  severity: 'warning' | 'critical';
  label: string;
}

export interface Marker {
  /** Epoch ms: the first bin's start. */
  time: number;
  /** Epoch ms: the last bin's end, for a mark spanning several bins. */
  end?: number;
  severity: 'warning' | 'critical';
  resolved: boolean;
}

export interface ChartSpec {
  /** Names the chart for assistive technology. */
  title: string;
  /** Bin starts, epoch ms. */
  times: number[];
  series: ChartSeries[];
  thresholds: Threshold[];
  markers: Marker[];
  /** The y axis title, with its unit: "Events per day", "Share of events (%)". */
  yLabel: string;
  /** Whole numbers from zero (traffic, violation counts); drift is also drawn from zero. */
  fromZero: boolean;
  count: boolean;
  /** Values are percentages (0-100). */
  percent?: boolean;
  /** Per bin, whether it is partial or has few events (shaded). */
  flags?: BinFlag[];
  /** Pairs of series indexes [upper, lower] whose space between is filled (a quantile band). */
  bands?: Array<[number, number]>;
  onPick?: (series: ChartSeries, binStart: number) => void;
}

export interface Chart {
  destroy(): void;
}

export function renderChart(container: HTMLElement, spec: ChartSpec): Chart {
  const data: uPlot.AlignedData = [spec.times.map((t) => t / 1000), ...spec.series.map((s) => s.values)];
  const sparse = spec.times.length <= 60;
  const width = () => Math.max(260, container.clientWidth);
  const height = () => (window.innerWidth < 640 ? 210 : 250);
  const format = (v: number | null) => formatNumber(v, spec);
  const latest = (values: Array<number | null>) => {
    for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i] as number;
    return null;
  };
  const options: uPlot.Options = {
    width: width(),
    height: height(),
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { x: { time: true }, y: { range: (_u, min, max) => yRange(spec, min, max) } },
    series: [
      {
        label: 'Bin (UTC)',
        value: (_u: uPlot, v: number | null, _s: number, idx: number | null) =>
          binLabel(idx === null ? (spec.times[spec.times.length - 1] ?? null) : v === null ? null : v * 1000),
      },
      ...spec.series.map((s, i) => ({
        label: s.label,
        stroke: s.color ?? PALETTE[i % PALETTE.length],
        width: s.dash ? 1.5 : 2,
        dash: s.dash ? [5, 4] : undefined,
        points: { show: sparse && !s.dash, size: 6 },
        // At rest the legend shows each series' newest value rather than a dash.
        value: (_u: uPlot, v: number | null, _s: number, idx: number | null) =>
          idx === null ? `latest ${format(latest(s.values))}` : v === null ? 'no data' : format(v),
      })),
    ],
    bands: spec.bands?.map(([upper, lower]) => ({
      series: [upper + 1, lower + 1] as [number, number],
      fill: 'rgba(31, 95, 191, 0.14)',
    })),
    axes: [
      {
        stroke: '#3f4a5a',
        grid: { stroke: '#e6e9ef' },
        ticks: { stroke: '#cfd5de' },
        label: 'Bin start (UTC)',
        labelSize: 22,
        labelFont: '600 12px system-ui, sans-serif',
      },
      {
        stroke: '#3f4a5a',
        grid: { stroke: '#e6e9ef' },
        ticks: { stroke: '#cfd5de' },
        size: 58,
        label: spec.yLabel,
        labelSize: 22,
        labelFont: '600 12px system-ui, sans-serif',
        incrs: spec.count ? COUNT_STEPS : undefined,
        values: (_u, ticks) => ticks.map((v) => format(v)),
      },
    ],
    cursor: { drag: { x: false, y: false }, focus: { prox: 24 } },
    focus: { alpha: 0.35 },
    legend: { live: true },
    hooks: { draw: [(u) => drawOverlays(u, spec)] },
  };
  const plot = new uPlot(options, data, container);
  plot.ctx.canvas.setAttribute('role', 'img');
  plot.ctx.canvas.setAttribute('aria-label', summarise(spec));
  if (spec.onPick) {
    plot.over.style.cursor = 'pointer';
    plot.over.addEventListener('click', (event) => pick(plot, spec, event));
  }
  let lastWidth = container.clientWidth;
  const observer = new ResizeObserver(() => {
    if (Math.abs(container.clientWidth - lastWidth) < 2) return;
    lastWidth = container.clientWidth;
    plot.setSize({ width: width(), height: height() });
  });
  observer.observe(container);
  return {
    destroy: () => {
      observer.disconnect();
      plot.destroy();
    },
  };
}

function binLabel(ms: number | null): string {
  if (ms === null) return '';
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

function yRange(spec: ChartSpec, min: number | null, max: number | null): uPlot.Range.MinMax {
  const levels = spec.thresholds.map((t) => t.value);
  let low = Math.min(min ?? Number.POSITIVE_INFINITY, ...levels);
  let high = Math.max(max ?? Number.NEGATIVE_INFINITY, ...levels);
  if (!Number.isFinite(low) || !Number.isFinite(high)) return [0, 1];
  if (spec.fromZero && low >= 0) low = 0;
  if (high === low) high = low + (Math.abs(low) * 0.1 || 1);
  const pad = (high - low) * 0.08;
  return [spec.fromZero && low === 0 ? 0 : low - pad, high + pad];
}

function drawOverlays(u: uPlot, spec: ChartSpec): void {
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  const ratio = uPlot.pxRatio;
  ctx.save();
  drawFlags(u, spec);
  ctx.font = `${12 * ratio}px system-ui, sans-serif`;
  ctx.lineWidth = 1.5 * ratio;
  for (const threshold of spec.thresholds) {
    const y = u.valToPos(threshold.value, 'y', true);
    if (y < top || y > top + height) continue;
    ctx.strokeStyle = SEVERITY_COLOR[threshold.severity];
    ctx.setLineDash([6 * ratio, 4 * ratio]);
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + width, y);
    ctx.stroke();
    // uPlot leaves its own text alignment on the context: set ours, and clear a patch so the label reads over lines.
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    const text = threshold.label;
    const textWidth = ctx.measureText(text).width;
    const right = left + width - 4 * ratio;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.fillRect(right - textWidth - 3 * ratio, y - 17 * ratio, textWidth + 6 * ratio, 15 * ratio);
    ctx.fillStyle = SEVERITY_COLOR[threshold.severity];
    ctx.fillText(text, right, y - 3 * ratio);
  }
  ctx.setLineDash([]);
  for (const marker of spec.markers) {
    const x = u.valToPos(marker.time / 1000, 'x', true);
    if (x < left || x > left + width) continue;
    const color = SEVERITY_COLOR[marker.severity];
    if (marker.end !== undefined) {
      // The incident's bins, lightly filled, so its duration reads at a glance.
      const right = Math.min(u.valToPos(marker.end / 1000, 'x', true), left + width);
      ctx.fillStyle = color;
      ctx.globalAlpha = marker.resolved ? 0.06 : 0.12;
      ctx.fillRect(x, top, Math.max(right - x, 2 * ratio), height);
      ctx.globalAlpha = 1;
    }
    ctx.strokeStyle = color;
    ctx.globalAlpha = marker.resolved ? 0.45 : 0.8;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.globalAlpha = 1;
    // A triangle on the top edge: filled while the alert is active, hollow once resolved.
    const size = 6 * ratio;
    ctx.beginPath();
    ctx.moveTo(x - size, top);
    ctx.lineTo(x + size, top);
    ctx.lineTo(x, top + size * 1.4);
    ctx.closePath();
    ctx.fillStyle = marker.resolved ? '#ffffff' : color;
    ctx.fill();
    ctx.stroke();
  }
  ctx.restore();
}

/** Grey hatching over partial and low-count bins, so a half-filled bin is not read as a collapse. */
function drawFlags(u: uPlot, spec: ChartSpec): void {
  if (!spec.flags?.some(Boolean)) return;
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  const ratio = uPlot.pxRatio;
  const step = spec.times.length > 1 ? (spec.times[1] as number) - (spec.times[0] as number) : 3_600_000;
  spec.flags.forEach((flag, i) => {
    const time = spec.times[i];
    if (!flag || time === undefined) return;
    const next = spec.times[i + 1] ?? time + step;
    const x0 = u.valToPos(time / 1000, 'x', true);
    const x1 = u.valToPos(next / 1000, 'x', true);
    // A point sits at its bin's start: shade half a bin either side of it.
    const half = (x1 - x0) / 2;
    const from = Math.max(x0 - half, left);
    const to = Math.min(x0 + half, left + width);
    ctx.save();
    ctx.beginPath();
    ctx.rect(from, top, Math.max(to - from, 2 * ratio), height);
    ctx.clip();
    ctx.fillStyle = flag === 'partial' ? 'rgba(71, 85, 105, 0.10)' : 'rgba(71, 85, 105, 0.06)';
    ctx.fillRect(from, top, to - from, height);
    ctx.strokeStyle = 'rgba(71, 85, 105, 0.35)';
    ctx.lineWidth = 1 * ratio;
    for (let d = -height; d < to - from; d += 8 * ratio) {
      ctx.beginPath();
      ctx.moveTo(from + d, top + height);
      ctx.lineTo(from + d + height, top);
      ctx.stroke();
    }
    ctx.restore();
  });
}

function pick(u: uPlot, spec: ChartSpec, event: MouseEvent): void {
  // From the click itself: the cursor's own state may lag a click that was not preceded by a move.
  const index = u.posToIdx(event.offsetX);
  if (index < 0 || index >= spec.times.length || !spec.onPick) return;
  const cursorTop = event.offsetY;
  let best: ChartSeries | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  spec.series.forEach((series, i) => {
    const value = series.values[index];
    if (series.passive || value === null || value === undefined || u.series[i + 1]?.show === false) return;
    const distance = Math.abs(u.valToPos(value, 'y') - cursorTop);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = series;
    }
  });
  const time = spec.times[index];
  if (best && time !== undefined) spec.onPick(best, time);
}

function summarise(spec: ChartSpec): string {
  const parts = spec.series.slice(0, 6).map((series) => {
    const values = series.values.filter((v): v is number => v !== null);
    if (values.length === 0) return `${series.label}: no data`;
    const last = values[values.length - 1] ?? null;
    return `${series.label}: latest ${formatNumber(last, spec)}, highest ${formatNumber(Math.max(...values), spec)}`;
  });
  const more = spec.series.length > 6 ? `, and ${spec.series.length - 6} more series` : '';
  const marks = spec.markers.length > 0 ? `; ${spec.markers.length} incidents marked` : '';
  return `${spec.title}: ${spec.yLabel} per bin, ${spec.times.length} bins. ${parts.join('; ')}${more}${marks}.`;
}
