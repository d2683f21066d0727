// A small incremental CSV reader and writer (RFC 4180: quoted cells, doubled quotes, CRLF), so batches
// can be split into requests and given event ids without another dependency.

/** Reads CSV text pushed piece by piece and yields complete records as arrays of cells. */
export class CsvRecordReader {
  private cell = '';
  private record: string[] = [];
  private inQuotes = false;
  /** A quote seen inside a quoted cell: the next character says whether it was escaped. */
  private quoteSeen = false;
  private afterCarriageReturn = false;
  private recordStarted = false;
  private atStart = true;

  push(text: string): string[][] {
    const records: string[][] = [];
    let index = 0;
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) index = 1;
    }
    for (; index < text.length; index++) {
      const char = text[index] as string;
      if (this.afterCarriageReturn) {
        this.afterCarriageReturn = false;
        if (char === '\n') continue;
      }
      if (this.quoteSeen) {
        this.quoteSeen = false;
        if (char === '"') {
          this.cell += '"';
          continue;
        }
        this.inQuotes = false;
      }
      if (this.inQuotes) {
        if (char === '"') this.quoteSeen = true;
        else this.cell += char;
        continue;
      }
      if (char === '"' && this.cell === '') {
        this.inQuotes = true;
        this.recordStarted = true;
      } else if (char === ',') {
        this.record.push(this.cell);
        this.cell = '';
        this.recordStarted = true;
      } else if (char === '\n' || char === '\r') {
        if (char === '\r') this.afterCarriageReturn = true;
        this.endRecord(records);
      } else {
        this.cell += char;
        this.recordStarted = true;
      }
    }
    return records;
  }

  /** Ends the text; returns the last record when it had no line break after it. */
  end(): string[][] {
    const records: string[][] = [];
    this.quoteSeen = false;
    this.inQuotes = false;
    this.endRecord(records);
    return records;
  }

  private endRecord(records: string[][]): void {
    // A line with nothing on it is not a record (the service skips empty lines too).
    if (this.recordStarted) {
      this.record.push(this.cell);
      records.push(this.record);
    }
    this.record = [];
    this.cell = '';
    this.recordStarted = false;
  }
}

/** One CSV line (without the line break), quoting only the cells that need it. */
export function csvLine(cells: readonly string[]): string {
  return cells.map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)).join(',');
}
