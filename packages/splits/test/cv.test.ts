import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assembleCpcvPaths,
  binomial,
  combinatorialPurgedCV,
  cpcvPaths,
  purgedKFold,
  walkForward,
  type CvSplit,
  type SampleWindows,
} from '../src/internal/cv.js';

// Twenty samples at t = 0…19 with label windows [i, end[i]] of 0–3 bars.
const start = Array.from({ length: 20 }, (_, i) => i);
const end = [1, 3, 2, 5, 4, 6, 8, 7, 9, 12, 10, 11, 13, 15, 14, 16, 18, 17, 19, 19];
const twenty: SampleWindows = { start, end };
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const plain = (split: CvSplit) => ({
  train: Array.from(split.train),
  test: Array.from(split.test),
  purged: Array.from(split.purged),
  embargoed: Array.from(split.embargoed),
});

describe('purgedKFold', () => {
  it('matches the 20-sample example computed by hand (k = 5, embargo 1)', () => {
    const folds = purgedKFold(twenty, { folds: 5, embargo: 1 }).map(plain);
    expect(folds).toEqual([
      // test 0–3 spans [0, 5]: 4 and 5 start inside it; 6 is the first sample after it (embargo).
      { test: [0, 1, 2, 3], purged: [4, 5], embargoed: [6], train: range(7, 20) },
      // test 4–7 spans [4, 8]: 3 ends at 5 (inside), 8 starts at 8; embargo 9.
      { test: [4, 5, 6, 7], purged: [3, 8], embargoed: [9], train: [0, 1, 2, ...range(10, 20)] },
      // test 8–11 spans [8, 12]: 6 ends at 8, 12 starts at 12; embargo 13.
      { test: [8, 9, 10, 11], purged: [6, 12], embargoed: [13], train: [...range(0, 6), 7, ...range(14, 20)] },
      // test 12–15 spans [12, 16]: 9 ends at 12, 16 starts at 16; embargo 17.
      { test: [12, 13, 14, 15], purged: [9, 16], embargoed: [17], train: [...range(0, 9), 10, 11, 18, 19] },
      // test 16–19 spans [16, 19]: 15 ends at 16; nothing follows.
      { test: [16, 17, 18, 19], purged: [15], embargoed: [], train: range(0, 15) },
    ]);
  });

  it('splits unevenly sized folds with the first ones one larger, and rejects bad input', () => {
    const folds = purgedKFold({ start: range(0, 7), end: range(0, 7) }, { folds: 3 });
    expect(folds.map((f) => Array.from(f.test))).toEqual([
      [0, 1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(() => purgedKFold(twenty, { folds: 1 })).toThrow(/folds/);
    expect(() => purgedKFold({ start: [0, 1], end: [0, 0] }, { folds: 2 })).toThrow(/ends/);
    expect(() => purgedKFold({ start: [1, 0], end: [1, 1] }, { folds: 2 })).toThrow(/ascending/);
  });
});

describe('walkForward', () => {
  it('expanding: test windows of 4 after 8 train samples, purged by label window', () => {
    const folds = walkForward(twenty, { trainSize: 8, testSize: 4, mode: 'expanding' }).map(plain);
    expect(folds.map((f) => f.test)).toEqual([range(8, 12), range(12, 16), range(16, 20)]);
    // Sample 6's label ends at 8, the first test start.
    expect(folds[0]).toMatchObject({ train: [0, 1, 2, 3, 4, 5, 7], purged: [6] });
    expect(folds[2]).toMatchObject({ train: [...range(0, 15)], purged: [15] });
  });

  it('rolling with a gap keeps trainSize samples ending gap samples before the test', () => {
    const folds = walkForward(twenty, { trainSize: 6, testSize: 3, gap: 2, mode: 'rolling', folds: 2 }).map(plain);
    expect(folds).toEqual([
      { train: range(0, 6), test: [8, 9, 10], purged: [], embargoed: [] },
      // Train 3–8, test from 11: sample 9 is in the gap; 8 ends at 9 < 11.
      { train: range(3, 9), test: [11, 12, 13], purged: [], embargoed: [] },
    ]);
    expect(() => walkForward(twenty, { trainSize: 18, testSize: 4, mode: 'rolling' })).toThrow(/too few/);
  });
});

describe('combinatorialPurgedCV', () => {
  it('N = 6, k = 2: C(6,2) = 15 splits and φ = 15·2/6 = 5 paths covering every group once', () => {
    const windows = { start: range(0, 60), end: range(0, 60).map((i) => Math.min(59, i + 2)) };
    const splits = combinatorialPurgedCV(windows, { groups: 6, testGroups: 2, embargo: 1 });
    expect(splits).toHaveLength(15);
    expect(binomial(6, 2)).toBe(15);
    expect(splits[0]?.testGroups).toEqual([0, 1]);
    expect(splits[14]?.testGroups).toEqual([4, 5]);
    // Groups of 10; split {0, 2}: test 0–9 and 20–29; 10, 11 reach [0, 11] (start ≤ 11) and 18, 19 end ≥ 20.
    const split02 = splits.find((s) => s.testGroups.join() === '0,2') as CvSplit;
    expect(Array.from(split02.purged)).toEqual([10, 11, 18, 19, 30, 31]);
    expect(Array.from(split02.embargoed)).toEqual([12, 32]);
    const paths = cpcvPaths(6, 2);
    expect(paths).toHaveLength(5);
    const used = new Set<string>();
    for (const path of paths) {
      expect(path).toHaveLength(6);
      path.forEach((split, group) => {
        expect(splits[split]?.testGroups).toContain(group);
        used.add(`${split}:${group}`);
      });
    }
    // Every (split, test group) pair feeds exactly one path: 15 splits × 2 groups = 5 paths × 6 groups.
    expect(used.size).toBe(30);
    expect(paths[0]).toEqual([0, 0, 1, 2, 3, 4]);
    // At sample level: every sample of every path is predicted by a split that tested it.
    const assembled = assembleCpcvPaths(60, 6, 2);
    expect(assembled).toHaveLength(5);
    for (const splitOf of assembled) splitOf.forEach((split, i) => expect(Array.from(splits[split]?.test ?? [])).toContain(i));
  });

  it('counts C(N,k) splits and C(N-1,k-1) paths for other N and k', () => {
    for (const [n, k] of [
      [5, 1],
      [8, 3],
      [10, 2],
    ] as const) {
      expect(cpcvPaths(n, k)).toHaveLength(binomial(n - 1, k - 1));
      expect(combinatorialPurgedCV({ start: range(0, 40), end: range(0, 40) }, { groups: n, testGroups: k })).toHaveLength(binomial(n, k));
    }
    expect(() => cpcvPaths(6, 6)).toThrow(/testGroups/);
  });
});

/** Random sorted windows: starts ascending (with ties), ends 0–maxLen later. */
const windowsArbitrary = fc
  .array(fc.record({ step: fc.integer({ min: 0, max: 3 }), len: fc.integer({ min: 0, max: 10 }) }), { minLength: 12, maxLength: 120 })
  .map((rows) => {
    let t = 0;
    const s: number[] = [];
    const e: number[] = [];
    for (const { step, len } of rows) {
      t += step;
      s.push(t);
      e.push(t + len);
    }
    return { start: s, end: e };
  });

function expectClean(windows: SampleWindows, split: CvSplit, embargo: number): void {
  const test = Array.from(split.test);
  const all = [...split.train, ...split.test, ...split.purged, ...split.embargoed].sort((a, b) => a - b);
  expect(all).toEqual(range(0, windows.start.length));
  // Contiguous test blocks and their spans.
  const blocks: Array<[number, number]> = [];
  for (const i of test) {
    const last = blocks.at(-1);
    if (last && last[1] === i - 1) last[1] = i;
    else blocks.push([i, i]);
  }
  for (const [from, to] of blocks) {
    const spanStart = windows.start[from] as number;
    let spanEnd = -Infinity;
    for (let i = from; i <= to; i++) spanEnd = Math.max(spanEnd, windows.end[i] as number);
    for (const j of split.train) {
      const overlaps = (windows.start[j] as number) <= spanEnd && (windows.end[j] as number) >= spanStart;
      expect(overlaps).toBe(false);
    }
    // The first `embargo` samples starting after the span (up to the next test block) are not train.
    let left = embargo;
    for (let t = to + 1; t < windows.start.length && left > 0; t++) {
      if ((windows.start[t] as number) <= spanEnd) continue;
      if (test.includes(t)) break;
      expect(Array.from(split.train)).not.toContain(t);
      left--;
    }
  }
}

describe('properties over random label windows', () => {
  it('purged k-fold and CPCV: no train window overlaps a test span; embargo gaps hold', () => {
    fc.assert(
      fc.property(windowsArbitrary, fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 4 }), (windows, k, embargo) => {
        for (const split of purgedKFold(windows, { folds: k, embargo })) expectClean(windows, split, embargo);
        const groups = Math.max(3, k);
        for (const split of combinatorialPurgedCV(windows, { groups, testGroups: 2, embargo })) expectClean(windows, split, embargo);
      }),
      { numRuns: 150 },
    );
  });

  it('walk-forward: every train label ends before its test window starts', () => {
    fc.assert(
      fc.property(
        windowsArbitrary,
        fc.constantFrom('expanding', 'rolling') as fc.Arbitrary<'expanding' | 'rolling'>,
        fc.integer({ min: 0, max: 3 }),
        (windows, mode, gap) => {
          for (const split of walkForward(windows, { trainSize: 5, testSize: 3, gap, mode })) {
            const first = windows.start[split.test[0] as number] as number;
            for (const j of split.train) expect(windows.end[j] as number).toBeLessThan(first);
            expect((split.test[0] as number) - (split.train.at(-1) ?? -Infinity)).toBeGreaterThan(gap);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
