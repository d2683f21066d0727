// Reading profiles stored in an earlier format: format 1 (one struct, violation counts flat on each column, no
// statistics) becomes format 2 on read. Its numeric statistics are unknown, so they read as null until a rebuild.

import { PROFILE_FORMAT } from './types.js';

interface FormatOneColumn {
  name: string;
  drift_counts: number[] | null;
  null_violations: number;
  type_violations: number;
  range_violations: number;
  any_violations: number;
}

/** The stored body in the current format's serialised shape; RangeError for a format this code does not know. */
export function migrateStoredProfile(parsed: unknown): Record<string, unknown> {
  if (typeof parsed !== 'object' || parsed === null) throw new RangeError('a profile is not an object');
  const body = parsed as Record<string, unknown>;
  if (body.format === PROFILE_FORMAT) return body;
  if (body.format !== 1) throw new RangeError(`not a profile of format 1 or ${PROFILE_FORMAT}`);
  const columns = Array.isArray(body.columns) ? (body.columns as FormatOneColumn[]) : [];
  return {
    ...body,
    format: PROFILE_FORMAT,
    columns: columns.map((column) => ({
      name: column.name,
      drift_counts: column.drift_counts,
      integrity: {
        null_violations: column.null_violations,
        type_violations: column.type_violations,
        range_violations: column.range_violations,
        any_violations: column.any_violations,
      },
      numeric: null,
    })),
  };
}
