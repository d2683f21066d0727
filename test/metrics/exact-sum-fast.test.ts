// The short-sum fast path of addExact gives exactly what the general algorithm gives, on any doubles.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addExact, exactSumOf } from '../../shared/metrics/exact-sum.js';

const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 });
const nearby = fc.oneof(
  finite,
  fc.double({ min: -1, max: 1, noNaN: true }),
  fc.constantFrom(0, -0, 1e-300, 0.1, 0.2, 0.3),
);

describe('adding a term to an exact sum', () => {
  it('equals the exact sum of all the terms, whatever the terms', () => {
    fc.assert(
      fc.property(fc.array(nearby, { maxLength: 6 }), nearby, (terms, term) => {
        const before = exactSumOf(terms);
        expect(addExact(before, term)).toEqual(exactSumOf([...terms, term]));
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps a long run of additions and subtractions exact', () => {
    const terms = Array.from({ length: 2000 }, (_, i) => Math.sin(i) * 10 ** ((i % 7) - 3));
    let sum = exactSumOf([]);
    for (const term of terms) sum = addExact(sum, term);
    expect(sum).toEqual(exactSumOf(terms));
    for (const term of terms) sum = addExact(sum, -term);
    expect(sum).toEqual([]);
  });
});
