// Day and month profiles beside hour profiles. A day's profile is the merge of its hours and a month's the merge of
// its days, recomputed whole whenever one of them changes, so recomputing twice is harmless and the fold's
// exactly-once guarantee carries over. Until then the day is listed as stale in the model state, written before
// its hour is: readers merge its hours, and the days of its month.
import { type HourProfile, mergeProfiles } from '../metrics/profile.js';
import type { ModelRef, ModelState, ProfileStore } from '../storage/profiles.js';
import { binStartOf, DAY_MS, nextBinStart } from '../time/bins.js';

export const dayOf = (hour: number) => Math.floor(hour / DAY_MS) * DAY_MS;

/** Days written per state save and lease renewal during a long backfill. */
const PROGRESS_EVERY_DAYS = 50;

/** The model state as a maintain run holds it: each save is conditional on the revision it last wrote. */
export interface StateHolder {
  readonly state: ModelState;
  save(changes: Partial<Omit<ModelState, 'rev'>>): Promise<ModelState>;
}

/** The state as `initial` holds it, each save conditional on the revision this holder last wrote. */
export function stateHolder(store: ProfileStore, model: ModelRef, initial: ModelState): StateHolder {
  let current = initial;
  return {
    get state() {
      return current;
    },
    async save(changes) {
      const state = { ...current, ...changes, rev: current.rev + 1 };
      if (!(await store.putState(model, state, current.rev)))
        throw new Error(`state of ${model.model_id} changed under its lease`);
      current = state;
      return state;
    },
  };
}

/**
 * The store, with every hour write preceded by listing the hour's day as stale: a run dying between the hour
 * and the day write leaves the day listed, so readers never take an outdated day profile for a fresh one.
 */
export function markingStaleDays(store: ProfileStore, holder: StateHolder): ProfileStore {
  // Compaction writes hours side by side, and each state save is conditional on the last: one save at a time.
  let marking: Promise<void> = Promise.resolve();
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'putHour') {
        const putHour: ProfileStore['putHour'] = async (model, version, hour, item, expectedRev, segment) => {
          const marked = marking.then(() => markStale(holder, version, dayOf(hour)));
          marking = marked.catch(() => {});
          await marked;
          return target.putHour(model, version, hour, item, expectedRev, segment);
        };
        return putHour;
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function markStale(holder: StateHolder, version: number, day: number): Promise<void> {
  const { state } = holder;
  // Only the version whose day profiles are in use: another one gets its days when it becomes active.
  if (state.day_items !== version || state.stale_days?.includes(day)) return;
  await holder.save({ stale_days: [...(state.stale_days ?? []), day].sort((a, b) => a - b) });
}

/**
 * Recomputes the day profile of every stale day of the active version, then the month profile of each month
 * holding one, the model's and each of `segments` (profile keys). A day leaves the stale list only once its month
 * is rewritten too, so a month is never read while one of its days is newer than it. A version without rollups
 * yet (a model from before them, or one a rebuild just switched to) first lists every day holding hours as stale.
 */
export async function rollUp(
  store: ProfileStore,
  model: ModelRef,
  holder: StateHolder,
  renewLease: () => Promise<void>,
  segments: string[] = [],
): Promise<number> {
  const version = holder.state.active_version;
  if (holder.state.day_items !== version || holder.state.month_items !== version) {
    const days = (await store.listHours(model, version)).map(dayOf);
    await holder.save({
      day_items: version,
      month_items: version,
      stale_days: [...new Set(days)].sort((a, b) => a - b),
    });
  }
  const stale = [...(holder.state.stale_days ?? [])];
  const keys = [undefined, ...segments];
  let done = 0;
  let sinceSaved = 0;
  for (const [month, days] of byMonth(stale)) {
    for (const day of days) {
      for (const segment of keys) {
        const hours = await store.queryHours(model, version, day, day + DAY_MS - 1, {
          consistent: true,
          segment,
        });
        // A day without hours has nothing to read: no day profile stands for an empty day, as no hour does.
        if (hours.length > 0) await store.putRollup('day', model, version, day, merged(hours), segment);
      }
    }
    const lastDay = nextBinStart('month', month) - DAY_MS;
    for (const segment of keys) {
      const dayItems = await store.queryRollups('day', model, version, month, lastDay, {
        consistent: true,
        segment,
      });
      if (dayItems.length > 0)
        await store.putRollup('month', model, version, month, merged(dayItems), segment);
    }
    done += days.length;
    sinceSaved += days.length;
    if (sinceSaved >= PROGRESS_EVERY_DAYS && done < stale.length) {
      await holder.save({ stale_days: stale.slice(done) });
      await renewLease();
      sinceSaved = 0;
    }
  }
  if (stale.length > 0) await holder.save({ stale_days: [] });
  return stale.length;
}

const merged = (items: Array<{ profile: HourProfile }>) =>
  items.map((item) => item.profile).reduce(mergeProfiles);

/** Sorted days grouped by their month, months in order. */
function byMonth(days: number[]): Map<number, number[]> {
  const months = new Map<number, number[]>();
  for (const day of days) {
    const month = binStartOf('month', day);
    months.set(month, [...(months.get(month) ?? []), day]);
  }
  return months;
}
