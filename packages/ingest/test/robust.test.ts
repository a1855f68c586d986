import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { medianInPlace } from '../src/internal/clean/robust.js';

const sortedMedian = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : 0.5 * (sorted[middle - 1]! + sorted[middle]!);
};

describe('medianInPlace (quickselect)', () => {
  it('agrees with sorting on random arrays, ties and all', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.integer({ min: -5, max: 5 }).map((x) => x / 4),
          { minLength: 1, maxLength: 200 },
        ),
        (values) => {
          const scratch = Float64Array.from([...values, 99, 99]); // trailing junk beyond `size` is ignored
          expect(medianInPlace(scratch, values.length)).toBe(sortedMedian(values));
        },
      ),
    );
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 300 }), (values) => {
        // `===` on purpose: −0 and +0 are the same median.
        expect(medianInPlace(Float64Array.from(values), values.length) === sortedMedian(values)).toBe(true);
      }),
    );
  });

  it('knows small cases and the empty one', () => {
    expect(medianInPlace(Float64Array.from([3, 1, 2]), 3)).toBe(2);
    expect(medianInPlace(Float64Array.from([4, 1, 3, 2]), 4)).toBe(2.5);
    expect(medianInPlace(new Float64Array(0), 0)).toBeNaN();
  });
});
