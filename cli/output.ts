// How commands print records: an aligned table for people, CSV or JSON for programs (always on stdout).
import { UsageError } from './errors.js';

export const OUTPUTS = ['table', 'csv', 'json'] as const;
export type Output = (typeof OUTPUTS)[number];

export function outputOf(value: string | undefined, fallback: Output = 'table'): Output {
  const output = (value ?? fallback) as Output;
  if (!OUTPUTS.includes(output))
    throw new UsageError(`--output must be one of ${OUTPUTS.join(', ')} (got '${value}')`);
  return output;
}

export type Cell = string | number | boolean | null | undefined;

/** Prints rows of cells as a table, CSV, or (for json) the given JSON value. */
export function printRecords(output: Output, columns: string[], rows: Cell[][], json: unknown): void {
  if (output === 'json') process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  else if (output === 'csv') process.stdout.write(toCsv(columns, rows));
  else process.stdout.write(toTable(columns, rows));
}

export function toCsv(columns: string[], rows: Cell[][]): string {
  const line = (cells: Cell[]) => cells.map((cell) => csvCell(text(cell))).join(',');
  return `${[line(columns), ...rows.map(line)].join('\n')}\n`;
}

export function toTable(columns: string[], rows: Cell[][]): string {
  if (rows.length === 0) return '(none)\n';
  const cells = [columns, ...rows.map((row) => row.map(text))];
  const widths = columns.map((_, index) => Math.max(...cells.map((row) => (row[index] ?? '').length)));
  const format = (row: string[]) =>
    row
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[format(cells[0] as string[]), format(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map((r) => format(r as string[]))].join('\n')}\n`;
}

function text(cell: Cell): string {
  return cell === null || cell === undefined ? '' : String(cell);
}

function csvCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

export const count = (n: number) => n.toLocaleString('en-US');
export const isoTime = (ms: number | null | undefined) =>
  typeof ms === 'number' ? new Date(ms).toISOString() : '';
