// Day profiles beside hour profiles. A day's profile is the merge of its hours, recomputed whole whenever one of
// them changes, so recomputing twice is harmless and the fold's exactly-once guarantee carries over. Until then
// the day is listed as stale in the model state, written before its hour is, and readers merge its hours.
import { mergeProfiles } from '../metrics/profile.js';
import type { ModelRef, ModelState, ProfileStore } from '../storage/profiles.js';
import { DAY_MS } from '../time/bins.js';

export const dayOf = (hour: number) => Math.floor(hour / DAY_MS) * DAY_MS;

/** Days written per state save and lease renewal during a long backfill. */
const PROGRESS_EVERY_DAYS = 50;

/** The model state as a maintain run holds it: each save is conditional on the revision it last wrote. */
export interface StateHolder {
  readonly state: ModelState;
  save(changes: Partial<Omit<ModelState, 'rev'>>): Promise<ModelState>;
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
 * Recomputes the day profile of every stale day of the active version, the model's and each of `segments` (profile
 * keys). A version without day profiles yet (a model from before them, or one a rebuild just switched to) first
 * lists every day holding hours as stale.
 */
export async function rollUpDays(
  store: ProfileStore,
  model: ModelRef,
  holder: StateHolder,
  renewLease: () => Promise<void>,
  segments: string[] = [],
): Promise<number> {
  const version = holder.state.active_version;
  if (holder.state.day_items !== version) {
    const days = (await store.listHours(model, version)).map(dayOf);
    await holder.save({ day_items: version, stale_days: [...new Set(days)].sort((a, b) => a - b) });
  }
  const stale = [...(holder.state.stale_days ?? [])];
  for (let done = 0; done < stale.length; ) {
    const day = stale[done] as number;
    for (const segment of [undefined, ...segments]) {
      const hours = await store.queryHours(model, version, day, day + DAY_MS - 1, {
        consistent: true,
        segment,
      });
      // A day without hours has nothing to read: no day profile stands for an empty day, as no hour does.
      if (hours.length > 0) {
        const merged = hours.map((hour) => hour.profile).reduce(mergeProfiles);
        await store.putDay(model, version, day, merged, segment);
      }
    }
    done++;
    if (done % PROGRESS_EVERY_DAYS === 0 && done < stale.length) {
      await holder.save({ stale_days: stale.slice(done) });
      await renewLease();
    }
  }
  if (stale.length > 0) await holder.save({ stale_days: [] });
  return stale.length;
}
