// Exact sums: what plain float addition gets wrong, order independence, and exact take-back.

import { describe, expect, it } from 'vitest';
import {
  addExact,
  addExactProduct,
  combineExact,
  exactSign,
  exactSumOf,
  exactValue,
  multiplyExact,
  ZERO_SUM,
} from '../../shared/metrics/exact-sum.js';
import { seededRandom } from './fixtures.js';

describe('exact sums', () => {
  it.each([
    { case: 'a small term between cancelling large ones', terms: [1e16, 1, -1e16], expected: 1 },
    // Python: math.fsum([0.1, 0.2, -0.3]) == 2.7755575615628914e-17.
    {
      case: 'tenths that do not cancel in binary',
      terms: [0.1, 0.2, -0.3],
      expected: 2.7755575615628914e-17,
    },
    { case: 'terms that cancel exactly', terms: [0.1, -0.1, 1e300, -1e300], expected: 0 },
  ])('sum $case correctly rounded', ({ terms, expected }) => {
    expect(exactValue(exactSumOf(terms))).toBe(expected);
  });

  it('does not depend on the order of the terms', () => {
    const random = seededRandom(7);
    const terms = Array.from({ length: 200 }, () => (random() - 0.5) * 10 ** Math.floor(random() * 20 - 10));
    const reversed = [...terms].reverse();

    expect(exactSumOf(reversed)).toEqual(exactSumOf(terms));
  });

  it('returns to the very same sum when a term is added then taken back', () => {
    const sum = exactSumOf([0.1, 0.7, 1e-9]);

    expect(addExact(addExact(sum, 0.2), -0.2)).toEqual(sum);
  });

  it('is empty for zero', () => {
    expect(combineExact(exactSumOf([0.3]), exactSumOf([0.3]), -1)).toEqual(ZERO_SUM);
  });

  it('keeps the part of a product that rounding would lose', () => {
    // (1 + 2^-30)^2 = 1 + 2^-29 + 2^-60 exactly; the last term is below a double's precision next to 1.
    const square = addExactProduct(ZERO_SUM, 1 + 2 ** -30, 1 + 2 ** -30);

    expect(square).toEqual([1 + 2 ** -29, 2 ** -60]);
  });

  it('multiplies sums exactly', () => {
    const product = multiplyExact(exactSumOf([1, 2 ** -60]), exactSumOf([3]));

    expect(product).toEqual([3, 3 * 2 ** -60]);
  });

  it.each([
    { terms: [1, -2], sign: -1 },
    { terms: [], sign: 0 },
    { terms: [1e-300, 1], sign: 1 },
  ])('has sign $sign for $terms', ({ terms, sign }) => {
    expect(exactSign(exactSumOf(terms))).toBe(sign);
  });

  it('refuses a term that is not finite', () => {
    expect(() => exactSumOf([1, Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });
});
