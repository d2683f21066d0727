// Traffic component: the number of events in the hour.

import type { ProfileComponent } from './types.js';

export const TRAFFIC_COMPONENT: ProfileComponent<'traffic'> = {
  key: 'traffic',
  zero: () => 0,
  absorb(profile, _spec, _event, sign) {
    profile.traffic += sign;
  },
  merge: (a, b) => a + b,
  serialize: (state) => state,
  deserialize(raw) {
    if (typeof raw !== 'number') throw new RangeError('traffic is not a number');
    return raw;
  },
};
