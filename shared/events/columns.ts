// Which fields of a published event the model keeps, and how CSV text becomes typed values.

import { booleanFromText, numberFromText } from '../baselines/infer.js';
import { InvalidInput } from '../errors.js';
import type { ModelRecord } from '../storage/registry.js';

export interface SplitFields {
  columns: Record<string, unknown>;
  /** Fields that are not columns of the model: ignored, and named in the answer. */
  ignored: string[];
}

/** Keeps the model's columns; on an update, only target, decision and metadata columns are allowed. */
export function splitFields(
  model: ModelRecord,
  fields: Record<string, unknown>,
  update: boolean,
): SplitFields {
  const { inputs, outputs } = model.info;
  const fixedAtInsert = new Set([...inputs, ...outputs]);
  const columns: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (!Object.hasOwn(model.column_types, name)) {
      ignored.push(name);
      continue;
    }
    if (update && fixedAtInsert.has(name)) {
      const role = inputs.includes(name) ? 'input' : 'output';
      throw new InvalidInput(
        `event.${name}: '${name}' is an ${role} column; an update may only set targets, decisions and metadata`,
      );
    }
    columns[name] = value === undefined ? null : value;
  }
  return { columns, ignored };
}

/** Types CSV cells by their column's data type; a cell that does not parse stays text (a type violation). */
export function typeCsvCells(model: ModelRecord, values: Record<string, unknown>): Record<string, unknown> {
  const typed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const type = Object.hasOwn(model.column_types, name) ? model.column_types[name]?.data_type : undefined;
    if (typeof value !== 'string' || !type) {
      typed[name] = value;
      continue;
    }
    if (type === 'int' || type === 'float') typed[name] = numberFromText(value) ?? value;
    else if (type === 'bool') typed[name] = booleanFromText(value) ?? numberFromText(value) ?? value;
    else typed[name] = value;
  }
  return typed;
}
