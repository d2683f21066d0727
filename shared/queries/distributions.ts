// A column's distribution over its drift bins (contract section 8): the baseline's proportions and each time
// bin's counts, from the same merged bin profiles the metrics read.
import { InvalidInput } from '../errors.js';
import type { HourProfile } from '../metrics/profile.js';
import type { ColumnSpec, DriftBins } from '../metrics/spec.js';
import { segmentBaselineSpec } from '../specs/segment-baseline.js';
import { resolveSegment } from '../specs/segment-resolve.js';
import type { SpecDeps } from '../specs/specs.js';
import type { ModelRecord } from '../storage/registry.js';
import type { BinSize } from '../time/bins.js';
import { openRange, readBins } from './bin-profiles.js';

export const OTHER_CATEGORY = '__OTHER__';

export interface DistributionQuery {
  column: string;
  bin_size: BinSize;
  start: number;
  end: number;
  segment?: string;
}

export interface DriftBinLabel {
  label: string;
  lower: number | null;
  upper: number | null;
}

export interface Distribution {
  column: string;
  kind: DriftBins['layout'];
  bins: DriftBinLabel[];
  baseline: number[];
  points: Array<{ start: number; count: number; counts: number[] }>;
}

export async function columnDistribution(
  deps: SpecDeps,
  record: ModelRecord,
  query: DistributionQuery,
): Promise<Distribution> {
  const range = await openRange(deps, record, query.bin_size, query.start, query.end);
  const index = range.spec.columns.findIndex((column) => column.name === query.column && column.drift);
  const column = range.spec.columns[index];
  if (!column?.drift) {
    const binned = range.spec.columns.filter((c) => c.drift).map((c) => c.name);
    throw new InvalidInput(
      `column ${query.column} is not one of ${binned.join(', ')} (input and output columns with drift bins)`,
    );
  }
  // A segment's counts, against the baseline rows of the segment (the whole baseline when it cannot filter them).
  if (query.segment !== undefined) {
    range.segment = await resolveSegment(deps, record, range.state, range.version, query.segment);
  }
  const spec = range.segment
    ? await segmentBaselineSpec(deps, record, range.version, range.spec, range.segment)
    : range.spec;
  const drift = spec.columns[index]?.drift ?? column.drift;
  const bins = await readBins(deps.profiles, range, new Set([column.name]));
  const total = drift.baseline_counts.reduce((sum, n) => sum + n, 0);
  return {
    column: column.name,
    kind: drift.layout,
    bins: binLabels(column, drift),
    baseline: drift.baseline_counts.map((n) => (total === 0 ? 0 : n / total)),
    points: range.starts.map((start) => {
      const counts = driftCountsOf(bins.get(start), index) ?? drift.baseline_counts.map(() => 0);
      return { start, count: counts.reduce((sum, n) => sum + n, 0), counts: [...counts] };
    }),
  };
}

function driftCountsOf(profile: HourProfile | undefined, columnIndex: number): number[] | null {
  return profile?.columns[columnIndex]?.drift_counts ?? null;
}

function binLabels(column: ColumnSpec, drift: DriftBins): DriftBinLabel[] {
  switch (drift.layout) {
    case 'numeric': {
      const bounds = [null, ...drift.edges, null];
      return bounds.slice(0, -1).map((lower, i) => {
        const upper = bounds[i + 1] ?? null;
        const label =
          upper === null ? `(${lower ?? '-inf'}, +inf)` : `(${lower === null ? '-inf' : lower}, ${upper}]`;
        return { label, lower, upper };
      });
    }
    case 'category':
      return [...(column.categories ?? []), OTHER_CATEGORY].map((label) => ({
        label,
        lower: null,
        upper: null,
      }));
    case 'bool':
      return ['false', 'true'].map((label) => ({ label, lower: null, upper: null }));
  }
}
