// The fold's working form of a spec: each monitored column's kind as a small integer, its drift and grid edges as
// typed arrays and its category lookup, built once per spec object (specs are read many times, never mutated).
// With it, a value is judged (column-values.ts's rules, bit for bit) without any lookup keyed by name.

import { NOT_BINNED, NULL_VIOLATION, RANGE_FLAG, TYPE_VIOLATION } from './column-values.js';
import { type GridLookup, gridLookupOf } from './numeric/hour-grid.js';
import type { ColumnSpec, MonitorSpec } from './spec.js';

export const INT_COLUMN = 0;
export const FLOAT_COLUMN = 1;
export const BOOL_COLUMN = 2;
export const CATEGORY_COLUMN = 3;
export const STR_COLUMN = 4;

/** Up to this many categories a backward scan with === beats a Map lookup. */
const SCANNED_CATEGORIES = 8;
/** Drift edges up to this many are counted with branch-free comparisons; more are searched. */
const COUNTED_EDGES = 16;
export interface ColumnPlan {
  readonly spec: ColumnSpec;
  readonly name: string;
  readonly kind: number;
  /** Numeric columns with numeric drift bins. */
  readonly binned: boolean;
  readonly driftEdges: Float64Array;
  /** Bounds of the valid range; -Infinity and Infinity when the baseline has none. */
  readonly low: number;
  readonly high: number;
  readonly categoryIndex: Map<string, number>;
  readonly categories: readonly string[];
  readonly scanCategories: boolean;
  /** The code of a value outside the baseline's categories: the unseen-values bin, flagged. */
  readonly unseenCode: number;
  /** Numeric columns with a baseline grid. */
  readonly grid: GridLookup | null;
}

export interface FoldPlan {
  readonly columns: readonly ColumnPlan[];
}

const plans = new WeakMap<MonitorSpec, FoldPlan>();

export function foldPlanOf(spec: MonitorSpec): FoldPlan {
  let plan = plans.get(spec);
  if (!plan) {
    plan = { columns: spec.columns.map(columnPlanOf) };
    plans.set(spec, plan);
  }
  return plan;
}

const KINDS = {
  int: INT_COLUMN,
  float: FLOAT_COLUMN,
  bool: BOOL_COLUMN,
  category: CATEGORY_COLUMN,
  str: STR_COLUMN,
};

function columnPlanOf(column: ColumnSpec): ColumnPlan {
  const categories = column.categories ?? [];
  const numeric = column.data_type === 'int' || column.data_type === 'float';
  const edges = column.baseline?.edges;
  return {
    spec: column,
    name: column.name,
    kind: KINDS[column.data_type],
    binned: column.drift?.layout === 'numeric',
    driftEdges: Float64Array.from(column.drift?.layout === 'numeric' ? column.drift.edges : []),
    low: column.min ?? Number.NEGATIVE_INFINITY,
    high: column.max ?? Number.POSITIVE_INFINITY,
    // Built as column-values.ts builds it: a repeated label maps to its last index.
    categoryIndex: new Map(categories.map((category, index) => [category, index])),
    categories,
    scanCategories: categories.length <= SCANNED_CATEGORIES,
    unseenCode: (column.categories?.length ?? 0) | RANGE_FLAG,
    grid: numeric && edges ? gridLookupOf(edges) : null,
  };
}

/** judgeCode of column-values.ts for a planned column: the same codes, without name lookups. */
export function judgePlanned(plan: ColumnPlan, value: unknown): number {
  if (value === undefined || value === null) return NULL_VIOLATION;
  switch (plan.kind) {
    case FLOAT_COLUMN:
      return typeof value === 'number' && value - value === 0 ? numberCode(plan, value) : TYPE_VIOLATION;
    case INT_COLUMN:
      return Number.isInteger(value) ? numberCode(plan, value as number) : TYPE_VIOLATION;
    case BOOL_COLUMN:
      if (value === true || value === 1) return 1;
      if (value === false || value === 0) return 0;
      return TYPE_VIOLATION;
    case CATEGORY_COLUMN:
      return categoryCode(plan, value);
    default:
      return typeof value === 'string' || (typeof value === 'number' && value - value === 0)
        ? NOT_BINNED
        : TYPE_VIOLATION;
  }
}

/** Out-of-range numbers are still binned: they land in the outer bins. */
export function numberCode(plan: ColumnPlan, value: number): number {
  const bin = plan.binned ? binOf(plan.driftEdges, value) : NOT_BINNED;
  if (!(value < plan.low || value > plan.high)) return bin;
  return bin === NOT_BINNED ? RANGE_FLAG | ((1 << 24) - 1) : bin | RANGE_FLAG;
}

/** The number of edges strictly below `value` (bins are closed on the right), as numericBinIndex counts them. */
export function binOf(edges: Float64Array, value: number): number {
  const length = edges.length;
  if (length <= COUNTED_EDGES) {
    // Comparisons summed rather than branched on: random values would mispredict every branch of a search.
    let below = 0;
    for (let i = 0; i < length; i++) below += +((edges[i] as number) < value);
    return below;
  }
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((edges[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function categoryCode(plan: ColumnPlan, value: unknown): number {
  let label: string;
  if (typeof value === 'string') label = value;
  else if (typeof value === 'number' && value - value === 0) label = String(value);
  else return TYPE_VIOLATION;
  if (plan.scanCategories) {
    const categories = plan.categories;
    for (let i = categories.length - 1; i >= 0; i--) if (categories[i] === label) return i;
    return plan.unseenCode;
  }
  return plan.categoryIndex.get(label) ?? plan.unseenCode;
}
