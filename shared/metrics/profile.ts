// The mergeable profile of one model-hour, made of the components in components/registry.ts (whylogs style:
// empty / absorb / merge / serialise); absorbing with sign -1 takes an event back out.

import { violationBit } from './components/integrity.js';
import { migrateStoredProfile } from './components/migrate.js';
import { COLUMN_COMPONENTS, PROFILE_COMPONENTS } from './components/registry.js';
import { type ColumnBatch, type ColumnTally, type HourProfile, PROFILE_FORMAT } from './components/types.js';
import { type ColumnPlan, FLOAT_COLUMN, foldPlanOf, INT_COLUMN, judgePlanned } from './fold-plan.js';
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
 * adds the new one; taking out exactly what was added restores the profile exactly. Each value is judged once,
 * with the spec's fold plan (no lookup by name), and the components allocate nothing per value.
 */
export function absorbEvent(
  profile: HourProfile,
  spec: MonitorSpec,
  eventValues: Record<string, unknown>,
  sign: 1 | -1,
): void {
  // Kinds of violation this event has, as bits: the `__ANY__` counters count events, not values.
  let kinds = 0;
  const columns = foldPlanOf(spec).columns;
  const components = COLUMN_COMPONENTS;
  for (let index = 0; index < columns.length; index++) {
    const column = columns[index] as ColumnPlan;
    const tally = profile.columns[index] as ColumnTally;
    const value = ownValue(eventValues, column.name);
    const code = judgePlanned(column, value);
    kinds |= violationBit(code);
    for (let c = 0; c < components.length; c++) {
      (components[c] as (typeof components)[number]).absorb(tally, column, code, value, sign);
    }
  }
  for (const component of PROFILE_COMPONENTS) component.absorb(profile, spec, eventValues, sign, kinds);
}

/**
 * absorbEvent for many events with one sign, column by column: each column's values are judged into typed
 * arrays once, then every component takes the whole column (counts per bin and per cell, exact sums over the
 * batch). The profile is exactly the one absorbing the events one by one in order gives (a property test holds
 * the two equal). Mixed signs, such as an update's old and new images, go through absorbEvent in order.
 */
export function absorbBatch(
  profile: HourProfile,
  spec: MonitorSpec,
  events: readonly Record<string, unknown>[],
  sign: 1 | -1,
): void {
  const length = events.length;
  if (length === 0) return;
  if (codes.length < length) {
    const size = Math.max(length, 2 * codes.length);
    codes = new Int32Array(size);
    numbers = new Float64Array(size);
    kinds = new Int32Array(size);
  }
  kinds.fill(0, 0, length);
  const columns = foldPlanOf(spec).columns;
  const components = COLUMN_COMPONENTS;
  for (let index = 0; index < columns.length; index++) {
    const column = columns[index] as ColumnPlan;
    const numeric = column.kind === FLOAT_COLUMN || column.kind === INT_COLUMN;
    const name = column.name;
    let numberCount = 0;
    for (let i = 0; i < length; i++) {
      const value = ownValue(events[i] as Record<string, unknown>, name);
      const code = judgePlanned(column, value);
      codes[i] = code;
      kinds[i] = (kinds[i] as number) | violationBit(code);
      if (numeric && code >= 0) numbers[numberCount++] = value as number;
    }
    const batch: ColumnBatch = { codes, length, numbers, numberCount };
    const tally = profile.columns[index] as ColumnTally;
    for (let c = 0; c < components.length; c++) {
      (components[c] as (typeof components)[number]).absorbColumn(tally, column, batch, sign);
    }
  }
  for (let i = 0; i < length; i++) {
    const event = events[i] as Record<string, unknown>;
    for (const component of PROFILE_COMPONENTS)
      component.absorb(profile, spec, event, sign, kinds[i] as number);
  }
}

/** A change to fold: the image to add, and the image to take out first (an update's old image); either may be absent. */
export interface ProfileChange {
  old_values?: Record<string, unknown> | null;
  new_values?: Record<string, unknown> | null;
}

/**
 * Folds changes in order, as absorbEvent would (the old image out, then the new image in), with each run of
 * images to add folded as one batch: same-sign runs are what absorbBatch folds exactly as one by one, so the
 * profile is the one absorbEvent change by change gives.
 */
export function absorbChanges(
  profile: HourProfile,
  spec: MonitorSpec,
  changes: readonly ProfileChange[],
): void {
  let run: Record<string, unknown>[] = [];
  for (const change of changes) {
    if (change.old_values) {
      absorbBatch(profile, spec, run, 1);
      run = [];
      absorbEvent(profile, spec, change.old_values, -1);
    }
    if (change.new_values) run.push(change.new_values);
  }
  absorbBatch(profile, spec, run, 1);
}

/** Per event of a batch: codes and numbers of the column at hand, and violation kinds. Reused across calls. */
let codes = new Int32Array(1024);
let numbers = new Float64Array(1024);
let kinds = new Int32Array(1024);

/**
 * One keyed load instead of hasOwn and a load: what an object inherits is a function (JSON never holds one), and
 * '__proto__' is refused as a column name, so only own values are read.
 */
function ownValue(eventValues: Record<string, unknown>, name: string): unknown {
  const found = eventValues[name];
  return typeof found === 'function' ? undefined : found;
}

/**
 * Marks what a column-selective read left out (profile-sections.ts): reading it throws, since a metric reading a
 * column it did not ask for is a bug to surface, not a zero; merging keeps it out; serialising throws, so a
 * partial profile is never written back.
 */
const UNREAD = Symbol('unread');

function leaveUnread(target: State, key: string, what: string): void {
  Object.defineProperty(target, key, {
    get: () => {
      throw new Error(`${what} was not read from storage`);
    },
    enumerable: true,
    configurable: true,
  });
  const marked = target as { [UNREAD]?: Set<string> };
  marked[UNREAD] ??= new Set();
  marked[UNREAD].add(key);
}

const isUnread = (target: object, key: string) =>
  (target as { [UNREAD]?: Set<string> })[UNREAD]?.has(key) === true;

/** A column whose state was not read: only its name is known. */
export function unreadColumn(name: string): ColumnTally {
  const tally: State = { name };
  for (const component of COLUMN_COMPONENTS) leaveUnread(tally, component.key, `column ${name}`);
  return tally as unknown as ColumnTally;
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
        if (isUnread(tally, component.key) || isUnread(other, component.key)) {
          leaveUnread(result, component.key, `column ${tally.name}`);
          continue;
        }
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

/** A column's stored shape: its name and each component's serialised state. */
export function storedColumn(tally: ColumnTally): State {
  const stored: State = { name: tally.name };
  for (const component of COLUMN_COMPONENTS) {
    stored[component.key] = component.serialize(tally[component.key] as never);
  }
  return stored;
}

/** The profile-wide components' serialised states. */
export function storedProfileComponents(profile: HourProfile): State {
  const stored: State = {};
  for (const component of PROFILE_COMPONENTS)
    stored[component.key] = component.serialize(profile[component.key] as never);
  return stored;
}

export function serializeProfile(profile: HourProfile): string {
  return JSON.stringify({
    format: PROFILE_FORMAT,
    columns: profile.columns.map(storedColumn),
    ...storedProfileComponents(profile),
  });
}

/**
 * Sets `tally[component.key]` to the component's state, decoded on first use: a query reads every column's
 * profile but most metrics need one component (a drift series never decodes the statistics' sketches). Once
 * read or assigned, the key holds plain data, so copies, clones and serialisation see ordinary objects.
 */
function deferDeserialize(
  tally: State,
  component: (typeof COLUMN_COMPONENTS)[number] | (typeof PROFILE_COMPONENTS)[number],
  stored: unknown,
): void {
  const settle = (value: unknown) => {
    Object.defineProperty(tally, component.key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
    return value;
  };
  Object.defineProperty(tally, component.key, {
    // Decoded from the parsed body (or from JSON text, if a component's stored shape is text).
    get: () =>
      settle(component.deserialize((typeof stored === 'string' ? JSON.parse(stored) : stored) as never)),
    set: settle,
    enumerable: true,
    configurable: true,
  });
}

/** A column from its stored shape (storedColumn's, or an earlier format's migrated), decoded lazily. */
export function restoredColumn(stored: State): ColumnTally {
  const tally: State = { name: stored.name };
  for (const component of COLUMN_COMPONENTS) deferDeserialize(tally, component, stored[component.key]);
  return tally as unknown as ColumnTally;
}

/** A profile from its columns and the stored body holding its profile-wide components, decoded lazily. */
export function restoredProfile(columns: ColumnTally[], body: State): HourProfile {
  const profile = { format: PROFILE_FORMAT, columns } as State;
  for (const component of PROFILE_COMPONENTS) deferDeserialize(profile, component, body[component.key]);
  return profile as unknown as HourProfile;
}

/** Reads a stored profile of this format or an earlier one (migrated on read); RangeError for anything else. */
export function deserializeProfile(text: string): HourProfile {
  const body = migrateStoredProfile(JSON.parse(text));
  if (!Array.isArray(body.columns)) throw new RangeError('a profile has no columns');
  return restoredProfile((body.columns as State[]).map(restoredColumn), body);
}
