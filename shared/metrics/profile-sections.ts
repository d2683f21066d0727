// How a profile is laid out in storage. Most profiles are one body. A wide one (hundreds of columns with their
// sketches: about 1.8 MB of JSON at 1,000 columns) is split: a core body with the profile-wide components and the
// column names, and its columns in sections of about 64 KB of JSON each, a column's section fixed by a hash of
// its name. A query of some columns then reads the core and those columns' sections, not the whole profile.

import { migrateStoredProfile } from './components/migrate.js';
import {
  type ColumnTally,
  type HourProfile,
  PROFILE_FORMAT,
  restoredColumn,
  restoredProfile,
  serializeProfile,
  storedColumn,
  storedProfileComponents,
  unreadColumn,
} from './profile.js';

/** When a profile is split, and into sections of what size. */
export interface ProfileLayout {
  /** Serialised profiles above this are split: below it the whole body is cheap enough to read in one go. */
  splitFromBytes: number;
  /** The JSON a column section aims at: small enough that one column's read is cheap, few enough to write. */
  sectionBytes: number;
}

export const PROFILE_LAYOUT: ProfileLayout = { splitFromBytes: 256 * 1024, sectionBytes: 64 * 1024 };

/** A profile as stored: one body, or a core body and its column sections by name. */
export interface StoredProfile {
  body: string;
  sections?: Record<string, string>;
}

type State = Record<string, unknown>;

export function storedProfile(profile: HourProfile, layout = PROFILE_LAYOUT): StoredProfile {
  const whole = serializeProfile(profile);
  if (whole.length <= layout.splitFromBytes || profile.columns.length === 0) return { body: whole };
  const texts = profile.columns.map((tally) => JSON.stringify(storedColumn(tally)));
  const total = texts.reduce((sum, text) => sum + text.length, 0);
  const groups = Math.min(profile.columns.length, Math.ceil(total / layout.sectionBytes));
  const members: string[][] = Array.from({ length: groups }, () => []);
  profile.columns.forEach((tally, index) => {
    members[groupOf(tally.name, groups)]?.push(texts[index] as string);
  });
  const sections: Record<string, string> = {};
  members.forEach((columns, group) => {
    sections[sectionName(group)] = `[${columns.join(',')}]`;
  });
  const core = {
    format: PROFILE_FORMAT,
    column_groups: groups,
    column_names: profile.columns.map((tally) => tally.name),
    ...storedProfileComponents(profile),
  };
  return { body: JSON.stringify(core), sections };
}

/**
 * Of a stored profile's sections, those holding `columns` (every one without `columns`: a whole read). A profile
 * stored whole has none, and needs none.
 */
export function sectionsFor(available: readonly string[], columns?: ReadonlySet<string>): string[] {
  if (columns === undefined || available.length === 0) return [...available];
  const wanted = new Set([...columns].map((name) => sectionName(groupOf(name, available.length))));
  return available.filter((name) => wanted.has(name));
}

/**
 * The profile from its body and the sections read. Columns whose section was not read are unread: reading one
 * throws, and merging keeps it unread (profile.ts).
 */
export function loadedProfile(body: string, sections: ReadonlyMap<string, string>): HourProfile {
  const parsed = migrateStoredProfile(JSON.parse(body));
  if (Array.isArray(parsed.columns))
    return restoredProfile((parsed.columns as State[]).map(restoredColumn), parsed);
  const names = parsed.column_names;
  const groups = parsed.column_groups;
  if (!Array.isArray(names) || typeof groups !== 'number') throw new RangeError('a profile has no columns');
  const read = new Map<string, State>();
  for (const text of sections.values()) {
    for (const stored of JSON.parse(text) as State[]) read.set(stored.name as string, stored);
  }
  const columns: ColumnTally[] = (names as string[]).map((name) => {
    const stored = read.get(name);
    return stored ? restoredColumn(stored) : unreadColumn(name);
  });
  return restoredProfile(columns, parsed);
}

const sectionName = (group: number) => `c${group}`;

/** FNV-1a over the name's UTF-16 code units: stable across processes and versions, as stored layouts must be. */
function groupOf(name: string, groups: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % groups;
}
