import { Rng } from '@tribar/core';
import { describe, expect, it } from 'vitest';
import {
  averageUniqueness,
  concurrentEvents,
  cusumEvents,
  dailyVolatility,
  dropRareLabels,
  ewmStd,
  getBins,
  getEvents,
  pooledUniqueness,
  returnAttributionWeights,
  timeDecayWeights,
  tripleBarrierLabelWeights,
  verticalBarriers,
} from '../src/internal/afml/index.js';

const fromLogReturns = (start: number, returns: number[]) => {
  const out = [start];
  for (const r of returns) out.push((out[out.length - 1] as number) * Math.exp(r));
  return Float64Array.from(out);
};

describe('AFML ch. 4: concurrency and uniqueness', () => {
  // The book's three labels: y1 on bars 0–2, y2 on bars 2–3, y3 on bars 4–5 (t1 = [2, 3, 5] at [0, 2, 4]).
  const start = Int32Array.from([0, 2, 4]);
  const end = Int32Array.from([2, 3, 5]);

  it('counts concurrent labels per bar and the average uniqueness of each label', () => {
    const c = concurrentEvents(6, start, end);
    expect(Array.from(c)).toEqual([1, 1, 2, 1, 1, 1]);
    const u = averageUniqueness(start, end, c);
    expect(u[0]).toBeCloseTo(5 / 6, 15);
    expect(u[1]).toBeCloseTo(3 / 4, 15);
    expect(u[2]).toBe(1);
    // The label set's uniqueness: 6 bars covered by 7 incidences = 0.8571 (the plain mean is 0.8611).
    expect(pooledUniqueness(c)).toBeCloseTo(0.8571, 4);
    expect((u[0]! + u[1]! + u[2]!) / 3).toBeCloseTo(0.8611, 4);
  });

  it('counts an unclosed event (end −1) up to the last bar', () => {
    expect(Array.from(concurrentEvents(4, Int32Array.from([1]), Int32Array.from([-1])))).toEqual([0, 1, 1, 1]);
  });
});

describe('AFML 2.4: symmetric CUSUM filter', () => {
  it('fires when a one-sided sum of log returns passes ±h and resets that side only', () => {
    const close = fromLogReturns(100, [0.01, 0.01, -0.03, 0.005, 0.009, 0.002]);
    // sums: +.01; +.02 > .015 → event 2; −.03 < −.015 → event 3; +.005, +.014, +.016 > .015 → event 6.
    expect(Array.from(cusumEvents(close, 0.015))).toEqual([2, 3, 6]);
    const perBar = Float64Array.from([0, 0.1, 0.1, 0.01, 0.1, 0.1, 0.1]);
    expect(Array.from(cusumEvents(close, perBar))).toEqual([3]);
  });
});

describe('AFML 3.1: daily volatility', () => {
  it('is the bias-corrected EWM std of pandas', () => {
    // pandas: pd.Series([1, 2, 3]).ewm(span=3).std() → [NaN, 0.707107, 0.963624].
    const s = ewmStd(Float64Array.from([1, 2, 3]), 3);
    expect(s[0]).toBeNaN();
    expect(s[1]).toBeCloseTo(0.707107, 6);
    expect(s[2]).toBeCloseTo(0.963624, 6);
    // Against the closed form (weights (1 − α)^(t−i), bias factor (Σw)² / ((Σw)² − Σw²)).
    const rng = new Rng(3);
    const x = Float64Array.from({ length: 40 }, () => rng.normal());
    const got = ewmStd(x, 10);
    const alpha = 2 / 11;
    for (const t of [5, 20, 39]) {
      let sw = 0,
        sw2 = 0,
        sx = 0;
      for (let i = 0; i <= t; i++) {
        const w = (1 - alpha) ** (t - i);
        sw += w;
        sw2 += w * w;
        sx += w * x[i]!;
      }
      const mean = sx / sw;
      let v = 0;
      for (let i = 0; i <= t; i++) v += (1 - alpha) ** (t - i) * (x[i]! - mean) ** 2;
      expect(got[t]).toBeCloseTo(Math.sqrt(((v / sw) * sw * sw) / (sw * sw - sw2)), 12);
    }
  });

  it('uses the last bar more than a day earlier', () => {
    const hour = 3_600_000;
    const timestamp = Float64Array.from({ length: 60 }, (_, i) => i * hour);
    const close = Float64Array.from({ length: 60 }, (_, i) => 100 + Math.sin(i));
    const vol = dailyVolatility(timestamp, close, { span: 5 });
    // Bar 25 is the first with a bar (0) strictly before t − 24 h.
    expect(Number.isNaN(vol[24]!)).toBe(true);
    const returns = Float64Array.from({ length: 35 }, (_, k) => close[25 + k]! / close[k]! - 1);
    const want = ewmStd(returns, 5);
    expect(vol[26]).toBeCloseTo(want[1]!, 15);
    expect(vol[59]).toBeCloseTo(want[34]!, 15);
  });
});

describe('AFML 3.2–3.8: events, bins, rare labels', () => {
  const close = Float64Array.from([100, 101, 102, 99, 97, 103]);
  const target = new Float64Array(6).fill(0.015);

  it('finds the first touch of the horizontal barriers on closes, or the vertical barrier', () => {
    const events = getEvents(close, { eventIndex: Int32Array.from([0, 2]), target, ptSl: [1, 1] });
    expect(Array.from(events.end)).toEqual([2, 3]); // +2 % > 1.5 %; 99/102 − 1 = −2.9 % < −1.5 %
    expect(Array.from(events.touch)).toEqual([1, -1]);
    const vertical = getEvents(close, {
      eventIndex: Int32Array.from([0, 2]),
      target,
      ptSl: [1, 1],
      verticalBarrier: Int32Array.from([1, 5]),
    });
    expect(Array.from(vertical.end)).toEqual([1, 3]);
    const bins = getBins(close, vertical);
    expect(Array.from(bins.bin)).toEqual([1, -1]); // the book's 3.7: sign of the return at the vertical barrier
    expect(bins.ret[0]).toBeCloseTo(0.01, 15);
    expect(Array.from(getBins(close, vertical, { verticalBarrierZero: true }).bin)).toEqual([0, -1]);
    expect(getEvents(close, { eventIndex: Int32Array.from([0, 2]), target, ptSl: [1, 1], minReturn: 0.02 }).index.length).toBe(0);
  });

  it('uses ptSl[0] for both barriers without a side, as the book', () => {
    const events = getEvents(close, { eventIndex: Int32Array.from([2]), target, ptSl: [1, 3] });
    expect(events.end[0]).toBe(3);
  });

  it('meta-labels with a side: returns × side, bin 1 only when the side earned', () => {
    const side = new Float64Array(6).fill(1);
    side[2] = -1;
    const events = getEvents(close, { eventIndex: Int32Array.from([0, 2]), target, ptSl: [1, 2], side });
    expect(Array.from(events.end)).toEqual([2, 3]); // short from 102: +2.9 % > 1.5 % at bar 3
    const bins = getBins(close, events);
    expect(Array.from(bins.bin)).toEqual([1, 1]);
    const losing = getEvents(close, { eventIndex: Int32Array.from([3]), target, ptSl: [1, 1], side: new Float64Array(6).fill(1) });
    expect(Array.from(getBins(close, losing).bin)).toEqual([0]);
  });

  it('drops events without an end', () => {
    const events = getEvents(Float64Array.from([100, 100.1, 100.2]), { eventIndex: Int32Array.from([0]), target, ptSl: [1, 1] });
    expect(events.end[0]).toBe(-1);
    expect(getBins(close, events).index.length).toBe(0);
  });

  it('drops the rarest label while it is at most minShare and three labels remain', () => {
    const bin = Int8Array.from([...Array<number>(10).fill(1), ...Array<number>(9).fill(-1), 0]);
    const kept = dropRareLabels(bin, 0.05);
    expect(kept.length).toBe(19);
    expect(Array.from(kept).every((e) => bin[e] !== 0)).toBe(true);
    expect(dropRareLabels(bin, 0.04).length).toBe(20);
  });

  it('places vertical barriers at the first bar at or after t0 + span', () => {
    const timestamp = Float64Array.from([0, 10, 20, 30, 40]);
    expect(Array.from(verticalBarriers(timestamp, Int32Array.from([0, 1, 3]), 15))).toEqual([2, 3, -1]);
  });
});

describe('AFML 4.10–4.11: sample weights', () => {
  it('attributes absolute log returns shared by concurrency, scaled to sum to the event count', () => {
    const close = fromLogReturns(100, [0.1, 0.2, -0.1]);
    const start = Int32Array.from([0, 1]);
    const end = Int32Array.from([2, 3]);
    const c = concurrentEvents(4, start, end);
    expect(Array.from(c)).toEqual([1, 2, 2, 1]);
    // w0 = |0.1/2 + 0.2/2| = 0.15, w1 = |0.1/2 + 0.2/2 − 0.1| = 0.05 → × 2 / 0.2.
    const w = returnAttributionWeights(close, start, end, c);
    expect(w[0]).toBeCloseTo(1.5, 12);
    expect(w[1]).toBeCloseTo(0.5, 12);
  });

  it('decays linearly in cumulative uniqueness', () => {
    const u = Float64Array.from([1, 1, 1, 1]);
    expect(Array.from(timeDecayWeights(u, 1))).toEqual([1, 1, 1, 1]);
    expect(Array.from(timeDecayWeights(u, 0.5))).toEqual([0.625, 0.75, 0.875, 1]);
    expect(Array.from(timeDecayWeights(u, 0))).toEqual([0.25, 0.5, 0.75, 1]);
    expect(Array.from(timeDecayWeights(u, -0.5))).toEqual([0, 0, 0.5, 1]);
  });
});

describe('AFML weights for per-bar triple-barrier labels', () => {
  it('treats each valid row as an event from its bar to label_end_index, skipping −99', () => {
    const close = fromLogReturns(100, [0.1, 0.2, -0.1]);
    const w = tripleBarrierLabelWeights(close, Int8Array.from([1, -1, -99, -99]), Int32Array.from([2, 3, -1, -1]));
    expect(w.uniqueness[0]).toBeCloseTo((1 + 0.5 + 0.5) / 3, 15);
    expect(w.uniqueness[1]).toBeCloseTo((0.5 + 0.5 + 1) / 3, 15);
    expect(w.uniqueness[2]).toBeNaN();
    expect(w.returnWeight[0]).toBeCloseTo(1.5, 12);
    expect(Array.from(w.decayWeight)).toEqual([1, 1, 0, 0]);
  });
});
