import { calendarCuts } from '@tribar/market';
import { INVALID_LABEL } from '@tribar/quant';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SPLIT_EMBARGOED, SPLIT_INVALID, SPLIT_PURGED, SPLIT_TEST, SPLIT_TRAIN, SPLIT_VAL } from '@tribar/artifacts';
import { assignSplits, countCodes, indicesOf } from '../src/internal/assign.js';

interface Series {
  timestamp: Float64Array;
  label: Float64Array;
  labelEndTime: Float64Array;
  endIndex: Int32Array;
}

/** A random symbol: ascending bar times, labels with some −99, and label windows up to `maxBars` bars. */
const seriesArbitrary = (minLength = 30) =>
  fc
    .record({
      steps: fc.array(fc.integer({ min: 1, max: 5 }), { minLength, maxLength: 250 }),
      origin: fc.integer({ min: 0, max: 50 }),
      maxBars: fc.integer({ min: 0, max: 25 }),
      seed: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 250 }),
    })
    .map(({ steps, origin, maxBars, seed }): Series => {
      const n = steps.length;
      const timestamp = new Float64Array(n);
      let t = origin;
      for (let i = 0; i < n; i++) timestamp[i] = t += steps[i] as number;
      const label = new Float64Array(n);
      const labelEndTime = new Float64Array(n);
      const endIndex = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const r = seed[i % seed.length] as number;
        const end = i + (maxBars === 0 ? 0 : (r * 7 + i) % (maxBars + 1));
        if (end >= n || r % 17 === 0) {
          label[i] = INVALID_LABEL;
          labelEndTime[i] = Number.NaN;
          endIndex[i] = -1;
        } else {
          label[i] = (r % 3) - 1;
          labelEndTime[i] = timestamp[end] as number;
          endIndex[i] = end;
        }
      }
      return { timestamp, label, labelEndTime, endIndex };
    });

const optionsArbitrary = fc.record({ purgeBars: fc.integer({ min: 0, max: 12 }), embargoBars: fc.integer({ min: 0, max: 12 }) });
const ratiosArbitrary = fc
  .record({ train: fc.integer({ min: 20, max: 80 }), val: fc.integer({ min: 5, max: 40 }) })
  .filter(({ train, val }) => train + val < 95)
  .map(({ train, val }) => ({ train: train / 100, val: val / 100, test: (100 - train - val) / 100 }));

const count = (times: Float64Array, cut: number) => times.filter((t) => t < cut).length;

describe('assignSplits', () => {
  it('computes a small case by hand', () => {
    // Ten bars at t = 0…9, cuts at 5 and 8; bar 2's label ends at 6 (reaches val), bar 9 is −99.
    const timestamp = Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const labelEndTime = Float64Array.from([1, 2, 6, 4, 4, 7, 7, 7, 9, Number.NaN]);
    const label = Float64Array.from([1, 0, -1, 1, 0, 1, 1, 0, 1, INVALID_LABEL]);
    const codes = assignSplits({ timestamp, label, labelEndTime }, { trainEnd: 5, valEnd: 8 }, { purgeBars: 1, embargoBars: 1 });
    // bar 2 purged by its window, bar 4 by the 1-bar floor, bar 5 embargoed after the first cut,
    // bar 7 by the floor before the second cut, bar 8 embargoed, bar 9 invalid.
    expect(Array.from(codes)).toEqual([0, 0, -1, 0, -1, -2, 1, -1, -2, -3]);
    expect(countCodes(codes)).toEqual({ train: 3, val: 1, test: 0, purged: 3, embargoed: 2, invalid: 1 });
    expect(Array.from(indicesOf(codes, SPLIT_TRAIN))).toEqual([0, 1, 3]);
    // A duration embargo adds bars within embargoMs of a boundary.
    const timed = assignSplits(
      { timestamp, label, labelEndTime },
      { trainEnd: 5, valEnd: 8 },
      { purgeBars: 0, embargoBars: 0, embargoMs: 2 },
    );
    expect(Array.from(timed)).toEqual([0, 0, -1, 0, 0, -2, -2, 1, -2, -3]);
  });

  it('rejects unsorted times and bad options', () => {
    const w = { timestamp: [0, 2, 1], label: [0, 0, 0], labelEndTime: [0, 2, 1] };
    expect(() => assignSplits(w, { trainEnd: 1, valEnd: 2 }, { purgeBars: 0, embargoBars: 0 })).toThrow(/ascending/);
    const ok = { timestamp: [0, 1, 2], label: [0, 0, 0], labelEndTime: [0, 1, 2] };
    expect(() => assignSplits(ok, { trainEnd: 1, valEnd: 2 }, { purgeBars: -1, embargoBars: 0 })).toThrow(/purgeBars/);
    expect(() => assignSplits(ok, { trainEnd: 2, valEnd: 1 }, { purgeBars: 0, embargoBars: 0 })).toThrow(/after valEnd/);
  });

  it('property: no train or val label window reaches the next split, and the gaps hold', () => {
    fc.assert(
      fc.property(
        fc.array(seriesArbitrary(), { minLength: 1, maxLength: 3 }),
        ratiosArbitrary,
        optionsArbitrary,
        (symbols, ratios, options) => {
          const cuts = calendarCuts(
            symbols.map((s) => s.timestamp),
            ratios,
          );
          let maxTrainEnd = Number.NEGATIVE_INFINITY;
          let minValStart = Number.POSITIVE_INFINITY;
          let maxValEnd = Number.NEGATIVE_INFINITY;
          let minTestStart = Number.POSITIVE_INFINITY;
          for (const s of symbols) {
            const codes = assignSplits(s, cuts, options);
            const trainCount = count(s.timestamp, cuts.trainEnd);
            const valCount = count(s.timestamp, cuts.valEnd);
            for (let i = 0; i < codes.length; i++) {
              const c = codes[i] as number;
              const t = s.timestamp[i] as number;
              const end = s.labelEndTime[i] as number;
              // Invalid labels are exactly the −3 rows.
              expect(c === SPLIT_INVALID).toBe(s.label[i] === INVALID_LABEL);
              if (c === SPLIT_TRAIN) {
                expect(t).toBeLessThan(cuts.trainEnd);
                expect(end).toBeLessThan(cuts.trainEnd);
                maxTrainEnd = Math.max(maxTrainEnd, end);
              } else if (c === SPLIT_VAL) {
                expect(t).toBeGreaterThanOrEqual(cuts.trainEnd);
                expect(end).toBeLessThan(cuts.valEnd);
                minValStart = Math.min(minValStart, t);
                maxValEnd = Math.max(maxValEnd, end);
              } else if (c === SPLIT_TEST) {
                expect(t).toBeGreaterThanOrEqual(cuts.valEnd);
                minTestStart = Math.min(minTestStart, t);
              } else if (c === SPLIT_PURGED) {
                // Every purge has a reason: the window reaches the next boundary, or the bar is in the floor gap.
                const boundary = i < trainCount ? cuts.trainEnd : cuts.valEnd;
                const floor = i < trainCount ? i >= trainCount - options.purgeBars : i < valCount && i >= valCount - options.purgeBars;
                expect(i < valCount && (end >= boundary || floor)).toBe(true);
              } else if (c === SPLIT_EMBARGOED) {
                const afterTrain = i >= trainCount && i < trainCount + options.embargoBars;
                const afterVal = i >= valCount && i < valCount + options.embargoBars;
                expect(afterTrain || afterVal).toBe(true);
              }
            }
            // The purge floor and the embargo: no usable bar within purgeBars before or embargoBars after a cut.
            for (const cut of [trainCount, valCount]) {
              for (let i = Math.max(0, cut - options.purgeBars); i < Math.min(codes.length, cut + options.embargoBars); i++) {
                if (cut === valCount && i < trainCount) continue;
                expect([SPLIT_TRAIN, SPLIT_VAL, SPLIT_TEST]).not.toContain(codes[i]);
              }
            }
            const train = indicesOf(codes, SPLIT_TRAIN);
            const val = indicesOf(codes, SPLIT_VAL);
            const test = indicesOf(codes, SPLIT_TEST);
            if (train.length && val.length)
              expect((val[0] as number) - (train.at(-1) as number)).toBeGreaterThan(options.purgeBars + options.embargoBars);
            if (val.length && test.length)
              expect((test[0] as number) - (val.at(-1) as number)).toBeGreaterThan(options.purgeBars + options.embargoBars);
          }
          // Across symbols too: one calendar cut, so no symbol's train label ends after another's val starts.
          expect(maxTrainEnd).toBeLessThan(minValStart === Number.POSITIVE_INFINITY ? cuts.trainEnd + 1 : minValStart);
          if (minTestStart !== Number.POSITIVE_INFINITY) expect(maxValEnd).toBeLessThan(minTestStart);
        },
      ),
      { numRuns: 300 },
    );
  });
});
