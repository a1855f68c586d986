import { DataError } from '@tribar/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSequence, buildTabular } from '../src/internal/build.js';
import { sessionIds, windowFits } from '../src/internal/windows.js';
import type { SequenceDataset, SplitName } from '../src/internal/types.js';
import { BAR_MS, TWELVE, twelveColumns } from './twelve-rows.js';

const at = (iso: string): number => Date.parse(iso);

/** Every value of every window, compared with the float32 rounding of the source column at that row. */
function expectWindowsFromSource(ds: SequenceDataset, x: Float32Array, columns: readonly ArrayLike<number>[]): void {
  const width = columns.length;
  expect(x).toHaveLength(ds.rows * ds.lookback * width);
  for (let i = 0; i < ds.rows; i++) {
    const first = (ds.rowIndex[i] as number) - ds.lookback + 1;
    for (let k = 0; k < ds.lookback; k++) {
      for (let f = 0; f < width; f++) {
        expect(x[(i * ds.lookback + k) * width + f]).toBe(Math.fround(columns[f]?.[first + k] as number));
      }
    }
  }
}

describe('sessionIds', () => {
  it('breaks at the daily halt, the weekend and a missing bar, not at one-bar steps', () => {
    // A hand-made list: Thursday 21:50, 21:55, the CME halt (22:00–23:00 UTC in January), 23:00, 23:05,
    // then the weekend (the step to Sunday 23:00 stands for it), Sunday 23:05, and 23:15 (the 23:10 bar is missing).
    const times = [
      '2026-01-08T21:50Z',
      '2026-01-08T21:55Z',
      '2026-01-08T23:00Z',
      '2026-01-08T23:05Z',
      '2026-01-11T23:00Z',
      '2026-01-11T23:05Z',
      '2026-01-11T23:15Z',
    ].map(at);
    // Steps (min): 5, 65 (> 5 → +1), 5, 3835 (> 5 → +1), 5, 10 (> 5 → +1).
    expect([...sessionIds(times, BAR_MS)]).toEqual([0, 0, 1, 1, 2, 2, 3]);
    // Every step exactly one bar: one session. One bar plus 1 ms: a break.
    expect([...sessionIds([0, BAR_MS, 2 * BAR_MS, 3 * BAR_MS], BAR_MS)]).toEqual([0, 0, 0, 0]);
    expect([...sessionIds([0, BAR_MS + 1], BAR_MS)]).toEqual([0, 1]);
    expect([...sessionIds([], BAR_MS)]).toEqual([]);
  });

  it('a repeated or backwards timestamp is a DataError naming the file, row and field', () => {
    const repeated = [0, BAR_MS, BAR_MS, 2 * BAR_MS];
    expect(() => sessionIds(repeated, BAR_MS, 'labels/MES.arrow')).toThrow(DataError);
    try {
      sessionIds(repeated, BAR_MS, 'labels/MES.arrow');
    } catch (error) {
      // Row 3 (1-based) repeats row 2.
      expect((error as DataError).location).toEqual({ file: 'labels/MES.arrow', row: 3, field: 'timestamp' });
      expect((error as DataError).message).toMatch(
        /labels\/MES\.arrow, row 3, field 'timestamp': timestamps must increase strictly; row 3 is 0 ms/,
      );
    }
    // Row 4 goes back one bar.
    expect(() => sessionIds([0, BAR_MS, 2 * BAR_MS, BAR_MS], BAR_MS)).toThrow(/row 4 is -300000 ms after the row before/);
    expect(() => sessionIds([0, Number.NaN], BAR_MS)).toThrow(DataError);
  });
});

describe('windowFits on the 12-row case, lookback 3', () => {
  const { split } = TWELVE; // [0,0,0,0,-1,-1,1,1,1,1,2,2]
  const sessions = sessionIds(twelveColumns().timestampMs, BAR_MS); // halt before row 8

  it('splits only: a window fits where the run of equal codes has reached 3 rows', () => {
    expect([...sessions]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    // Run lengths: 1 2 3 4 | 1 2 | 1 2 3 4 | 1 2 → fits where ≥ 3.
    expect([...windowFits({ split, lookback: 3 })]).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0]);
  });

  it('with sessions: the halt restarts the run inside val', () => {
    // Run lengths: 1 2 3 4 | 1 2 | 1 2 | 1 2 | 1 2 → only rows 2 and 3 reach 3.
    expect([...windowFits({ split, lookback: 3, sessions })]).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('lookback 1 fits everywhere; a bad lookback or misaligned sessions is a usage error', () => {
    expect([...windowFits({ split, lookback: 1, sessions })]).toEqual(new Array(12).fill(1));
    expect(() => windowFits({ split, lookback: 2.5 })).toThrow(/lookback must be a positive integer/);
    expect(() => windowFits({ split, lookback: 2, sessions: sessions.subarray(1) })).toThrow(/11 session ids for 12 split codes/);
  });
});

describe('buildSequence on the 12-row case', () => {
  const build = (which: SplitName, lookback: number, crossSessions: boolean) =>
    buildSequence({ ...twelveColumns(), which, lookback, crossSessions, barMs: BAR_MS });

  it('exact window end rows, lookback 3', () => {
    // Train: fits 2, 3; row 2's weight −0.5 drops it → [3]. Val: no fit within a session; across the halt
    // rows 8 and 9 fit. Row 8's window 6, 7, 8 holds row 7 (label −99): allowed inside, never as an end.
    expect([...build('train', 3, false).rowIndex]).toEqual([3]);
    expect([...build('val', 3, false).rowIndex]).toEqual([]);
    expect([...build('test', 3, false).rowIndex]).toEqual([]);
    expect([...build('train', 3, true).rowIndex]).toEqual([3]);
    expect([...build('val', 3, true).rowIndex]).toEqual([8, 9]);
    expect([...build('test', 3, true).rowIndex]).toEqual([]);
  });

  it('exact window end rows, lookback 2', () => {
    // Fits (sessions): 1 2 3 5 7 9 11; without sessions also 8. Candidates: train 0 1 3 (2: weight < 0),
    // val 6 8 9 (7: −99), test 11 (10: NaN weight). Test's window 10, 11 holds the NaN-weight row 10.
    expect([...build('train', 2, false).rowIndex]).toEqual([1, 3]);
    expect([...build('val', 2, false).rowIndex]).toEqual([9]);
    expect([...build('test', 2, false).rowIndex]).toEqual([11]);
    expect([...build('val', 2, true).rowIndex]).toEqual([8, 9]);
  });

  it('y is label + 1, weights and times are those of t', () => {
    const val = build('val', 3, true);
    expect([...val.y]).toEqual([1, 0]); // labels 0, −1 at rows 8, 9
    expect([...val.weights]).toEqual([1.25, 3]);
    expect([...val.timestampMs]).toEqual([twelveColumns().timestampMs[8], twelveColumns().timestampMs[9]]);
    expect(val.shape).toEqual([3, 2]);
    expect(val.crossSessions).toBe(true);
  });

  it('slice and gather return the source values rounded to float32', () => {
    const { features } = twelveColumns();
    const val = build('val', 3, true);
    expectWindowsFromSource(val, val.slice(0, 2), features);
    expectWindowsFromSource(val, val.slice(0, val.rows), features);
    // Window of row 9, first value: f0 of row 7 = 0.7 + 1/3, not exactly a float32.
    expect(val.slice(1, 1)[0]).toBe(Math.fround(0.7 + 1 / 3));
    expect(val.slice(1, 1)[0]).not.toBe(0.7 + 1 / 3);
    // gather in any order equals the windows placed in that order.
    const swapped = val.gather([1, 0]);
    expect([...swapped.subarray(0, 6)]).toEqual([...val.slice(1, 1)]);
    expect([...swapped.subarray(6)]).toEqual([...val.slice(0, 1)]);
    const train = build('train', 2, false);
    expectWindowsFromSource(train, train.gather([0, 1]), features);
    expect(val.slice(0, 0)).toHaveLength(0);
    expect(() => val.gather([2])).toThrow(/window position 2 is outside 0 … 1/);
    expect(() => val.slice(-1, 1)).toThrow(/outside the 2 windows/);
  });
});

describe('buildTabular on the 12-row case', () => {
  it('only the split rows, time order, −99 and bad weights excluded, weights carried, x from the source', () => {
    const c = twelveColumns();
    const expected: Record<SplitName, { rows: number[]; y: number[]; w: number[] }> = {
      train: { rows: [0, 1, 3], y: [2, 1, 2], w: [1, 1, 2] }, // row 2: weight −0.5
      val: { rows: [6, 8, 9], y: [2, 1, 0], w: [1, 1.25, 3] }, // row 7: label −99
      test: { rows: [11], y: [1], w: [0.75] }, // row 10: NaN weight
    };
    for (const which of ['train', 'val', 'test'] as const) {
      const ds = buildTabular({ ...c, which });
      expect([...ds.rowIndex]).toEqual(expected[which].rows);
      expect([...ds.y]).toEqual(expected[which].y);
      expect([...ds.weights]).toEqual(expected[which].w);
      expect([...ds.timestampMs]).toEqual(expected[which].rows.map((r) => c.timestampMs[r]));
      expect(ds.x).toHaveLength(ds.rows * 2);
      for (let i = 0; i < ds.rows; i++) {
        const r = ds.rowIndex[i] as number;
        expect(ds.x[i * 2]).toBe(Math.fround(c.features[0]?.[r] as number));
        expect(ds.x[i * 2 + 1]).toBe(Math.fround(c.features[1]?.[r] as number));
      }
    }
    // A weight that is not exactly a float32 is carried rounded.
    const w = twelveColumns();
    w.weight[0] = 0.1;
    expect(buildTabular({ ...w, which: 'train' }).weights[0]).toBe(Math.fround(0.1));
  });

  it('an infinite weight excludes the row, a weight of 0 keeps it', () => {
    const c = twelveColumns();
    c.weight[0] = Number.POSITIVE_INFINITY;
    c.weight[1] = 0;
    const ds = buildTabular({ ...c, which: 'train' });
    expect([...ds.rowIndex]).toEqual([1, 3]);
    expect([...ds.weights]).toEqual([0, 2]);
  });
});

describe('property (fast-check): windows are sound and complete', () => {
  const MAX = 90;
  const scenario = fc.record({
    segments: fc.array(fc.record({ code: fc.integer({ min: -3, max: 2 }), length: fc.integer({ min: 1, max: 18 }) }), {
      minLength: 1,
      maxLength: 8,
    }),
    // Bars since the previous row: mostly adjacent, sometimes a missing bar, a halt (13 bars) or a weekend.
    steps: fc.array(fc.constantFrom(1, 1, 1, 1, 1, 1, 1, 2, 13, 803), { minLength: MAX, maxLength: MAX }),
    labels: fc.array(fc.constantFrom(-1, 0, 1, -99), { minLength: MAX, maxLength: MAX }),
    weights: fc.array(fc.oneof(fc.double({ min: 0, max: 3, noNaN: true }), fc.constantFrom(Number.NaN, -1, 0, Number.POSITIVE_INFINITY)), {
      minLength: MAX,
      maxLength: MAX,
    }),
    lookback: fc.integer({ min: 1, max: 8 }),
    crossSessions: fc.boolean(),
    which: fc.constantFrom<SplitName>('train', 'val', 'test'),
  });

  it('every window stays in t’s split and session; every allowed t with a valid label is an end', () => {
    fc.assert(
      fc.property(scenario, ({ segments, steps, labels, weights, lookback, crossSessions, which }) => {
        const codes = segments.flatMap(({ code, length }) => new Array<number>(length).fill(code)).slice(0, MAX);
        const n = codes.length;
        const timestampMs = new Float64Array(n);
        // Sessions worked out here from the steps, independently of sessionIds.
        const session = new Int32Array(n);
        for (let i = 1; i < n; i++) {
          const step = steps[i] as number;
          timestampMs[i] = (timestampMs[i - 1] as number) + step * BAR_MS;
          session[i] = (session[i - 1] as number) + (step > 1 ? 1 : 0);
        }
        const label = Float64Array.from(labels.slice(0, n));
        const weight = Float64Array.from(weights.slice(0, n));
        const split = Int8Array.from(codes);
        const f0 = Float64Array.from({ length: n }, (_, r) => r + 0.1); // names its row, not float32-exact
        const ds = buildSequence({
          features: [f0],
          featureNames: ['f0'],
          label,
          weight,
          split,
          timestampMs,
          which,
          symbol: 'X',
          horizon: 1,
          lookback,
          crossSessions,
          barMs: BAR_MS,
        });
        const code = { train: 0, val: 1, test: 2 }[which];
        const usable = (t: number) =>
          split[t] === code && label[t] !== -99 && Number.isFinite(weight[t] as number) && (weight[t] as number) >= 0;
        const windowOk = (t: number) => {
          if (t - lookback + 1 < 0) return false;
          for (let r = t - lookback + 1; r <= t; r++) {
            if (split[r] !== split[t] || (!crossSessions && session[r] !== session[t])) return false;
          }
          return true;
        };
        const x = ds.slice(0, ds.rows);
        // Soundness: each end is usable, its window allowed, its values the source rows t−lookback+1 … t.
        for (let i = 0; i < ds.rows; i++) {
          const t = ds.rowIndex[i] as number;
          expect(usable(t) && windowOk(t)).toBe(true);
          if (i > 0) expect(t).toBeGreaterThan(ds.rowIndex[i - 1] as number);
          expect(ds.y[i]).toBe((label[t] as number) + 1);
          expect(ds.weights[i]).toBe(Math.fround(weight[t] as number));
          for (let k = 0; k < lookback; k++) expect(x[i * lookback + k]).toBe(Math.fround(t - lookback + 1 + k + 0.1));
        }
        // Completeness: no usable, allowed t is missing.
        let allowed = 0;
        for (let t = 0; t < n; t++) if (usable(t) && windowOk(t)) allowed++;
        expect(ds.rows).toBe(allowed);
      }),
      { numRuns: 150, seed: 20261123 },
    );
  });
});
