import { describe, expect, it } from 'vitest';
import {
  kontoyiannis,
  lempelZiv,
  pluginEntropy,
  quantileCodes,
  shannonEntropy,
  sigmaCodes,
  slideSorted,
  tickRuleCodes,
} from '../src/internal/kernels/entropy.js';

const message = Int32Array.from('11100001', Number);

describe('AFML ch. 18 entropy estimators (known answers)', () => {
  it('Shannon entropy of 11100001 is 1.0 bit', () => {
    expect(shannonEntropy(message, 0, 8, 2)).toBe(1);
    expect(shannonEntropy(Int32Array.from([0, 0, 0, 0]), 0, 4, 2)).toBe(0);
    // p = ¼ each of four symbols: 2 bits.
    expect(shannonEntropy(Int32Array.from([0, 1, 2, 3]), 0, 4, 4)).toBe(2);
  });

  it('Lempel–Ziv of 11100001 is 0.625 (library 1 | 11 | 0 | 00 | 01)', () => {
    expect(lempelZiv(message, 0, 8, 2, new Int32Array(18))).toBe(0.625);
    // 0 | 1 | 01 | 10 | 1 (a seen phrase, not added): library of 4 over 7 symbols.
    expect(lempelZiv(Int32Array.from([0, 1, 0, 1, 1, 0, 1]), 0, 7, 2, new Int32Array(16))).toBeCloseTo(4 / 7, 15);
  });

  it('plug-in entropy rate counts the book’s n − w words', () => {
    // w = 1: words 1,1,1,0,0,0,0 (the last symbol is not a word in pmf1): H(3/7, 4/7) = 0.985228.
    expect(pluginEntropy(message, 0, 8, 1, 2, new Float64Array(8))).toBeCloseTo(0.9852281360342515, 14);
    // w = 2: 11, 11, 10, 00, 00, 00 → H(1/3, 1/6, 1/2) / 2.
    const h = -((1 / 3) * Math.log2(1 / 3) + (1 / 6) * Math.log2(1 / 6) + 0.5 * Math.log2(0.5)) / 2;
    expect(pluginEntropy(message, 0, 8, 2, 2, new Float64Array(8))).toBeCloseTo(h, 14);
    expect(pluginEntropy(message, 0, 2, 2, 2, new Float64Array(8))).toBeNaN();
    // A word space over the table size (300² words) is counted by sorting: words (0 299), (299 0), (0 299).
    const wide = Int32Array.from([0, 299, 0, 299, 5]);
    const h23 = -((2 / 3) * Math.log2(2 / 3) + (1 / 3) * Math.log2(1 / 3)) / 2;
    expect(pluginEntropy(wide, 0, 5, 2, 300, new Float64Array(5))).toBeCloseTo(h23, 15);
    // The table path gives the same on a small alphabet (and leaves the table clean for the next call).
    expect(pluginEntropy(Int32Array.from([0, 2, 0, 2, 1]), 0, 5, 2, 3, new Float64Array(5))).toBeCloseTo(h23, 15);
    expect(pluginEntropy(Int32Array.from([0, 2, 0, 2, 1]), 0, 5, 2, 3, new Float64Array(5))).toBeCloseTo(h23, 15);
  });

  it('Kontoyiannis (expanding window) of 11100001', () => {
    // i = 1: match "1" → L 2; i = 2: "1" → 2; i = 3: "0" unseen → 1; i = 4: "000" (overlapping) → 4.
    const h = (Math.log2(2) / 2 + Math.log2(3) / 2 + Math.log2(4) / 1 + Math.log2(5) / 4) / 4;
    expect(kontoyiannis(message, 0, 8)).toBeCloseTo(h, 15);
    expect(h).toBeCloseTo(0.9682408185206046, 15);
    expect(kontoyiannis(message, 0, 1)).toBeNaN();
  });

  it('reads only msg[from … to)', () => {
    const padded = Int32Array.from([0, 0, ...message, 1, 1]);
    expect(lempelZiv(padded, 2, 10, 2, new Int32Array(18))).toBe(0.625);
    expect(kontoyiannis(padded, 2, 10)).toBeCloseTo(0.9682408185206046, 15);
    expect(shannonEntropy(padded, 2, 10, 2)).toBe(1);
  });
});

describe('AFML § 18.5 encodings', () => {
  it('tick rule: changes [−1, 1, 0, 0] → b = [−1, 1, 1, 1], coded [0, 1, 1, 1]', () => {
    expect(Array.from(tickRuleCodes([-1, 1, 0, 0]))).toEqual([0, 1, 1, 1]);
    // Undefined (−1) until the first non-zero change.
    expect(Array.from(tickRuleCodes([0, Number.NaN, 0, -2, 0]))).toEqual([-1, -1, -1, 0, 0]);
  });

  it('quantile codes split the window by rank', () => {
    const out = new Int32Array(4);
    // Sorted −1, 0.1, 0.5, 2; values below each: 0.5 → 2, −1 → 0, 2 → 3, 0.1 → 1; ⌊2·below/4⌋.
    expect(quantileCodes(Float64Array.from([9, 0.5, -1, 2, 0.1]), 1, 5, 2, out, Float64Array.from([-1, 0.1, 0.5, 2]))).toBe(2);
    expect(Array.from(out)).toEqual([1, 0, 1, 0]);
  });

  it('slides a sorted window by one removal and one insertion', () => {
    const sorted = Float64Array.from([-1, 0.1, 0.5, 2]);
    slideSorted(sorted, 4, 0.1, 3);
    expect(Array.from(sorted)).toEqual([-1, 0.5, 2, 3]);
    slideSorted(sorted, 4, 3, -5);
    expect(Array.from(sorted)).toEqual([-5, -1, 0.5, 2]);
    slideSorted(sorted, 4, 0.5, 0.5);
    expect(Array.from(sorted)).toEqual([-5, -1, 0.5, 2]);
  });

  it('sigma codes step by a share of the window std', () => {
    const out = new Int32Array(4);
    // std(0, 1, 2, 3) = √(5/3) = 1.29099: codes ⌊x / 1.29099⌋ = 0, 0, 1, 2.
    expect(sigmaCodes(Float64Array.from([0, 1, 2, 3]), 0, 4, 1, out)).toBe(3);
    expect(Array.from(out)).toEqual([0, 0, 1, 2]);
    expect(sigmaCodes(Float64Array.from([5, 5, 5]), 0, 3, 1, out)).toBe(1);
  });
});
