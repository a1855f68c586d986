import { Rng } from '@tribar/core';
import { describe, expect, it } from 'vitest';
import { detectOutliers, handleOutliers, RANGE_OUTLIER, RETURN_OUTLIER } from '../src/internal/clean/outliers.js';
import { iso, minuteBars } from './helpers/bars.js';
import { hasRealData, MGC_1M, readRealBars } from './helpers/real-data.js';

/** A quiet random walk on the MES grid, mid-session, one bar a minute. */
function walk(minutes: number, seed = 3): number[] {
  const rng = new Rng(seed);
  const closes: number[] = [];
  let price = 5000;
  for (let m = 0; m < minutes; m++) {
    price += 0.25 * Math.round(rng.normal(0, 2));
    closes.push(price);
  }
  return closes;
}

const options = { returnZ: 10, rangeAtr: 8, tickSize: 0.25 };

describe('detectOutliers', () => {
  it('judges a bar only by bars up to it: noise after minute 30 changes nothing before it', () => {
    const closes = walk(120);
    const noisy = closes.map((close, m) => (m >= 30 ? close + 0.25 * ((m * 7919) % 41) - 5 : close));
    const quiet = detectOutliers(minuteBars('MES', '2026-03-10T14:00:00Z', closes), options);
    const loud = detectOutliers(minuteBars('MES', '2026-03-10T14:00:00Z', noisy), options);
    // The clock-hour scale took minutes 0–59 for every bar of the hour, so these differed.
    expect(Array.from(loud.scale.subarray(0, 30))).toEqual(Array.from(quiet.scale.subarray(0, 30)));
    expect(Array.from(loud.center.subarray(0, 30))).toEqual(Array.from(quiet.center.subarray(0, 30)));
    expect(Array.from(loud.kind.subarray(0, 30))).toEqual(Array.from(quiet.kind.subarray(0, 30)));
    expect(loud.scale[60]).toBeGreaterThan(quiet.scale[60]!); // and the noise does count after it
  });

  it('needs 20 returns of the session before the return test, then uses the last 60 (returnWindow)', () => {
    const closes = walk(200);
    closes[10] = closes[9]! + 60; // too early in the session: only the range test could speak, and ATR is warming up
    closes[150] = closes[149]! + 60;
    const bars = minuteBars('MES', '2026-03-10T23:00:00Z', closes); // 23:00 UTC = the 18:00 CT re-open (CDT)
    const detection = detectOutliers(bars, options);
    expect([...detection.kind.keys()].filter((i) => detection.kind[i]! & RETURN_OUTLIER)).toEqual([150]);
    // A 20-return window is noisier than 60 but sees the same print.
    const short = detectOutliers(bars, { ...options, returnWindow: 20 });
    expect(short.kind[150]! & RETURN_OUTLIER).toBe(RETURN_OUTLIER);
    expect(short.scale[100]).not.toBe(detection.scale[100]);
  });

  it('flags a one-bar bad print by robust z, but not the bar that returns from it', () => {
    const closes = walk(120);
    closes[60] = closes[59]! + 60; // a bad print 60 points away, the next bar is back
    const bars = minuteBars('MES', '2026-03-10T14:00:00Z', closes);
    const detection = detectOutliers(bars, options);
    const flagged = [...detection.kind.keys()].filter((i) => detection.kind[i]! & RETURN_OUTLIER);
    expect(flagged).toEqual([60]);
  });

  it('accepts a genuine level shift after one flagged bar instead of flagging every bar after it', () => {
    const closes = walk(120);
    for (let m = 60; m < 120; m++) closes[m] = closes[m]! + 80;
    const detection = detectOutliers(minuteBars('MES', '2026-03-10T14:00:00Z', closes), options);
    expect(detection.returnOutliers).toBe(1);
    expect(detection.kind[60]! & RETURN_OUTLIER).toBe(RETURN_OUTLIER);
  });

  it('flags a bar whose range exceeds rangeAtr × ATR(14), only after the ATR has 14 bars of the session', () => {
    const closes = walk(120);
    const bars = minuteBars('MES', '2026-03-10T14:00:00Z', closes);
    bars.low[70] = bars.low[70]! - 40; // a long wick, close unchanged
    bars.low[5] = bars.low[5]! - 40; // inside the ATR warm-up: only the return test applies
    const detection = detectOutliers(bars, options);
    expect(detection.kind[70]).toBe(RANGE_OUTLIER);
    expect(detection.kind[5]).toBe(0);
    expect(detection.rangeOutliers).toBe(1);
  });

  it('does not call a session-open gap (weekend move or roll) a return outlier', () => {
    const friday = walk(60, 4);
    const sunday = walk(60, 5).map((p) => p + 150); // +150 points over the weekend
    const a = minuteBars('MES', '2026-03-06T21:00:00Z', friday);
    const b = minuteBars('MES', '2026-03-08T22:00:00Z', sunday);
    b.open[0] = sunday[0]!;
    const cat = (x: Float64Array, y: Float64Array) => Float64Array.from([...x, ...y]);
    const bars = {
      symbol: 'MES',
      timestamp: cat(a.timestamp, b.timestamp),
      open: cat(a.open, b.open),
      high: cat(a.high, b.high),
      low: cat(a.low, b.low),
      close: cat(a.close, b.close),
      volume: cat(a.volume, b.volume),
      columns: {},
    };
    bars.high[60] = Math.max(bars.high[60]!, bars.open[60]!);
    bars.low[60] = Math.min(bars.low[60]!, bars.open[60]!);
    expect(detectOutliers(bars, options).flagged).toBe(0);
  });
});

describe('handleOutliers', () => {
  const closes = walk(120);
  closes[60] = closes[59]! + 60;
  const bars = minuteBars('MES', '2026-03-10T14:00:00Z', closes);
  // As in real feeds, the bar after a bad print opens back at the true level.
  bars.open[61] = bars.close[59]!;
  bars.high[61] = Math.max(bars.open[61]!, bars.close[61]!) + 0.25;
  bars.low[61] = Math.min(bars.open[61]!, bars.close[61]!) - 0.25;

  it('flag: adds an outlier column and changes no price', () => {
    const { bars: out, report } = handleOutliers(bars, 'flag', options);
    expect(report).toMatchObject({ action: 'flag', flagged: 1, dropped: 0, winsorized: 0 });
    expect(out.columns['outlier']![60]).toBe(1);
    expect(Array.from(out.close)).toEqual(Array.from(bars.close));
  });

  it('drop: removes the flagged bar', () => {
    const { bars: out, report } = handleOutliers(bars, 'drop', options);
    expect(report.dropped).toBe(1);
    expect(out.timestamp.length).toBe(119);
    expect(Array.from(out.timestamp, iso)).not.toContain('2026-03-10T15:00:00.000Z');
  });

  it('winsorize: clips the return to the threshold and rebuilds a consistent bar on the tick grid', () => {
    const { bars: out, report, detection } = handleOutliers(bars, 'winsorize', options);
    expect(report.winsorized).toBe(1);
    const limit = options.returnZ * detection.scale[60]! + Math.abs(detection.center[60]!);
    const r = Math.log(out.close[60]! / out.close[59]!);
    expect(r).toBeGreaterThan(0);
    expect(r).toBeLessThanOrEqual(limit + options.tickSize / out.close[59]!);
    expect(out.close[60]!).toBeLessThan(bars.close[60]!);
    expect(out.open[60]).toBe(out.close[59]);
    expect(out.low[60]!).toBeLessThanOrEqual(Math.min(out.open[60]!, out.close[60]!));
    expect(out.high[60]!).toBeGreaterThanOrEqual(Math.max(out.open[60]!, out.close[60]!));
    expect((out.close[60]! / 0.25) % 1).toBe(0);
    expect(out.columns['outlier']![60]).toBe(1);
    expect(bars.close[60]).toBe(closes[60]); // the input is untouched
  });
});

describe('winsorizing a range outlier', () => {
  it('cuts the wick to rangeAtr × ATR and keeps open and close', () => {
    const bars = minuteBars('MES', '2026-03-10T14:00:00Z', walk(120));
    bars.low[70] = bars.low[70]! - 40;
    const { bars: out, detection } = handleOutliers(bars, 'winsorize', options);
    expect(detection.kind[70]).toBe(RANGE_OUTLIER);
    expect([out.open[70], out.close[70]]).toEqual([bars.open[70], bars.close[70]]);
    expect(out.high[70]).toBe(bars.high[70]);
    expect(out.low[70]!).toBeGreaterThan(bars.low[70]!);
    expect(out.high[70]! - out.low[70]!).toBeLessThanOrEqual(options.rangeAtr * detection.atrBefore[70]! + 0.25);
    expect((out.low[70]! / 0.25) % 1).toBe(0);
  });
});

describe.skipIf(!hasRealData(MGC_1M))('outliers in the real MGC file', () => {
  it('finds the one-minute print of the old contract on 2026-01-26 03:37 UTC (≈ $38 below) and not its reversal', () => {
    const bars = readRealBars(MGC_1M, 'MGC');
    const detection = detectOutliers(bars, { returnZ: 10, rangeAtr: 8, tickSize: 0.1 });
    const at = (time: string) => bars.timestamp.indexOf(Date.parse(time));
    expect(detection.kind[at('2026-01-26T03:37:00Z')]! & RETURN_OUTLIER).toBe(RETURN_OUTLIER);
    expect(detection.kind[at('2026-01-26T03:38:00Z')]).toBe(0);
    // Few flags overall: 0.05 % of bars, mostly 08:30 ET data releases.
    expect(detection.flagged).toBeLessThan(bars.timestamp.length * 0.001);
  });
});
