import { Rng } from '@tribar/core';
import { describe, expect, it } from 'vitest';
import { sortFloat64 } from '../src/radix-sort.js';

/** Bit for bit (−0 and +0 told apart): Object.is on every element. */
const sameBits = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe('sortFloat64', () => {
  it('equals Float64Array.prototype.sort to the bit on every kind of input and length', () => {
    const rng = new Rng(11);
    for (const n of [1, 2, 3, 17, 2_047, 20_000]) {
      const inputs: Float64Array[] = [
        Float64Array.from({ length: n }, () => rng.normal(0, 1)),
        Float64Array.from({ length: n }, () => 5000 + Math.round(rng.normal(0, 400)) / 4), // prices on a tick grid
        Float64Array.from({ length: n }, () => rng.int(-3, 3)), // heavy ties
        Float64Array.from({ length: n }, (_, i) => (i % 2 ? -0 : 0)), // signed zeros
        Float64Array.from({ length: n }, (_, i) => [Infinity, -Infinity, Number.MAX_VALUE, -Number.MIN_VALUE, 5e-324, 1e308][i % 6]!),
        Float64Array.from({ length: n }, () => rng.normal(0, 1) * 10 ** rng.int(-300, 300)), // every exponent
        Float64Array.from({ length: n }, (_, i) => i), // sorted
        Float64Array.from({ length: n }, (_, i) => -i), // reversed
        Float64Array.from({ length: n }, () => 7.25), // one value: every pass skipped
      ];
      for (const input of inputs) {
        const copy = Float64Array.from(input);
        expect(sameBits(sortFloat64(input), Float64Array.from(input).sort())).toBe(true);
        // Into a scratch buffer used before (stale words in it) and longer than needed: the same answer, inside it.
        const scratch = new Uint32Array(4 * n + 6).fill(0xdeadbeef);
        const inScratch = sortFloat64(input, scratch);
        expect(inScratch.buffer).toBe(scratch.buffer);
        expect(sameBits(inScratch, Float64Array.from(input).sort())).toBe(true);
        expect(sameBits(input, copy)).toBe(true); // the input is left as it was
      }
    }
  });

  it('refuses a scratch buffer shorter than 4·n words', () => {
    expect(() => sortFloat64(Float64Array.from([1, 2]), new Uint32Array(7))).toThrow(/scratch holds 7 words, 8 needed/);
  });

  it('hand-checked small cases, and the empty array', () => {
    expect([...sortFloat64(Float64Array.from([3, -1, 0, -0, 2.5, -7]))]).toEqual([-7, -1, -0, 0, 2.5, 3]);
    expect(Object.is(sortFloat64(Float64Array.from([0, -0]))[0], -0)).toBe(true);
    expect(sortFloat64(new Float64Array(0))).toHaveLength(0);
  });
});
