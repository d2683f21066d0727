// Non-negative integers as base-128 varints in base64: the compact text form of the counts profiles store
// (sketch buckets, grid cells), one or two bytes for a small count instead of a JSON number and a comma.

/** Integers up to 2^53, low 7 bits first, the high bit of a byte set when more follow. */
export function encodeVarints(values: readonly number[]): string {
  const bytes: number[] = [];
  for (const value of values) {
    let rest = value;
    while (rest >= 128) {
      bytes.push((rest % 128) + 128);
      rest = Math.floor(rest / 128);
    }
    bytes.push(rest);
  }
  return Buffer.from(bytes).toString('base64');
}

export function decodeVarints(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let scale = 1;
  for (const byte of Buffer.from(text, 'base64')) {
    value += (byte % 128) * scale;
    if (byte >= 128) scale *= 128;
    else {
      values.push(value);
      value = 0;
      scale = 1;
    }
  }
  return values;
}

/** Signed integers as non-negative ones, small magnitudes staying small: 0, -1, 1, -2, ... as 0, 1, 2, 3, ... */
export function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

export function unzigzag(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}
