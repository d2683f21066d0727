// Performance component: the model task's tally (performance/tally.ts) of targets against outputs.

import {
  absorbPerformance,
  emptyPerformanceTally,
  mergePerformance,
  type PerformanceTally,
} from '../performance/tally.js';
import type { ProfileComponent } from './types.js';

export const PERFORMANCE_COMPONENT: ProfileComponent<'performance'> = {
  key: 'performance',
  zero: emptyPerformanceTally,
  absorb(profile, spec, event, sign) {
    if (profile.performance) absorbPerformance(profile.performance, spec, event, sign);
  },
  merge: mergePerformance,
  serialize: (state) => state,
  deserialize(raw) {
    if (raw === null) return null;
    if (typeof raw !== 'object' || typeof (raw as { task?: unknown }).task !== 'string') {
      throw new RangeError('not a performance tally');
    }
    return raw as PerformanceTally;
  },
};
