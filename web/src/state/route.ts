// The view's address in the URL hash, so a reload or a shared link opens the same model, range and bins
// (a hash also works on S3 + CloudFront, where the server only knows index.html).
import type { BinSize } from '../api/types.js';

export type RangePreset = 'latest' | '24h' | '7d' | '30d' | 'custom';

export interface Route {
  project?: string;
  model?: string;
  bin?: BinSize;
  range?: RangePreset;
  /** Epoch ms, for a custom range. */
  start?: number;
  end?: number;
  /** The column view of this input or output. */
  column?: string;
  /** The bin the column view compares with the baseline (epoch ms). */
  at?: number;
  /** The segment every panel is restricted to (a defined id, or an automatic `<column>=<value>`). */
  segment?: string;
}

const BINS: readonly string[] = ['hour', 'day', 'week', 'month'];
const RANGES: readonly string[] = ['latest', '24h', '7d', '30d', 'custom'];
const ID = /^[a-z][a-z0-9_-]{1,63}$/;

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [project, model] = path.split('/').map((part) => decodeURIComponent(part));
  const params = new URLSearchParams(query);
  const route: Route = {};
  if (project && ID.test(project)) route.project = project;
  if (route.project && model && ID.test(model)) route.model = model;
  const bin = params.get('bin');
  if (bin && BINS.includes(bin)) route.bin = bin as BinSize;
  const range = params.get('range');
  if (range && RANGES.includes(range)) route.range = range as RangePreset;
  const start = Number(params.get('start'));
  const end = Number(params.get('end'));
  if (route.range === 'custom' && Number.isFinite(start) && Number.isFinite(end) && start < end) {
    route.start = start;
    route.end = end;
  } else if (route.range === 'custom') {
    delete route.range;
  }
  const segment = params.get('segment');
  if (route.model && segment && segment.length <= 300) route.segment = segment;
  const column = params.get('column');
  if (route.model && column && column.length <= 256) route.column = column;
  const at = Number(params.get('at'));
  if (route.column && params.get('at') && Number.isFinite(at)) route.at = at;
  return route;
}

export function formatRoute(route: Route): string {
  if (!route.project) return '#/';
  const path = route.model ? `${route.project}/${route.model}` : route.project;
  const params = new URLSearchParams();
  if (route.model && route.bin) params.set('bin', route.bin);
  if (route.model && route.range) params.set('range', route.range);
  if (route.model && route.range === 'custom' && route.start !== undefined && route.end !== undefined) {
    params.set('start', String(route.start));
    params.set('end', String(route.end));
  }
  if (route.model && route.segment) params.set('segment', route.segment);
  if (route.model && route.column) params.set('column', route.column);
  if (route.model && route.column && route.at !== undefined) params.set('at', String(route.at));
  const query = params.toString();
  return `#/${path}${query ? `?${query}` : ''}`;
}
