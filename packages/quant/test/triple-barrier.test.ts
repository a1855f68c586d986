import { describe, expect, it } from 'vitest';
import {
  INVALID_LABEL,
  TOUCH_BOTH,
  allocateTripleBarrierResult,
  tripleBarrier,
  tripleBarrierInto,
  type TripleBarrierInput,
} from '../src/index.js';

import { Rng } from '@tribar/core';
/** Bars from [open, high, low, close] rows and one ATR for all of them. */
function series(rows: [number, number, number, number][], atr: number | number[] = 2): TripleBarrierInput {
  const column = (index: number) => Float64Array.from(rows, (row) => row[index] as number);
  return {
    open: column(0),
    high: column(1),
    low: column(2),
    close: column(3),
    atr: Float64Array.from(rows, (_, i) => (Array.isArray(atr) ? (atr[i] as number) : atr)),
    timestamp: Float64Array.from(rows, (_, i) => 1_000 + i * 300_000),
  };
}

// Entry 100, ATR 2, kUp 2, kDown 2 → upper 104, lower 96.
const flat: [number, number, number, number] = [100, 100.5, 99.5, 100];

describe('tripleBarrier: the original kernel cases', () => {
  it('labels +1 when the high reaches the upper barrier first, excursions include the hitting bar', () => {
    const input = series([flat, [100, 103, 98, 101], [101, 104, 99, 103.5], flat, flat, flat]);
    const r = tripleBarrier(input, { kUp: 2, kDown: 2, maxBars: 3 });
    expect(r.label[0]).toBe(1);
    expect(r.touchType[0]).toBe(1);
    expect(r.barsToHit[0]).toBe(2);
    expect(r.mfe[0]).toBeCloseTo(0.04, 15);
    expect(r.mae[0]).toBeCloseTo(-0.02, 15);
    expect(r.endIndex[0]).toBe(2);
    expect(r.endTime[0]).toBe(1_000 + 2 * 300_000);
    expect(r.forwardReturn[0]).toBeCloseTo(0.035, 15);
  });

  it('labels −1 when the low reaches the lower barrier first (touching counts: low ≤ lower)', () => {
    const input = series([flat, [100, 101, 97, 98], [98, 99, 96, 96.5], flat, flat]);
    const r = tripleBarrier(input, { kUp: 2, kDown: 2, maxBars: 2 });
    expect(r.label[0]).toBe(-1);
    expect(r.touchType[0]).toBe(-1);
    expect(r.barsToHit[0]).toBe(2);
    expect(r.mae[0]).toBeCloseTo(-0.04, 15);
    expect(r.mfe[0]).toBeCloseTo(0.01, 15);
    expect(r.forwardReturn[0]).toBeCloseTo(-0.035, 15);
  });

  it('gives 0 on timeout with barsToHit = maxBars and the excursions of the whole window', () => {
    const input = series([flat, [100, 103, 99, 101], [101, 102, 97, 98], [98, 99, 97.5, 99], flat]);
    const r = tripleBarrier(input, { kUp: 2, kDown: 2, maxBars: 3 });
    expect(r.label[0]).toBe(0);
    expect(r.touchType[0]).toBe(0);
    expect(r.barsToHit[0]).toBe(3);
    expect(r.mfe[0]).toBeCloseTo(0.03, 15);
    expect(r.mae[0]).toBeCloseTo(-0.03, 15);
    expect(r.endIndex[0]).toBe(3);
    expect(r.forwardReturn[0]).toBeCloseTo(-0.01, 15);
  });

  it('gives 0 with barsToHit = maxBars and zero excursions for NaN or zero ATR (as the original)', () => {
    const input = series([flat, flat, [100, 110, 90, 100], flat, flat, flat], [NaN, 0, -1, 2, 2, 2]);
    const r = tripleBarrier(input, { kUp: 1, kDown: 1, maxBars: 2 });
    for (const i of [0, 1, 2]) {
      expect(r.label[i]).toBe(0);
      expect(r.barsToHit[i]).toBe(2);
      expect(r.mae[i]).toBe(0);
      expect(r.mfe[i]).toBe(0);
      expect(r.touchType[i]).toBe(0);
      expect(r.endIndex[i]).toBe(i + 2);
    }
  });

  it('marks the last maxBars rows (and so the last bar) −99 with zeroed outputs', () => {
    const input = series([flat, flat, flat, flat, flat, flat]);
    const r = tripleBarrier(input, { kUp: 2, kDown: 1, maxBars: 2 });
    expect(Array.from(r.label)).toEqual([0, 0, 0, 0, INVALID_LABEL, INVALID_LABEL]);
    expect(Array.from(r.barsToHit)).toEqual([2, 2, 2, 2, 0, 0]);
    expect(Array.from(r.endIndex)).toEqual([2, 3, 4, 5, -1, -1]);
    expect(r.forwardReturn[5]).toBeNaN();
    expect(r.endTime[4]).toBeNaN();
    expect(r.mae[5]).toBe(0);
    const short = tripleBarrier(series([flat, flat]), { kUp: 2, kDown: 1, maxBars: 5 });
    expect(Array.from(short.label)).toEqual([INVALID_LABEL, INVALID_LABEL]);
    expect(tripleBarrier(series([]), { kUp: 2, kDown: 1, maxBars: 5 }).label.length).toBe(0);
  });

  it('decides a same-bar double touch by the barrier nearer the open: open 102, upper 104, lower 96 → +1', () => {
    const input = series([flat, [102, 105, 95, 100], flat, flat]);
    const r = tripleBarrier(input, { kUp: 2, kDown: 2, maxBars: 2 });
    expect(r.label[0]).toBe(1);
    expect(r.touchType[0]).toBe(1);
    expect(r.barsToHit[0]).toBe(1);
    expect(r.mfe[0]).toBeCloseTo(0.05, 15);
    expect(r.mae[0]).toBeCloseTo(-0.05, 15);
  });

  it('gives −1 when the open is nearer the lower barrier, and +1 on a tie', () => {
    const nearLower = tripleBarrier(series([flat, [97, 105, 95, 100], flat, flat]), { kUp: 2, kDown: 2, maxBars: 2 });
    expect(nearLower.label[0]).toBe(-1);
    const tie = tripleBarrier(series([flat, [100, 105, 95, 100], flat, flat]), { kUp: 2, kDown: 2, maxBars: 2 });
    expect(tie.label[0]).toBe(1);
  });

  it("marks a same-bar double touch −99 with touch type 2 under 'invalid'", () => {
    const input = series([flat, [102, 105, 95, 100], flat, flat]);
    const r = tripleBarrier(input, { kUp: 2, kDown: 2, maxBars: 2, sameBarRule: 'invalid' });
    expect(r.label[0]).toBe(INVALID_LABEL);
    expect(r.touchType[0]).toBe(TOUCH_BOTH);
    expect(r.barsToHit[0]).toBe(1);
    expect(r.endIndex[0]).toBe(1);
    expect(r.forwardReturn[0]).toBeNaN();
  });

  it('widens both barriers by costPrice when cost-aware', () => {
    const input = series([flat, [100, 104.5, 99, 104], [104, 105.2, 103, 105], flat, flat]);
    expect(tripleBarrier(input, { kUp: 2, kDown: 2, maxBars: 2 }).barsToHit[0]).toBe(1);
    const aware = tripleBarrier(input, { kUp: 2, kDown: 2, maxBars: 2, costPrice: 1 });
    expect(aware.label[0]).toBe(1);
    expect(aware.barsToHit[0]).toBe(2);
    const down = series([flat, [100, 101, 95.5, 96], flat, flat]);
    expect(tripleBarrier(down, { kUp: 2, kDown: 2, maxBars: 2, costPrice: 1 }).label[0]).toBe(0);
  });

  it('marks a non-positive or NaN entry close −99', () => {
    const input = series([[100, 100, 100, NaN], flat, flat, flat]);
    const r = tripleBarrier(input, { kUp: 2, kDown: 2, maxBars: 2 });
    expect(r.label[0]).toBe(INVALID_LABEL);
    expect(r.label[1]).toBe(0);
  });

  it('leaves endTime NaN without timestamps', () => {
    const { timestamp: _, ...input } = series([flat, flat, flat]);
    const r = tripleBarrier(input, { kUp: 2, kDown: 2, maxBars: 1 });
    expect(r.endIndex[0]).toBe(1);
    expect(r.endTime[0]).toBeNaN();
  });

  it('fills only the buffers given, and rejects buffers that are too short', () => {
    const input = series([flat, [100, 103, 98, 101], [101, 104, 99, 103.5], flat, flat, flat]);
    const full = tripleBarrier(input, { kUp: 2, kDown: 2, maxBars: 3 });
    const five = allocateTripleBarrierResult(6);
    tripleBarrierInto(
      input,
      { kUp: 2, kDown: 2, maxBars: 3 },
      { label: five.label, barsToHit: five.barsToHit, mae: five.mae, mfe: five.mfe, touchType: five.touchType },
    );
    expect(Array.from(five.label)).toEqual(Array.from(full.label));
    expect(Array.from(five.mfe)).toEqual(Array.from(full.mfe));
    expect(Array.from(five.endIndex)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() =>
      tripleBarrierInto(input, { kUp: 2, kDown: 2, maxBars: 3 }, { ...allocateTripleBarrierResult(6), endTime: new Float64Array(5) }),
    ).toThrow(/'endTime' holds 5 rows, input has 6/);
  });

  it('rejects bad parameters and ragged columns', () => {
    const input = series([flat, flat, flat]);
    expect(() => tripleBarrier(input, { kUp: 0, kDown: 1, maxBars: 2 })).toThrow(/kUp=0/);
    expect(() => tripleBarrier(input, { kUp: 1, kDown: NaN, maxBars: 2 })).toThrow(/kDown=NaN/);
    expect(() => tripleBarrier(input, { kUp: 1, kDown: 1, maxBars: 2.5 })).toThrow(/maxBars/);
    expect(() => tripleBarrier(input, { kUp: 1, kDown: 1, maxBars: 2, costPrice: -1 })).toThrow(/costPrice/);
    expect(() => tripleBarrier({ ...input, atr: new Float64Array(2) }, { kUp: 1, kDown: 1, maxBars: 1 })).toThrow(/'atr' has 2 rows/);
  });
});

/** The original pseudocode (§5, BASE+), written literally, as the reference for random inputs. */
function reference(input: TripleBarrierInput, kUp: number, kDown: number, maxBars: number) {
  const { open, high, low, close, atr } = input;
  const n = close.length;
  const labels = new Array<number>(n).fill(0);
  const bars = new Array<number>(n).fill(0);
  const mae = new Array<number>(n).fill(0);
  const mfe = new Array<number>(n).fill(0);
  const at = (a: Float64Array, i: number) => a[i] as number;
  const pyMax = (a: number, b: number) => (b > a ? b : a);
  const pyMin = (a: number, b: number) => (b < a ? b : a);
  for (let i = 0; i < n - 1; i++) {
    const e = at(close, i);
    const a = at(atr, i);
    if (Number.isNaN(a) || a <= 0) {
      bars[i] = maxBars;
      continue;
    }
    const U = e + kUp * a;
    const D = e - kDown * a;
    let maxAdv = 0;
    let maxFav = 0;
    let hit = false;
    for (let j = 1; j <= Math.min(maxBars, n - 1 - i); j++) {
      const k = i + j;
      maxFav = pyMax(maxFav, (at(high, k) - e) / e);
      maxAdv = pyMin(maxAdv, (at(low, k) - e) / e);
      const up = at(high, k) >= U;
      const dn = at(low, k) <= D;
      let label: number;
      if (up && dn) label = Math.abs(at(open, k) - U) <= Math.abs(at(open, k) - D) ? 1 : -1;
      else if (up) label = 1;
      else if (dn) label = -1;
      else continue;
      labels[i] = label;
      bars[i] = j;
      hit = true;
      break;
    }
    if (!hit) bars[i] = maxBars;
    mae[i] = maxAdv;
    mfe[i] = maxFav;
  }
  for (let i = Math.max(0, n - maxBars); i < n; i++) {
    labels[i] = INVALID_LABEL;
    bars[i] = 0;
    mae[i] = 0;
    mfe[i] = 0;
  }
  return { labels, bars, mae, mfe };
}

function randomSeries(rng: Rng, n: number): TripleBarrierInput {
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const atr = new Float64Array(n);
  let price = 100;
  for (let i = 0; i < n; i++) {
    const next = Math.round(price * Math.exp(0.004 * rng.normal()) * 4) / 4;
    open[i] = price;
    close[i] = next;
    high[i] = Math.max(price, next) + Math.round(rng.next() * 4) / 4;
    low[i] = Math.min(price, next) - Math.round(rng.next() * 4) / 4;
    atr[i] = rng.next() < 0.05 ? (rng.next() < 0.5 ? NaN : 0) : 0.2 + rng.next();
    if (rng.next() < 0.02) high[i] = NaN;
    price = next;
  }
  return { open, high, low, close, atr };
}

describe('tripleBarrier: invariants over random series', () => {
  it('agrees exactly with the literal original pseudocode, also when reusing buffers', () => {
    const rng = new Rng(7);
    const out = allocateTripleBarrierResult(400);
    for (let trial = 0; trial < 30; trial++) {
      const input = randomSeries(rng, 50 + Math.floor(rng.next() * 300));
      const kUp = 0.5 + rng.next() * 3;
      const kDown = 0.5 + rng.next() * 3;
      const maxBars = 1 + Math.floor(rng.next() * 30);
      const got = tripleBarrier(input, { kUp, kDown, maxBars });
      const want = reference(input, kUp, kDown, maxBars);
      expect(Array.from(got.label)).toEqual(want.labels);
      expect(Array.from(got.barsToHit)).toEqual(want.bars);
      expect(Array.from(got.mae)).toEqual(want.mae);
      expect(Array.from(got.mfe)).toEqual(want.mfe);
      tripleBarrierInto(input, { kUp, kDown, maxBars }, out);
      expect(Array.from(out.label.subarray(0, input.close.length))).toEqual(want.labels);
      for (let i = 0; i < input.close.length; i++) {
        const label = got.label[i] as number;
        if (label === INVALID_LABEL) continue;
        expect(got.mae[i]).toBeLessThanOrEqual(0);
        expect(got.mfe[i]).toBeGreaterThanOrEqual(0);
        expect(got.endIndex[i]).toBe(i + (got.barsToHit[i] as number));
        expect(got.touchType[i]).toBe(label);
      }
    }
  });

  it("under 'invalid' differs from 'nearerOpen' only on same-bar double touches", () => {
    const rng = new Rng(11);
    let doubles = 0;
    for (let trial = 0; trial < 20; trial++) {
      const input = randomSeries(rng, 300);
      const params = { kUp: 0.3 + rng.next(), kDown: 0.3 + rng.next(), maxBars: 1 + Math.floor(rng.next() * 20) };
      const open = tripleBarrier(input, params);
      const invalid = tripleBarrier(input, { ...params, sameBarRule: 'invalid' });
      expect(Array.from(invalid.barsToHit)).toEqual(Array.from(open.barsToHit));
      expect(Array.from(invalid.mae)).toEqual(Array.from(open.mae));
      for (let i = 0; i < 300; i++) {
        if (invalid.label[i] === open.label[i]) continue;
        doubles++;
        expect(invalid.label[i]).toBe(INVALID_LABEL);
        expect(invalid.touchType[i]).toBe(TOUCH_BOTH);
        const k = invalid.endIndex[i] as number;
        expect(k).toBe(open.endIndex[i]);
        expect(input.high[k]! >= input.close[i]! + params.kUp * input.atr[i]!).toBe(true);
        expect(input.low[k]! <= input.close[i]! - params.kDown * input.atr[i]!).toBe(true);
      }
    }
    expect(doubles).toBeGreaterThan(0);
  });
});
