import { describe, expect, it } from 'vitest';
import { DataError, UsageError } from '@tribar/core';
import {
  backtest,
  summaryToJson,
  EXIT_DATA_END,
  EXIT_SIGNAL,
  EXIT_STOP,
  EXIT_TAKE_PROFIT,
  EXIT_TIMEOUT,
} from '../src/internal/backtest/index.js';
import type { BacktestInput } from '../src/internal/backtest/index.js';

import { fiveTradeInput, L, MES, N, S } from './backtest-fixture.js';

describe('backtest: the five-trade example', () => {
  const result = backtest(fiveTradeInput());
  const { trades, summary, equity } = result;

  it('produces the five hand-computed trades', () => {
    // PnL ticks = direction·(exit − entry)/0.25 − 1.5; dollars = ticks·1.25.
    // 1 long  100 → 102    take-profit: +8 − 1.5 = +6.5 ticks = +$8.125   (bars 1→3)
    // 2 short 101 → 103    stop:        −8 − 1.5 = −9.5 ticks = −$11.875  (bars 5→7)
    // 3 long  100 → 101.25 timeout:     +5 − 1.5 = +3.5 ticks = +$4.375   (bars 9→13)
    // 4 short 102 → 102.75 signal:      −3 − 1.5 = −4.5 ticks = −$5.625   (bars 15→17)
    // 5 long  102.75 → 103.5 data end:  +3 − 1.5 = +1.5 ticks = +$1.875   (bars 17→20)
    expect(trades.count).toBe(5);
    expect([...trades.entryRow]).toEqual([1, 5, 9, 15, 17]);
    expect([...trades.exitRow]).toEqual([3, 7, 13, 17, 20]);
    expect([...trades.direction]).toEqual([1, -1, 1, -1, 1]);
    expect([...trades.entryPrice]).toEqual([100, 101, 100, 102, 102.75]);
    expect([...trades.exitPrice]).toEqual([102, 103, 101.25, 102.75, 103.5]);
    expect([...trades.reason]).toEqual([EXIT_TAKE_PROFIT, EXIT_STOP, EXIT_TIMEOUT, EXIT_SIGNAL, EXIT_DATA_END]);
    expect([...trades.ticks]).toEqual([6.5, -9.5, 3.5, -4.5, 1.5]);
    expect([...trades.usd]).toEqual([8.125, -11.875, 4.375, -5.625, 1.875]);
    expect([...trades.barsHeld]).toEqual([2, 2, 4, 2, 3]);
  });

  it('marks equity to market at each close, costs charged at exit', () => {
    // row k = bar k for k ≤ 20. bar 2: +$2.50 open; bar 3: 8.125 realised; bar 6: 8.125 − 2.50 = 5.625;
    // bar 7: 8.125 − 11.875 = −3.75; bar 11: −3.75 + 3 ticks·1.25 = 0; bar 13: −3.75 + 4.375 = 0.625;
    // bar 16: 0.625 − 1 tick = −0.625; bar 17: 0.625 − 5.625 = −5.0 (new long at 0 MTM);
    // bar 19: −5 + 2 ticks = −2.5; bar 20: −5 + 1.875 = −3.125, flat to the end.
    const at = (k: number) => equity[k];
    expect([at(0), at(2), at(3), at(6), at(7), at(11), at(13), at(16), at(17), at(19), at(20), at(27)]).toEqual([
      0, 2.5, 8.125, 5.625, -3.75, 0, 0.625, -0.625, -5, -2.5, -3.125, -3.125,
    ]);
    expect(result.pnl.reduce((a, b) => a + b, 0)).toBeCloseTo(-3.125, 12);
    expect([...result.position.slice(15, 21)]).toEqual([-1, -1, 1, 1, 1, 0]);
  });

  it('summarises the trades', () => {
    // Total +6.5 − 9.5 + 3.5 − 4.5 + 1.5 = −2.5 ticks = −$3.125; 3 wins of 5 → 0.6;
    // profit factor (8.125 + 4.375 + 1.875)/(11.875 + 5.625) = 14.375/17.5 = 0.8214285714;
    // max drawdown: peak 8.125 (bar 3) → trough −5 (bar 17) = $13.125; costs 5 × 1.5 × 1.25 = $9.375;
    // exposure: bars 2,3 + 6,7 + 10–13 + 16,17 + 18–20 = 13 of 28 rows.
    expect(summary).toMatchObject({ rows: 28, trades: 5, longTrades: 3, shortTrades: 2, skippedEntries: 1 });
    expect(summary.totalTicks).toBe(-2.5);
    expect(summary.totalUsd).toBe(-3.125);
    expect(summary.avgTradeUsd).toBe(-0.625);
    expect(summary.avgTradeTicks).toBe(-0.5);
    expect(summary.winRate).toBe(0.6);
    expect(summary.profitFactor).toBeCloseTo(14.375 / 17.5, 14);
    expect(summary.maxDrawdownUsd).toBe(13.125);
    expect(summary.costsUsd).toBe(9.375);
    expect(summary.exposure).toBeCloseTo(13 / 28, 15);
    // 5-minute bars: 252 · 23 · 60 / 5 = 69 552 periods a year.
    expect(summary.periodsPerYear).toBe(69552);
    expect(summary.annualizedUsd).toBeCloseTo((-3.125 / 28) * 69552, 9);
    expect(summary.calmar).toBeCloseTo(summary.annualizedUsd / 13.125, 12);
    expect(summary.sharpe).toBeCloseTo(summary.sharpePerBar * Math.sqrt(69552), 12);
    expect(summary.sharpePerBar).toBeLessThan(0);
    expect(summary.psr).toBeLessThan(0.5);
    expect(summary.dsr).toBe(summary.psr);
    expect(summary.startMs).toBe(Date.UTC(2024, 0, 2));
    expect(summary.endMs).toBe(Date.UTC(2024, 0, 2) + 29 * 300_000);
  });

  it('does not reverse when allowReverse is false', () => {
    const r = backtest(fiveTradeInput(), { allowReverse: false });
    expect(r.trades.count).toBe(4);
    expect(r.trades.reason[3]).toBe(EXIT_SIGNAL);
  });

  it('deflates with trials and reports non-finite numbers as null in JSON', () => {
    const r = backtest(fiveTradeInput(), { trials: 20 });
    expect(r.summary.dsr).toBeLessThan(r.summary.psr);
    const onlyWin = fiveTradeInput();
    const json = summaryToJson(
      backtest({ ...onlyWin, rows: Int32Array.from([0, 1, 2, 3]), proba: Float32Array.from([N, L, N, N].flat()) }).summary,
    );
    expect(json.profitFactor).toBeNull();
    expect(json.trades).toBe(1);
  });
});

function oneTrade(bar: [number, number, number, number], direction: 1 | -1): BacktestInput {
  // Enter at close 100 of bar 0 (ATR 1, kUp 2, kDown 1); bar 1 is the bar under test; bar 2 ends the data.
  const bars = [[100, 100, 100, 100], bar, [100, 100, 100, 100]];
  const col = (i: number) => Float64Array.from(bars, (b) => b[i]!);
  return {
    rows: [0, 1, 2],
    proba: [direction > 0 ? L : S, N, N].flat(),
    open: col(0),
    high: col(1),
    low: col(2),
    close: col(3),
    atr: Float64Array.from([1, 1, 1]),
    timestampMs: Float64Array.from([0, 1, 2]),
    barrier: { kUp: 2, kDown: 1, maxBars: 10 },
    cost: MES,
    barMinutes: 1,
  };
}

describe('backtest: fills', () => {
  it('applies sameBarRule when one bar reaches both barriers', () => {
    // Long E=100: target 102, stop 99; bar 1 open 99.5, high 102.5, low 98.5 touches both.
    const input = oneTrade([99.5, 102.5, 98.5, 100], 1);
    expect(backtest(input).trades.exitPrice[0]).toBe(99);
    expect(backtest(input, { sameBarRule: 'stopFirst' }).trades.reason[0]).toBe(EXIT_STOP);
    expect(backtest(input, { sameBarRule: 'takeProfitFirst' }).trades.exitPrice[0]).toBe(102);
    // nearerOpen: |99.5 − 99| = 0.5 < |99.5 − 102| = 2.5 → the stop; from open 101.75 the target is nearer.
    expect(backtest(input, { sameBarRule: 'nearerOpen' }).trades.reason[0]).toBe(EXIT_STOP);
    expect(backtest(oneTrade([101.75, 102.5, 98.5, 100], 1), { sameBarRule: 'nearerOpen' }).trades.reason[0]).toBe(EXIT_TAKE_PROFIT);
  });

  it('fills a gap through a barrier at the open', () => {
    // Long: opens at 98 below the 99 stop → exit 98: −8 − 1.5 = −9.5... (98 − 100)/0.25 = −8 → −9.5 ticks.
    const gapDown = backtest(oneTrade([98, 98.5, 97, 98], 1)).trades;
    expect([gapDown.exitPrice[0], gapDown.reason[0], gapDown.ticks[0]]).toEqual([98, EXIT_STOP, -9.5]);
    // Long: opens at 103 above the 102 target → exit 103: +12 − 1.5 = +10.5 ticks.
    const gapUp = backtest(oneTrade([103, 104, 102.5, 103], 1)).trades;
    expect([gapUp.exitPrice[0], gapUp.reason[0], gapUp.ticks[0]]).toEqual([103, EXIT_TAKE_PROFIT, 10.5]);
    // Short E=100: target 99 (kDown), stop 102 (kUp); opens 98.5 below the target → +6 − 1.5 = 4.5 ticks.
    const shortGap = backtest(oneTrade([98.5, 99, 98, 98.5], -1)).trades;
    expect([shortGap.exitPrice[0], shortGap.reason[0], shortGap.ticks[0]]).toEqual([98.5, EXIT_TAKE_PROFIT, 4.5]);
    // Short: high 102.25 ≥ stop 102 → −8 − 1.5 = −9.5 ticks.
    expect(backtest(oneTrade([100.5, 102.25, 100, 101], -1)).trades.ticks[0]).toBe(-9.5);
  });

  it('enters at the next open with entry nextOpen', () => {
    // Signal at bar 0 → fill at open[1] = 100.5 with ATR[0] = 1: target 102.5, stop 99.5.
    // Bar 1: high 101 low 100 → no exit; bar 2 is the last row → data end at close 100 → −2 − 1.5 = −3.5 ticks.
    const r = backtest(oneTrade([100.5, 101, 100, 100.75], 1), { entry: 'nextOpen' });
    expect([r.trades.entryRow[0], r.trades.entryPrice[0], r.trades.exitPrice[0], r.trades.reason[0], r.trades.ticks[0]]).toEqual([
      1,
      100.5,
      100,
      EXIT_DATA_END,
      -3.5,
    ]);
    // equity at close of bar 1: (100.75 − 100.5)/0.25 = 1 tick = $1.25; exposure 2 of 3 rows.
    expect(r.equity[1]).toBe(1.25);
    expect(r.summary.exposure).toBeCloseTo(2 / 3, 15);
  });
});

describe('backtest: invalid input', () => {
  it('rejects mismatched lengths', () => {
    const input = fiveTradeInput();
    expect(() => backtest({ ...input, atr: new Float64Array(3) })).toThrow(UsageError);
    expect(() => backtest({ ...input, proba: new Float32Array(5) })).toThrow(/expected rows × 3 = 84/);
  });

  it('rejects rows that do not increase or fall outside the arrays', () => {
    const input = fiveTradeInput();
    const rows = Int32Array.from(input.rows as Int32Array);
    rows[5] = 3;
    expect(() => backtest({ ...input, rows })).toThrow(DataError);
    expect(() => backtest({ ...input, rows })).toThrow(/row 5, field 'rows'/);
    rows[5] = 5;
    rows[27] = 30;
    expect(() => backtest({ ...input, rows })).toThrow(/outside the symbol's 30 bars/);
  });

  it('rejects bad options and missing prices', () => {
    const input = fiveTradeInput();
    expect(() => backtest(input, { threshold: 1.5 })).toThrow(UsageError);
    expect(() => backtest(input, { trials: 0 })).toThrow(UsageError);
    expect(() => backtest({ ...input, barrier: { kUp: 1, kDown: 1, maxBars: 0 } })).toThrow(/maxBars/);
    const close = Float64Array.from(input.close);
    close[4] = NaN;
    expect(() => backtest({ ...input, close })).toThrow(/close is not finite at bar 4/);
  });

  it('skips an entry whose ATR is NaN and takes the next signal', () => {
    const input = oneTrade([100, 100.5, 99.5, 100], 1);
    input.atr[0] = NaN;
    input.proba = [L, L, N].flat();
    // Bar 0 skipped; bar 1 long at 100 (its ATR is fine); bar 2 ends the data at 100 → −1.5 ticks.
    const r = backtest(input);
    expect(r.summary.skippedEntries).toBe(1);
    expect([...r.trades.entryRow]).toEqual([1]);
    expect(r.trades.ticks[0]).toBe(-1.5);
  });

  it('handles an empty test set', () => {
    const input = fiveTradeInput();
    const r = backtest({ ...input, rows: [], proba: [] });
    expect(r.summary.trades).toBe(0);
    expect(r.equity.length).toBe(0);
  });
});
