import { Rng } from '@tribar/core';
import { describe, expect, it } from 'vitest';
import { buildSequence, buildTabular } from '../src/internal/build.js';
import { classCounts, describeDataset } from '../src/internal/describe.js';
import { sessionIds, windowFits } from '../src/internal/windows.js';
import type { SplitName } from '../src/internal/types.js';
import { BAR_MS, CASE, caseColumns, T0 } from './fixture.js';

describe('sessionIds', () => {
  it('starts a new session only where the step exceeds one bar', () => {
    // Steps: 5, 5, 5, 5, 5, 60 (halt), 5, 5, 5, 5, 5 minutes → one break, before row 6.
    expect([...sessionIds(caseColumns().timestampMs, BAR_MS)]).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    // Exactly one bar (5 min) is not a break; 5 min + 1 ms is.
    expect([...sessionIds([0, BAR_MS, 2 * BAR_MS + 1], BAR_MS)]).toEqual([0, 0, 1]);
  });

  it('refuses timestamps that do not increase, naming the row', () => {
    expect(() => sessionIds([0, BAR_MS, BAR_MS], BAR_MS, 'labels/MES.arrow')).toThrow(/labels\/MES\.arrow, row 3, field 'timestamp'/);
  });
});

describe('buildSequence on the 12-row case, lookback 3', () => {
  const build = (which: SplitName, crossSessions: boolean) =>
    buildSequence({ ...caseColumns(), which, lookback: 3, crossSessions, barMs: BAR_MS });

  it('lists the exact window end rows without crossing sessions', () => {
    // Train runs (same split and session): rows 0–5 and 6–7. Ends with 3 rows behind them in the run:
    // 2, 3, 4, 5 and none in 6–7 (a run of 2). Row 4's label is −99 → dropped. Ends: 2, 3, 5.
    expect([...build('train', false).rowIndex]).toEqual([2, 3, 5]);
    // Val run: rows 9–11 (row 8 purged) → only 11 has 3 rows; row 10 would be excluded anyway (NaN weight).
    expect([...build('val', false).rowIndex]).toEqual([11]);
    expect(build('test', false).rows).toBe(0);
  });

  it('lists the exact window end rows when windows may cross sessions', () => {
    // Train run: rows 0–7 regardless of the halt → ends 2 … 7, minus row 4 (−99): 2, 3, 5, 6, 7.
    // The purge row 8 still breaks windows: val is again only 11.
    expect([...build('train', true).rowIndex]).toEqual([2, 3, 5, 6, 7]);
    expect([...build('val', true).rowIndex]).toEqual([11]);
  });

  it('cuts windows t−2 … t from the features and takes the label, weight, time at t', () => {
    const ds = build('train', true);
    expect(ds.shape).toEqual([3, 2]);
    // Window ending at 5 holds rows 3, 4, 5 (row 4 has an invalid label but is train: allowed as input).
    // Window ending at 6 holds rows 4, 5, 6 across the halt (crossSessions).
    expect([...ds.slice(2, 2)]).toEqual([3, 103, 4, 104, 5, 105, 4, 104, 5, 105, 6, 106]);
    expect([...ds.gather([4, 0])]).toEqual([5, 105, 6, 106, 7, 107, 0, 100, 1, 101, 2, 102]);
    // Labels at 2, 3, 5, 6, 7 are −1, 1, 0, −1, 1 → classes 0, 2, 1, 0, 2.
    expect([...ds.y]).toEqual([0, 2, 1, 0, 2]);
    expect([...ds.weights]).toEqual([2, 1, 3, 1, 1]);
    expect([...ds.timestampMs]).toEqual([10, 15, 25, 85, 90].map((m) => T0 + m * 60_000));
    // gather writes into a caller's buffer (reused across batches) and refuses one too small.
    const out = new Float32Array(2 * 3 * 2 + 1).fill(-1);
    expect(ds.gather([4, 0], out)).toBe(out);
    expect([...out]).toEqual([5, 105, 6, 106, 7, 107, 0, 100, 1, 101, 2, 102, -1]);
    expect(() => ds.gather([4, 0], new Float32Array(11))).toThrow(/out holds 11 values, 2 windows of 3 × 2 need 12/);
    expect(() => ds.slice(4, 2)).toThrow(/outside/);
  });

  it('lookback 1 is the tabular row set', () => {
    const seq = buildSequence({ ...caseColumns(), which: 'train', lookback: 1, barMs: BAR_MS });
    expect([...seq.rowIndex]).toEqual([...buildTabular({ ...caseColumns(), which: 'train' }).rowIndex]);
  });
});

describe('buildTabular on the 12-row case', () => {
  it('puts x in a SharedArrayBuffer, so a worker thread (xgboost, gbdt) reads it without a copy', () => {
    const train = buildTabular({ ...caseColumns(), which: 'train' });
    expect(train.x.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(train.x.length).toBe(train.rows * (train.shape[0] as number));
  });

  it('keeps rows of the split with a class label and a finite non-negative weight', () => {
    // Train (split 0): rows 0–7, minus 1 (weight −1) and 4 (label −99); row 4's weight 0 alone would not drop it.
    const train = buildTabular({ ...caseColumns(), which: 'train' });
    expect([...train.rowIndex]).toEqual([0, 2, 3, 5, 6, 7]);
    expect([...train.y]).toEqual([2, 0, 2, 1, 0, 2]);
    expect([...train.weights]).toEqual([1, 2, 1, 3, 1, 1]);
    // Val: rows 9, 10, 11 minus 10 (NaN weight); weight 0.5 carried.
    const val = buildTabular({ ...caseColumns(), which: 'val' });
    expect([...val.rowIndex]).toEqual([9, 11]);
    expect([...val.weights]).toEqual([1, 0.5]);
    expect(classCounts(train)).toEqual([2, 1, 3]);
  });

  it('copies x row-major as the source values at rowIndex', () => {
    const c = caseColumns();
    const ds = buildTabular({ ...c, which: 'train' });
    expect(ds.shape).toEqual([2]);
    for (let i = 0; i < ds.rows; i++) {
      for (let f = 0; f < 2; f++) expect(ds.x[i * 2 + f]).toBe(c.features[f]?.[ds.rowIndex[i] as number]);
    }
  });

  it('a weight of 0 is kept, a missing feature stays NaN', () => {
    const c = caseColumns();
    c.weight[3] = 0;
    c.features[1]![3] = Number.NaN;
    const ds = buildTabular({ ...c, which: 'train' });
    const at = ds.rowIndex.indexOf(3);
    expect(ds.weights[at]).toBe(0);
    expect(ds.x[at * 2]).toBe(3);
    expect(ds.x[at * 2 + 1]).toBeNaN();
  });

  it('refuses misaligned columns and corrupt labels', () => {
    const c = caseColumns();
    expect(() => buildTabular({ ...c, label: c.label.subarray(1), which: 'train' })).toThrow(
      /column 'label' has 11 rows, timestampMs has 12/,
    );
    const bad = caseColumns();
    bad.label[7] = 2;
    expect(() => buildTabular({ ...bad, which: 'train', source: 'labels/MES.arrow' })).toThrow(
      /labels\/MES\.arrow, row 8, field 'label_h5'/,
    );
    expect(() => buildSequence({ ...c, which: 'train', lookback: 0, barMs: BAR_MS })).toThrow(/lookback must be a positive integer/);
  });

  it('describes a dataset for logs', () => {
    const summary = describeDataset(buildTabular({ ...caseColumns(), which: 'val' }));
    expect(summary).toMatchObject({ rows: 2, classes: { short: 1, neutral: 0, long: 1 }, weightSum: 1.5 });
    expect(summary.first).toBe('2026-01-05T15:40:00.000Z'); // T0 14:00 + 100 min
    expect(summary.last).toBe('2026-01-05T15:50:00.000Z');
    expect(describeDataset(buildTabular({ ...caseColumns(), which: 'test' }))).toMatchObject({ rows: 0, first: null, last: null });
  });
});

describe('property: windows never cross split or session boundaries', () => {
  it('holds for random split codes, gaps and lookbacks, and finds every allowed window', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 60; trial++) {
      const n = rng.int(1, 80);
      const timestampMs = new Float64Array(n);
      const split = new Int8Array(n);
      const label = new Float64Array(n);
      const weight = new Float64Array(n);
      let code = rng.int(-3, 2);
      for (let i = 0; i < n; i++) {
        timestampMs[i] = i === 0 ? 0 : (timestampMs[i - 1] as number) + (rng.next() < 0.15 ? rng.int(2, 20) : 1) * BAR_MS;
        if (rng.next() < 0.1) code = rng.int(-3, 2);
        split[i] = code;
        label[i] = rng.next() < 0.1 ? -99 : rng.int(-1, 1);
        weight[i] = rng.next() < 0.05 ? Number.NaN : rng.uniform(0, 2);
      }
      const lookback = rng.int(1, 6);
      const sessions = sessionIds(timestampMs, BAR_MS);
      const f0 = Float64Array.from({ length: n }, (_, i) => i);
      for (const crossSessions of [false, true]) {
        for (const which of ['train', 'val', 'test'] as const) {
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
          const codeOf = { train: 0, val: 1, test: 2 }[which];
          const expected: number[] = [];
          for (let t = lookback - 1; t < n; t++) {
            let ok = split[t] === codeOf && label[t] !== -99 && Number.isFinite(weight[t] as number);
            for (let r = t - lookback + 1; r <= t && ok; r++) ok = split[r] === codeOf && (crossSessions || sessions[r] === sessions[t]);
            if (ok) expected.push(t);
          }
          expect([...ds.rowIndex]).toEqual(expected);
          const x = ds.slice(0, ds.rows);
          for (let i = 0; i < ds.rows; i++) {
            const t = ds.rowIndex[i] as number;
            for (let k = 0; k < lookback; k++) {
              const r = x[i * lookback + k] as number; // f0 = row index
              expect(r).toBe(t - lookback + 1 + k);
              expect(split[r]).toBe(split[t]);
              if (!crossSessions) expect(sessions[r]).toBe(sessions[t]);
            }
          }
        }
      }
    }
  });

  it('windowFits agrees on a tiny case by hand', () => {
    // Codes 0 0 1 1 1 with lookback 2: runs [0,1] and [2,4] → fits at 1, 3, 4.
    expect([...windowFits({ split: [0, 0, 1, 1, 1], lookback: 2 })]).toEqual([0, 1, 0, 1, 1]);
    expect(CASE.split).toHaveLength(12);
  });
});
