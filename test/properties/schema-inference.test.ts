// Schema inference as properties over random tables: BaselineProfiler's columns against the contract's
// inference rules (section 3), computed here independently, for typed values and for CSV text.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BaselineProfiler } from '../../shared/baselines/infer.js';
import { readRows } from '../../shared/bodies/records.js';
import type { ColumnProfile, DataType } from '../../shared/schema/types.js';

type Kind = 'int' | 'float' | 'bool' | 'few-strings' | 'many-strings' | 'number-like-strings';
type Cell = number | boolean | string | null | undefined;

interface ColumnSpec {
  name: string;
  kind: Kind;
  /** One cell per row: null is an explicit null, undefined a missing key (an empty CSV cell). */
  cells: Cell[];
}

interface Table {
  rows: number;
  columns: ColumnSpec[];
  maxCardinality: number;
}

// Apart from the number-like kind, strings start with 'k' so that none reads as a number or a boolean
// even as a CSV cell.
const cellsOfKind: Record<Kind, fc.Arbitrary<Cell>> = {
  int: fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.maxSafeInteger()),
  // Mostly integral numbers with the odd fraction, so both int and float columns come up.
  float: fc.oneof(
    { arbitrary: fc.integer({ min: -1000, max: 1000 }), weight: 3 },
    { arbitrary: fc.double({ min: -1e9, max: 1e9, noNaN: true }), weight: 1 },
  ),
  bool: fc.boolean(),
  'few-strings': fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 2 }).map((s) => `k${s}`),
  'many-strings': fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).map((s) => `k${s}`),
  // JSON strings that spell numbers or booleans are still strings; only CSV cells are read as numbers.
  'number-like-strings': fc.oneof(
    fc.integer({ min: -99, max: 99 }).map(String),
    fc.constantFrom('true', 'false', '1.5'),
  ),
};

const KINDS = Object.keys(cellsOfKind) as Kind[];

function columnOf(rows: number, index: number): fc.Arbitrary<ColumnSpec> {
  return fc.constantFrom(...KINDS).chain((kind) =>
    fc
      .array(
        fc.oneof(
          { arbitrary: cellsOfKind[kind], weight: 8 },
          { arbitrary: fc.constant(null), weight: 1 },
          { arbitrary: fc.constant(undefined), weight: 1 },
        ),
        { minLength: rows, maxLength: rows },
      )
      // A column with no value at all has no type to infer.
      .filter((cells) => cells.some((cell) => cell !== null && cell !== undefined))
      .map((cells) => ({ name: `c${index}_${kind}`, kind, cells })),
  );
}

const tables: fc.Arbitrary<Table> = fc
  .record({ rows: fc.integer({ min: 1, max: 60 }), width: fc.integer({ min: 1, max: 5 }) })
  .chain(({ rows, width }) =>
    fc.record({
      rows: fc.constant(rows),
      columns: fc.tuple(...Array.from({ length: width }, (_, index) => columnOf(rows, index))),
      maxCardinality: fc.integer({ min: 1, max: 30 }),
    }),
  );

function recordsOf(table: Table): Array<Record<string, unknown>> {
  return Array.from({ length: table.rows }, (_, row) => {
    const record: Record<string, unknown> = {};
    for (const column of table.columns) {
      const cell = column.cells[row];
      if (cell !== undefined) record[column.name] = cell;
    }
    return record;
  });
}

function profileTyped(table: Table): ColumnProfile[] {
  const profiler = new BaselineProfiler(table.maxCardinality);
  for (const record of recordsOf(table)) profiler.absorb(record);
  return profiler.finish('random').profile.columns;
}

const csvCell = (cell: Cell) =>
  cell === null || cell === undefined
    ? ''
    : typeof cell === 'string'
      ? `"${cell.replaceAll('"', '""')}"`
      : String(cell);

/** The table as CSV text, read back through the same CSV reader a baseline upload uses. */
async function profileCsv(table: Table): Promise<ColumnProfile[]> {
  const lines = [table.columns.map((column) => column.name).join(',')];
  for (let row = 0; row < table.rows; row++) {
    lines.push(table.columns.map((column) => csvCell(column.cells[row])).join(','));
  }
  // The upload path profiles CSV with text cells, as datasets.ts does.
  const profiler = new BaselineProfiler(table.maxCardinality, true);
  for await (const row of readRows(Readable.from([`${lines.join('\n')}\n`]), 'csv')) {
    if ('error' in row) throw new Error(row.error);
    profiler.absorb(row.values);
  }
  return profiler.finish('random').profile.columns;
}

const presentValues = (column: ColumnSpec) =>
  column.cells.filter((cell): cell is number | boolean | string => cell !== null && cell !== undefined);

/** The contract's inference rules, written out from section 3 of CONTRACT.md. */
function expectedType(column: ColumnSpec, maxCardinality: number): DataType {
  const values = presentValues(column);
  if (values.every((value) => typeof value === 'number')) {
    return values.every((value) => Number.isInteger(value)) ? 'int' : 'float';
  }
  if (values.every((value) => typeof value === 'boolean')) return 'bool';
  return new Set(values).size <= maxCardinality ? 'category' : 'str';
}

/** Hyndman & Fan type 7 (numpy's default): interpolate between the order statistics around (n-1)q. */
function interpolatedQuantile(sortedAscending: number[], q: number): number {
  const position = (sortedAscending.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sortedAscending[below] as number;
  const high = sortedAscending[above] as number;
  return low + (position - below) * (high - low);
}

function profiledColumn(columns: ColumnProfile[], name: string): ColumnProfile {
  const found = columns.find((column) => column.name === name);
  if (!found) throw new Error(`column ${name} was not profiled`);
  return found;
}

const numericColumnsOf = (table: Table) =>
  table.columns.filter((column) => presentValues(column).every((value) => typeof value === 'number'));

describe('schema inference over random tables', () => {
  it('infers each column type by the contract rules', () => {
    fc.assert(
      fc.property(tables, (table) => {
        const columns = profileTyped(table);

        for (const column of table.columns) {
          expect(profiledColumn(columns, column.name).data_type).toBe(
            expectedType(column, table.maxCardinality),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('marks a column nullable exactly when some row has it null or missing', () => {
    fc.assert(
      fc.property(tables, (table) => {
        const columns = profileTyped(table);

        for (const column of table.columns) {
          const hasNull = column.cells.some((cell) => cell === null || cell === undefined);
          expect(profiledColumn(columns, column.name).nullable).toBe(hasNull);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives a numeric column the min and max of its values, and other columns none', () => {
    fc.assert(
      fc.property(tables, (table) => {
        const columns = profileTyped(table);

        for (const column of table.columns) {
          const profiled = profiledColumn(columns, column.name);
          const values = presentValues(column);
          const numeric = numericColumnsOf(table).includes(column);
          expect(profiled.min).toBe(numeric ? Math.min(...(values as number[])) : null);
          expect(profiled.max).toBe(numeric ? Math.max(...(values as number[])) : null);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives a numeric column the linearly interpolated deciles of its values', () => {
    fc.assert(
      fc.property(tables, (table) => {
        const columns = profileTyped(table);

        for (const column of numericColumnsOf(table)) {
          const sorted = (presentValues(column) as number[]).sort((a, b) => a - b);
          const deciles = profiledColumn(columns, column.name).deciles;
          const scale = Math.max(1, Math.abs(sorted[0] as number), Math.abs(sorted.at(-1) as number));
          expect(deciles).toHaveLength(9);
          for (const [index, decile] of (deciles ?? []).entries()) {
            const expected = interpolatedQuantile(sorted, (index + 1) / 10);
            expect(Math.abs(decile - expected)).toBeLessThanOrEqual(1e-12 * scale);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('lists the sorted distinct values of a category column, and no categories for other columns', () => {
    fc.assert(
      fc.property(tables, (table) => {
        const columns = profileTyped(table);

        for (const column of table.columns) {
          const categories = profiledColumn(columns, column.name).categories;
          if (expectedType(column, table.maxCardinality) === 'category') {
            expect(categories).toEqual([...new Set(presentValues(column) as string[])].sort());
          } else {
            expect(categories).toBeNull();
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('counts every row, whichever columns it holds', () => {
    fc.assert(
      fc.property(tables, (table) => {
        const profiler = new BaselineProfiler(table.maxCardinality);
        for (const record of recordsOf(table)) profiler.absorb(record);

        const { profile } = profiler.finish('random');

        expect(profile.row_count).toBe(table.rows);
        expect(profile.columns.map((column) => column.name).sort()).toEqual(
          table.columns.map((column) => column.name).sort(),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('infers the same type and range for numeric and boolean columns from CSV text as from typed values', async () => {
    await fc.assert(
      fc.asyncProperty(tables, async (table) => {
        const typed = profileTyped(table);
        const fromCsv = await profileCsv(table);

        for (const column of table.columns) {
          const expected = profiledColumn(typed, column.name);
          if (!['int', 'float', 'bool'].includes(expected.data_type)) continue;
          const actual = profiledColumn(fromCsv, column.name);
          expect(actual.data_type).toBe(expected.data_type);
          // String(-0) is '0': compare the range as numbers, not by sign of zero.
          expect(actual.min === expected.min && actual.max === expected.max).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
