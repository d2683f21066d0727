// Folding a batch column by column (absorbBatch) leaves exactly the profile folding its events one by one gives,
// on random events of every kind of value: nulls, wrong types, values out of range or too large for statistics,
// magnitudes wide enough to collapse the sketch, unseen categories; adding and taking back out.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addTermsExactInPlace, exactSumOf } from '../../shared/metrics/exact-sum.js';
import { absorbBatch, absorbChanges, absorbEvent, emptyProfile } from '../../shared/metrics/profile.js';
import type { MonitorSpec } from '../../shared/metrics/spec.js';
import { type FixtureCase, loadFixture, profileOf, specOf } from './fixtures.js';

type Values = Record<string, unknown>;

const cases: Array<{ family: string; fixture: FixtureCase }> = [
  { family: 'binary', fixture: loadFixture('binary')[0] as FixtureCase },
  { family: 'multiclass', fixture: loadFixture('multiclass')[0] as FixtureCase },
  { family: 'regression', fixture: loadFixture('regression')[0] as FixtureCase },
  { family: 'integrity', fixture: loadFixture('integrity')[0] as FixtureCase },
  { family: 'numeric drift', fixture: loadFixture('drift')[0] as FixtureCase },
  { family: 'category drift', fixture: loadFixture('drift')[4] as FixtureCase },
];

/** Any value an event may hold for a column: the fixture's own values and every awkward kind besides. */
function anyValueOf(fixture: FixtureCase, column: string): fc.Arbitrary<unknown> {
  const seen = fixture.events.map((event) => event[column]).filter((value) => value !== undefined);
  return fc.oneof(
    { weight: 4, arbitrary: seen.length > 0 ? fc.constantFrom(...seen) : fc.constant(null) },
    { weight: 2, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
    { weight: 1, arbitrary: fc.integer({ min: -20, max: 20 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        null,
        undefined,
        'unseen',
        true,
        false,
        0,
        -0,
        1,
        1e-200,
        -1e-200,
        1e150,
        1e90,
      ),
    },
  );
}

function eventsOf(fixture: FixtureCase, spec: MonitorSpec): fc.Arbitrary<Values[]> {
  const names = [...spec.columns.map((column) => column.name), ...(spec.target ? [spec.target] : [])];
  const event = fc.record(Object.fromEntries(names.map((name) => [name, anyValueOf(fixture, name)])));
  return fc.array(event, { maxLength: 60 });
}

describe.each(cases)('a batch of $family events', ({ fixture }) => {
  const spec = specOf(fixture);
  const events = eventsOf(fixture, spec);

  it('adds exactly what adding its events one by one adds', () => {
    fc.assert(
      fc.property(events, events, (before, batch) => {
        const batched = profileOf(spec, before);
        const oneByOne = profileOf(spec, before);

        absorbBatch(batched, spec, batch, 1);
        for (const event of batch) absorbEvent(oneByOne, spec, event, 1);

        expect(batched).toEqual(oneByOne);
      }),
      { numRuns: 150 },
    );
  });

  it('takes out exactly what taking its events out one by one takes, added before or not', () => {
    fc.assert(
      fc.property(events, events, fc.boolean(), (kept, batch, added) => {
        const batched = profileOf(spec, added ? [...kept, ...batch] : kept);
        const oneByOne = structuredClone(batched);

        absorbBatch(batched, spec, batch, -1);
        for (const event of batch) absorbEvent(oneByOne, spec, event, -1);

        expect(batched).toEqual(oneByOne);
      }),
      { numRuns: 150 },
    );
  });

  it('folds inserts and updates in order as absorbEvent change by change does', () => {
    const change = fc.record({
      replaces: fc.option(fc.nat({ max: 59 }), { nil: undefined }),
      index: fc.option(fc.nat({ max: 59 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(events, fc.array(change, { maxLength: 40 }), (pool, picks) => {
        fc.pre(pool.length > 0);
        const image = (index: number) => pool[index % pool.length] as Values;
        const changes = picks.map(({ replaces, index }) => ({
          old_values: replaces === undefined ? null : image(replaces),
          new_values: index === undefined ? null : image(index),
        }));
        const folded = emptyProfile(spec);
        const oneByOne = emptyProfile(spec);

        absorbChanges(folded, spec, changes);
        for (const { old_values, new_values } of changes) {
          if (old_values) absorbEvent(oneByOne, spec, old_values, -1);
          if (new_values) absorbEvent(oneByOne, spec, new_values, 1);
        }

        expect(folded).toEqual(oneByOne);
      }),
      { numRuns: 100 },
    );
  });

  it('is left exactly empty once every batch is taken back out', () => {
    fc.assert(
      fc.property(events, events, (first, second) => {
        const profile = emptyProfile(spec);
        absorbBatch(profile, spec, first, 1);
        absorbBatch(profile, spec, second, 1);

        absorbBatch(profile, spec, second, -1);
        absorbBatch(profile, spec, first, -1);

        expect(profile).toEqual(emptyProfile(spec));
      }),
      { numRuns: 50 },
    );
  });
});

describe('adding many terms to an exact sum at once', () => {
  const term = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e200, max: 1e200 }),
    fc.double({ min: -1, max: 1, noNaN: true }),
    fc.constantFrom(0, -0, 1e-300, 0.1, 0.2, 0.3, 2 ** 53, 1),
  );

  it('equals the exact sum of every term, whatever the terms', () => {
    fc.assert(
      fc.property(fc.array(term, { maxLength: 8 }), fc.array(term, { maxLength: 40 }), (start, terms) => {
        const sum = exactSumOf(start);

        addTermsExactInPlace(sum, Float64Array.from(terms), terms.length);

        expect(sum).toEqual(exactSumOf([...start, ...terms]));
      }),
      { numRuns: 3000 },
    );
  });
});
