// Keys of the profiles table's items, by kind: pending deltas (packs), journals and marks; hour and day profiles
// per spec version and segment, and their day and month rollups; specs, automatic segments, model state and leases. One table, so a model's
// items of every kind sit under its own partition keys.
import { type Delta, type ModelRef, modelKey, type RollupSize } from '../profiles.js';

export const pad = (value: number, width: number) => String(value).padStart(width, '0');
export const hourKey = (hour: number) => pad(hour, 15);
export const deltaPk = (model: ModelRef, shard: number) => `DELTA#${modelKey(model)}#${shard}`;
/** A segment's profiles get partitions of their own: a model's hours stay one query, whatever its segments. */
const segmentSuffix = (segment?: string) => (segment === undefined ? '' : `#SEG#${segment}`);
export const hourPk = (model: ModelRef, version: number, segment?: string) =>
  `PROF#${modelKey(model)}#${version}${segmentSuffix(segment)}`;
/** Apart from the hours, so listing a version's hours never reads its days or months. */
export const rollupPk = (size: RollupSize, model: ModelRef, version: number, segment?: string) =>
  `${size === 'day' ? 'DAYPROF' : 'MONTHPROF'}#${modelKey(model)}#${version}${segmentSuffix(segment)}`;
export const autoSegmentsKey = (model: ModelRef, version: number) => ({
  pk: `AUTOSEG#${modelKey(model)}`,
  sk: pad(version, 10),
});
export const specKey = (model: ModelRef, version: number) => ({
  pk: `SPEC#${modelKey(model)}`,
  sk: pad(version, 10),
});
export const stateKey = (model: ModelRef) => ({ pk: `STATE#${modelKey(model)}`, sk: 'STATE' });
export const DIRTY = 'DIRTY';

export function deltaKey(delta: Delta): string {
  return `${hourKey(delta.hour)}#${delta.event_id}#${pad(delta.new_rev, 10)}`;
}

export function revisionCondition(expectedRev: number | undefined) {
  return expectedRev === undefined
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectedRev } };
}
