// Schema inference and the baseline profile, built in one streaming pass over a dataset's rows.
import { InvalidInput } from '../errors.js';
import type { ColumnProfile, DatasetProfile, DataType } from '../schema/types.js';
import { deciles } from './quantile.js';

export const DEFAULT_MAX_INFERRED_CARDINALITY = 100;
/** The widths the service promises to store, fold and query (contract section 7). */
export const MAX_INFERRED_CARDINALITY = 100_000;
export const MAX_COLUMNS = 2000;
/** Column names travel in every spec, profile and rule item: long ones would eat the item-size headroom. */
export const MAX_COLUMN_NAME_LENGTH = 256;

// Plain decimal numbers only: Number() would also accept '0x1F', 'Infinity' and whitespace.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEAN_TEXT: Record<string, boolean> = { true: true, false: false };

/** Reads a CSV cell (or any string) as the number it spells, or undefined. */
export function numberFromText(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

/** Reads 'true'/'false' in any case as a boolean, or undefined. */
export function booleanFromText(text: string): boolean | undefined {
  return BOOLEAN_TEXT[text.trim().toLowerCase()];
}

class GrowableFloats {
  private data = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

/** Everything one column's type decision needs, absorbed value by value. */
class ColumnObserver {
  nulls = 0;
  nonNull = 0;
  allNumeric = true;
  allIntegral = true;
  allBoolean = true;
  readonly numbers = new GrowableFloats();
  readonly booleanCounts: [number, number] = [0, 0];
  /** Distinct string forms and their counts, dropped once there are more than the cardinality limit. */
  distinct: Map<string, number> | null = new Map();

  constructor(
    readonly name: string,
    private readonly maxCardinality: number,
    /** CSV cells are all text: there, '3' is a number and 'true' a boolean; in JSON they are strings. */
    private readonly textCells: boolean,
  ) {}

  absorb(value: unknown): void {
    if (value === null || value === undefined) {
      this.nulls++;
      return;
    }
    this.nonNull++;
    const cell = this.textCells && typeof value === 'string' ? value : undefined;
    const asNumber =
      typeof value === 'number' ? value : cell !== undefined ? numberFromText(cell) : undefined;
    if (this.allNumeric) {
      if (asNumber === undefined || !Number.isFinite(asNumber)) this.allNumeric = false;
      else {
        this.numbers.push(asNumber);
        if (!Number.isInteger(asNumber)) this.allIntegral = false;
      }
    }
    const asBoolean =
      typeof value === 'boolean' ? value : cell !== undefined ? booleanFromText(cell) : undefined;
    if (this.allBoolean) {
      if (asBoolean === undefined) this.allBoolean = false;
      else this.booleanCounts[asBoolean ? 1 : 0]++;
    }
    if (this.distinct) {
      const text =
        typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
      this.distinct.set(text, (this.distinct.get(text) ?? 0) + 1);
      if (this.distinct.size > this.maxCardinality) this.distinct = null;
    }
  }

  dataType(): DataType {
    if (this.nonNull === 0) return 'str';
    if (this.allNumeric) return this.allIntegral ? 'int' : 'float';
    if (this.allBoolean) return 'bool';
    return this.distinct ? 'category' : 'str';
  }
}

export interface BaselineResult {
  profile: DatasetProfile;
  /** Sorted non-null values of every numeric column: what drift needs to count baseline rows per bin. */
  sortedValues: Map<string, Float64Array>;
}

/** Streaming baseline profiler: absorb every row, then finish once. */
export class BaselineProfiler {
  private readonly columns = new Map<string, ColumnObserver>();
  private rows = 0;

  constructor(
    private readonly maxCardinality = DEFAULT_MAX_INFERRED_CARDINALITY,
    private readonly textCells = false,
  ) {
    if (
      !Number.isInteger(maxCardinality) ||
      maxCardinality < 1 ||
      maxCardinality > MAX_INFERRED_CARDINALITY
    ) {
      throw new InvalidInput(
        `max_inferred_cardinality: must be an integer from 1 to ${MAX_INFERRED_CARDINALITY}`,
      );
    }
  }

  absorb(values: Record<string, unknown>): void {
    for (const name of Object.keys(values)) {
      if (!this.columns.has(name)) {
        // A key that JavaScript objects treat as their prototype cannot be a column anywhere downstream.
        if (name === '__proto__')
          throw new InvalidInput("column name '__proto__' is reserved; rename the column");
        if (name.length === 0 || name.length > MAX_COLUMN_NAME_LENGTH) {
          throw new InvalidInput(
            `columns: column names are 1 to ${MAX_COLUMN_NAME_LENGTH} characters ('${name.slice(0, 40)}${name.length > 40 ? '...' : ''}' has ${name.length})`,
          );
        }
        // Checked as columns appear, so an over-wide baseline is refused before it is read to the end.
        if (this.columns.size >= MAX_COLUMNS) {
          throw new InvalidInput(
            `columns: a baseline has at most ${MAX_COLUMNS} columns; '${name.slice(0, 40)}' would be column ${MAX_COLUMNS + 1}`,
          );
        }
        const observer = new ColumnObserver(name, this.maxCardinality, this.textCells);
        // A column first seen late was missing (null) in every earlier row.
        observer.nulls = this.rows;
        this.columns.set(name, observer);
      }
    }
    for (const observer of this.columns.values()) {
      observer.absorb(Object.hasOwn(values, observer.name) ? values[observer.name] : undefined);
    }
    this.rows++;
  }

  finish(datasetId: string): BaselineResult {
    const sortedValues = new Map<string, Float64Array>();
    const columns = [...this.columns.values()].map((observer): ColumnProfile => {
      const dataType = observer.dataType();
      // What a column of another type has is null: each type fills in only its own fields.
      const profile = (own: Partial<ColumnProfile>): ColumnProfile => ({
        name: observer.name,
        data_type: dataType,
        nullable: observer.nulls > 0,
        min: null,
        max: null,
        categories: null,
        value_count: observer.nonNull,
        deciles: null,
        category_counts: null,
        bool_counts: null,
        ...own,
      });
      if (dataType === 'int' || dataType === 'float') {
        const sorted = observer.numbers.sorted();
        sortedValues.set(observer.name, sorted);
        return profile({
          min: sorted[0] ?? null,
          max: sorted[sorted.length - 1] ?? null,
          value_count: sorted.length,
          deciles: deciles(sorted),
        });
      }
      if (dataType === 'bool') return profile({ bool_counts: [...observer.booleanCounts] });
      if (dataType === 'category' && observer.distinct) {
        const categories = [...observer.distinct.keys()].sort();
        const counts = categories.map((category) => observer.distinct?.get(category) ?? 0);
        return profile({ categories, category_counts: counts });
      }
      return profile({});
    });
    return { profile: { dataset_id: datasetId, row_count: this.rows, columns }, sortedValues };
  }
}
