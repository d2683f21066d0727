// Every kind of profile state. A new kind is one component file and one line here; the profile folds, merges and
// serialises whatever is listed, and metric definitions name the component they read (definition.ts).

import { DRIFT_COUNTS_COMPONENT } from './drift-counts.js';
import { ANY_COLUMN_INTEGRITY_COMPONENT, INTEGRITY_COMPONENT } from './integrity.js';
import { NUMERIC_STATS_COMPONENT } from './numeric-stats.js';
import { PERFORMANCE_COMPONENT } from './performance.js';
import { TRAFFIC_COMPONENT } from './traffic.js';
import type { ColumnComponent, ColumnStateKey, ProfileComponent, ProfileStateKey } from './types.js';

export const COLUMN_COMPONENTS: readonly ColumnComponent[] = [
  DRIFT_COUNTS_COMPONENT,
  INTEGRITY_COMPONENT,
  NUMERIC_STATS_COMPONENT,
] as ColumnComponent[];

export const PROFILE_COMPONENTS: readonly ProfileComponent[] = [
  TRAFFIC_COMPONENT,
  ANY_COLUMN_INTEGRITY_COMPONENT,
  PERFORMANCE_COMPONENT,
] as ProfileComponent[];

export type ComponentKey = ColumnStateKey | ProfileStateKey;
