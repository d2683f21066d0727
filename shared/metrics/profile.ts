// The mergeable profile of one model-hour, made of the components in components/registry.ts (whylogs style:
// empty / absorb / merge / serialise); absorbing with sign -1 takes an event back out.

import { judgeCode } from './column-values.js';
import { violationBit } from './components/integrity.js';
import { migrateStoredProfile } from './components/migrate.js';
import { COLUMN_COMPONENTS, PROFILE_COMPONENTS } from './components/registry.js';
import { type ColumnTally, type HourProfile, PROFILE_FORMAT } from './components/types.js';
import type { MonitorSpec } from './spec.js';

export type { ColumnTally, HourProfile, ViolationCounts } from './components/types.js';
export { PROFILE_FORMAT } from './components/types.js';

type State = Record<string, unknown>;

export function emptyProfile(spec: MonitorSpec): HourProfile {
  const profile = {
    format: PROFILE_FORMAT,
    columns: spec.columns.map((column) => {
      const tally: State = { name: column.name };
      for (const component of COLUMN_COMPONENTS) tally[component.key] = component.zero(column);
      return tally as unknown as ColumnTally;
    }),
  } as State;
  for (const component of PROFILE_COMPONENTS) profile[component.key] = component.zero(spec);
  return profile as unknown as HourProfile;
}

/**
 * Adds one event (sign 1) or takes it back out (sign -1), in place. An update subtracts the event's old image and
 * adds the new one; taking out exactly what was added restores the profile exactly. The hot path: each value is
 * judged once, and the components allocate nothing per value.
 */
export function absorbEvent(
  profile: HourProfile,
  spec: MonitorSpec,
  eventValues: Record<string, unknown>,
  sign: 1 | -1,
): void {
  // Kinds of violation this event has, as bits: the `__ANY__` counters count events, not values.
  let kinds = 0;
  const columns = spec.columns;
  const components = COLUMN_COMPONENTS;
  for (let index = 0; index < columns.length; index++) {
    const column = columns[index] as MonitorSpec['columns'][number];
    const tally = profile.columns[index] as ColumnTally;
    // One keyed load instead of hasOwn and a load: what an object inherits is a function (JSON never holds
    // one), and '__proto__' is refused as a column name, so only own values are read.
    const found = eventValues[column.name];
    const value = typeof found === 'function' ? undefined : found;
    const code = judgeCode(column, value);
    kinds |= violationBit(code);
    for (let c = 0; c < components.length; c++) {
      (components[c] as (typeof components)[number]).absorb(tally, column, code, value, sign);
    }
  }
  for (const component of PROFILE_COMPONENTS) component.absorb(profile, spec, eventValues, sign, kinds);
}

/** A new profile holding both; they must come from the same spec. Neither is changed. */
export function mergeProfiles(a: HourProfile, b: HourProfile): HourProfile {
  if (a.columns.length !== b.columns.length) throw new RangeError('cannot merge profiles of different specs');
  const merged = {
    format: PROFILE_FORMAT,
    columns: a.columns.map((tally, index) => {
      const other = b.columns[index] as ColumnTally;
      if (tally.name !== other.name)
        throw new RangeError(`cannot merge column ${tally.name} with ${other.name}`);
      const result: State = { name: tally.name };
      for (const component of COLUMN_COMPONENTS) {
        result[component.key] = component.merge(tally[component.key] as never, other[component.key] as never);
      }
      return result as unknown as ColumnTally;
    }),
  } as State;
  for (const component of PROFILE_COMPONENTS) {
    merged[component.key] = component.merge(a[component.key] as never, b[component.key] as never);
  }
  return merged as unknown as HourProfile;
}

export function serializeProfile(profile: HourProfile): string {
  const body: State = {
    format: PROFILE_FORMAT,
    columns: profile.columns.map((tally) => {
      const stored: State = { name: tally.name };
      for (const component of COLUMN_COMPONENTS) {
        stored[component.key] = component.serialize(tally[component.key] as never);
      }
      return stored;
    }),
  };
  for (const component of PROFILE_COMPONENTS)
    body[component.key] = component.serialize(profile[component.key] as never);
  return JSON.stringify(body);
}

/** Reads a stored profile of this format or an earlier one (migrated on read); RangeError for anything else. */
export function deserializeProfile(text: string): HourProfile {
  const body = migrateStoredProfile(JSON.parse(text));
  if (!Array.isArray(body.columns)) throw new RangeError('a profile has no columns');
  const profile = {
    format: PROFILE_FORMAT,
    columns: (body.columns as State[]).map((stored) => {
      const tally: State = { name: stored.name };
      for (const component of COLUMN_COMPONENTS)
        tally[component.key] = component.deserialize(stored[component.key]);
      return tally as unknown as ColumnTally;
    }),
  } as State;
  for (const component of PROFILE_COMPONENTS)
    profile[component.key] = component.deserialize(body[component.key]);
  return profile as unknown as HourProfile;
}
