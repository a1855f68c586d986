import { describe, expect, it } from 'vitest';
import { backtestStats, type BacktestStatsInput } from '../src/backtest-stats.js';
import { drawdownEpisodes, drawdownSeries } from '../src/drawdown-episodes.js';
import { probabilisticSharpeRatio } from '../src/sharpe-significance.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
const days = (n: number) => Float64Array.from({ length: n }, (_, i) => T0 + i * DAY);

/**
 * The hand-worked case: six daily bars, long one contract over bars 0–2, flat, short one over 4–5,
 * 0.5 per contract per side, 1,000 initial equity, point value 1.
 *   bar     0      1       2      3     4      5
 *   close   100    110     99     105   121    110
 *   pnl     −0.5   +10     −11.5  0     −0.5   +10.5
 *   equity  999.5  1009.5  998    998   997.5  1008
 * Trade A (long 100 → 99): −1 − 1 cost = −2, −2 %. Trade B (short 121 → 110): +11 − 1 = +10, 10/121.
 */
const CASE: BacktestStatsInput = {
  timestamp: days(6),
  close: [100, 110, 99, 105, 121, 110],
  positions: [1, 1, 0, 0, -1, 0],
  costPerContract: 0.5,
  initialEquity: 1000,
  annualization: { periods: 'daily' },
};

describe('backtestStats: the hand-worked case', () => {
  const { stats, equity, trades, drawdowns } = backtestStats(CASE);

  it('ledger: equity, trades, costs and exposure', () => {
    expect([...equity]).toEqual([999.5, 1009.5, 998, 998, 997.5, 1008]);
    expect(trades.map((t) => [t.side, t.entryIndex, t.exitIndex, t.entryPrice, t.exitPrice, t.pnl, t.costs, t.durationMs])).toEqual([
      [1, 0, 2, 100, 99, -2, 1, 2 * DAY],
      [-1, 4, 5, 121, 110, 10, 1, DAY],
    ]);
    expect(trades[0]!.returnPct).toBeCloseTo(-0.02, 15);
    expect(trades[1]!.returnPct).toBeCloseTo(10 / 121, 15);
    expect(stats.costs).toBe(2);
    // Bars 0–2 and 4–5 hold a trade (entry and exit bars count): 5 of 6.
    expect(stats.exposurePct).toBeCloseTo(500 / 6, 12);
  });

  it('returns, drawdowns and their durations', () => {
    expect(stats.equityFinal).toBe(1008);
    expect(stats.equityPeak).toBe(1009.5);
    expect(stats.returnPct).toBeCloseTo(0.8, 12);
    expect(stats.buyHoldReturnPct).toBeCloseTo(10, 12);
    expect(stats.maxDrawdownPct).toBeCloseTo(1.1887072808320909, 12);
    expect(stats.avgDrawdownPct).toBeCloseTo(0.6193536404160455, 12);
    expect(drawdowns.map((d) => [d.peakIndex, d.troughIndex, d.endIndex, d.recovered, d.durationMs])).toEqual([
      [-1, 0, 1, true, DAY],
      [1, 4, 5, false, 4 * DAY],
    ]);
    expect(stats.maxDrawdownDurationMs).toBe(4 * DAY);
    expect(stats.avgDrawdownDurationMs).toBe(2.5 * DAY);
  });

  it('annualised figures (252 days; numpy gave the expected values)', () => {
    expect(stats.periods).toBe(6);
    expect(stats.annualReturnPct).toBeCloseTo(39.74695337397112, 9);
    expect(stats.annualVolatilityPct).toBeCloseTo(12.899201752136817, 9);
    expect(stats.sharpe).toBeCloseTo(2.6499205925711036, 9);
    expect(stats.sortino).toBeCloseTo(4.621072943428088, 9);
    expect(stats.cagrPct).toBeCloseTo(78.90350287184253, 9);
    expect(stats.calmar).toBeCloseTo(66.37757179093776, 9);
  });

  it('trade figures', () => {
    expect(stats.trades).toBe(2);
    expect(stats.winRatePct).toBe(50);
    expect(stats.bestTradePct).toBeCloseTo(1000 / 121, 12);
    expect(stats.worstTradePct).toBeCloseTo(-2, 12);
    expect(stats.avgTradePct).toBeCloseTo(3.0044530851550233, 12);
    expect(stats.expectancyPct).toBeCloseTo(3.1322314049586777, 12);
    expect(stats.expectancy).toBe(4);
    expect(stats.profitFactor).toBe(5);
    // √2 · 4 / std(−2, 10) = √2 · 4 / (6√2) = 2/3; Kelly = 0.5 − 0.5 / (10 / 2) = 0.4.
    expect(stats.sqn).toBeCloseTo(2 / 3, 12);
    expect(stats.kelly).toBeCloseTo(0.4, 12);
    expect(stats.maxTradeDurationMs).toBe(2 * DAY);
    expect(stats.avgTradeDurationMs).toBe(1.5 * DAY);
    expect(stats.lowSample).toBe(true);
    expect(stats.psr).toBe(probabilisticSharpeRatio(stats.sharpePerPeriod, 6, ...shape(stats)));
  });

  it('the same trades given as a list give the same equity and figures', () => {
    const listed = backtestStats({
      ...CASE,
      positions: undefined,
      trades: [
        { entryIndex: 0, exitIndex: 2, size: 1 },
        { entryIndex: 4, exitIndex: 5, size: -1 },
      ],
    });
    expect([...listed.equity]).toEqual([...equity]);
    expect(listed.stats).toEqual(stats);
  });
});

/** Skew and kurtosis of the case's daily returns, recomputed. */
function shape(stats: { periods: number }): [number, number] {
  const equity = [1000, 999.5, 1009.5, 998, 998, 997.5, 1008];
  const r = equity.slice(1).map((e, i) => e / equity[i]! - 1);
  expect(r.length).toBe(stats.periods);
  const m = r.reduce((a, b) => a + b) / r.length;
  const m2 = r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length;
  const m3 = r.reduce((a, b) => a + (b - m) ** 3, 0) / r.length;
  const m4 = r.reduce((a, b) => a + (b - m) ** 4, 0) / r.length;
  return [m3 / m2 ** 1.5, m4 / m2 ** 2];
}

describe('backtestStats: properties and edges', () => {
  it('no position at all gives zero everywhere a zero is the answer, NaN where nothing is defined', () => {
    const n = 500;
    const close = Float64Array.from({ length: n }, (_, i) => 100 + Math.sin(i / 7) * 5);
    const { stats, equity } = backtestStats({
      timestamp: Float64Array.from({ length: n }, (_, i) => T0 + i * 300_000),
      close,
      positions: new Float64Array(n),
      initialEquity: 5000,
      annualization: { periods: 'bars', periodsPerYear: 72_000 },
    });
    expect(equity.every((e) => e === 5000)).toBe(true);
    for (const key of ['exposurePct', 'returnPct', 'annualReturnPct', 'annualVolatilityPct', 'cagrPct', 'sharpe', 'sortino'] as const)
      expect(stats[key]).toBe(0);
    for (const key of ['calmar', 'maxDrawdownPct', 'costs', 'trades', 'sharpePerPeriod'] as const) expect(stats[key]).toBe(0);
    for (const key of ['winRatePct', 'avgDrawdownPct', 'bestTradePct', 'profitFactor', 'sqn', 'kelly', 'expectancy'] as const)
      expect(stats[key]).toBeNaN();
    expect(stats.minTrackRecordPeriods).toBe(Infinity);
  });

  it('daily periods split at the CME trade date (17:00 Chicago), across the DST change', () => {
    // Hourly bars from Friday 2024-03-08 12:00 Chicago (CST, UTC−6) to Tuesday 2024-03-12 (CDT, UTC−5).
    const start = Date.UTC(2024, 2, 8, 18);
    const n = 4 * 24;
    const timestamp = Float64Array.from({ length: n }, (_, i) => start + i * 3_600_000);
    const close = Float64Array.from({ length: n }, (_, i) => 100 + i);
    const { periodReturns } = backtestStats({
      timestamp,
      close,
      positions: new Float64Array(n).fill(1),
      initialEquity: 1000,
      annualization: { periods: 'daily', timeZone: 'America/Chicago', dayStartHour: 17 },
    });
    // Each period ends at the last bar before 17:00 Chicago: 16:00 CST = 22:00 UTC, then 16:00 CDT = 21:00 UTC.
    expect([...periodReturns.time].map((t) => new Date(t).toISOString().slice(0, 16))).toEqual([
      '2024-03-08T22:00',
      '2024-03-09T22:00',
      '2024-03-10T21:00',
      '2024-03-11T21:00',
      '2024-03-12T17:00',
    ]);
  });

  it('drawdownSeries and episodes on a curve that never recovers and one that starts at its peak', () => {
    // 1 − 90/100, 1 − 95/100, 1 − 80/100 (as doubles).
    expect([...drawdownSeries([100, 90, 95, 80])]).toEqual([0, 1 - 0.9, 1 - 0.95, 1 - 0.8]);
    expect(drawdownEpisodes(drawdownSeries([100, 90, 95, 80]), [0, 1, 2, 3])).toEqual([
      { peakIndex: 0, troughIndex: 3, endIndex: 3, recovered: false, depth: 1 - 0.8, durationMs: 3 },
    ]);
    expect(drawdownEpisodes(drawdownSeries([1, 2, 3]), [0, 1, 2])).toEqual([]);
  });

  it('bad input is refused, naming the field and row', () => {
    const good = { ...CASE };
    expect(() => backtestStats({ ...good, close: [100, 110, Number.NaN, 105, 121, 110] })).toThrow(/close\[2\] is NaN/);
    expect(() => backtestStats({ ...good, timestamp: [0, 1, 1, 2, 3, 4] })).toThrow(/timestamp\[2\].*strictly increasing/);
    expect(() => backtestStats({ ...good, trades: [] })).toThrow(/exactly one of positions, trades or ledger/);
    expect(() => backtestStats({ ...good, initialEquity: 0 })).toThrow(/initialEquity/);
    expect(() => backtestStats({ ...good, positions: [1, 1, Infinity, 0, 0, 0] })).toThrow(/positions\[2\] is Infinity/);
    expect(() => backtestStats({ ...good, positions: undefined, trades: [{ entryIndex: 3, exitIndex: 2, size: 1 }] })).toThrow(
      /trades\[0\].*entry ≤ exit/,
    );
    expect(() => backtestStats({ ...good, annualization: { periods: 'bars', periodsPerYear: 0 } })).toThrow(/periodsPerYear/);
  });
});

describe('backtestStats: a marked ledger, ratios on money P&L', () => {
  // Four bars; the simulator's cumulative P&L 0, 2, −1, 3 → per-bar P&L 0, +2, −3, +4 (mean 0.75,
  // sample variance (0.5625 + 1.5625 + 14.0625 + 10.5625) / 3 = 26.75 / 3); one trade of +3 after 1 cost.
  const ledger = {
    profit: [0, 2, -1, 3],
    exposedBars: 3,
    trades: [
      {
        entryIndex: 0,
        exitIndex: 3,
        entryTime: T0,
        exitTime: T0 + 3 * DAY,
        side: 1 as const,
        size: 1,
        entryPrice: 100,
        exitPrice: 104,
        pnl: 3,
        costs: 1,
        returnPct: 0.03,
        durationMs: 3 * DAY,
      },
    ],
  };
  const input: BacktestStatsInput = {
    timestamp: days(4),
    close: [100, 102, 99, 103],
    ledger,
    initialEquity: 100,
    annualization: { periods: 'bars', periodsPerYear: 100 },
    ratiosOn: 'pnl',
  };
  const { stats, equity } = backtestStats(input);

  it('takes the P&L, exposure and trades as given', () => {
    expect([...equity]).toEqual([100, 102, 99, 103]);
    expect(stats).toMatchObject({ exposedBars: 3, exposurePct: 75, trades: 1, wins: 1, netProfit: 3, expectancy: 3, costs: 1 });
    expect(stats.ratiosOn).toBe('pnl');
  });

  it('computes the Sharpe family on the per-bar money P&L', () => {
    const perBar = 0.75 / Math.sqrt(26.75 / 3);
    expect(stats.sharpePerPeriod).toBeCloseTo(perBar, 14);
    expect(stats.sharpe).toBeCloseTo(perBar * 10, 13);
    // Downside deviation √(9 / 4) = 1.5 over all four bars.
    expect(stats.sortino).toBeCloseTo((0.75 / 1.5) * 10, 13);
    expect(stats.annualProfit).toBe(75);
    // The P&L falls from 2 to −1: 3 in money; Calmar = 75 / 3.
    expect(stats.maxDrawdown).toBe(3);
    expect(stats.calmar).toBe(25);
    expect(stats.psr).toBeCloseTo(probabilisticSharpeRatio(perBar, 4, momentsSkew(), momentsKurt()), 12);
  });

  it('the default stays on returns, with the money figures beside them', () => {
    const onReturns = backtestStats({ ...input, ratiosOn: undefined }).stats;
    expect(onReturns.ratiosOn).toBe('returns');
    expect(onReturns.maxDrawdown).toBe(3);
    expect(onReturns.annualProfit).toBe(75);
    // Returns 0, 2/100, −3/102, 4/99: a different Sharpe from the money one.
    expect(onReturns.sharpePerPeriod).not.toBeCloseTo(stats.sharpePerPeriod, 3);
  });

  it('refuses a ledger that does not fit the bars', () => {
    expect(() => backtestStats({ ...input, ledger: { ...ledger, profit: [0, 1] } })).toThrow(/ledger.profit has 2 rows/);
    expect(() => backtestStats({ ...input, ledger: { ...ledger, exposedBars: 5 } })).toThrow(/ledger.exposedBars is 5/);
    expect(() => backtestStats({ ...input, ledger: { ...ledger, trades: [{ ...ledger.trades[0]!, exitIndex: 4 }] } })).toThrow(
      /ledger.trades\[0\]/,
    );
    expect(() => backtestStats({ ...input, positions: [0, 0, 0, 0] })).toThrow(/exactly one of/);
    // Closes ≤ 0 (a back-adjusted series) only mark buy and hold for a marked ledger: accepted there, refused elsewhere.
    expect(backtestStats({ ...input, close: [-1, 0, 1, 2] }).stats.sharpePerPeriod).toBe(stats.sharpePerPeriod);
    expect(() => backtestStats({ ...CASE, close: [100, 0, 99, 105, 121, 110] })).toThrow(/close\[1\] is 0: closes must be finite and > 0/);
  });
});

/** Population skew and non-excess kurtosis of 0, 2, −3, 4 (mean 0.75), by hand. */
function momentsSkew(): number {
  const d = [-0.75, 1.25, -3.75, 3.25];
  const m2 = d.reduce((a, x) => a + x * x, 0) / 4;
  const m3 = d.reduce((a, x) => a + x ** 3, 0) / 4;
  return m3 / m2 ** 1.5;
}
function momentsKurt(): number {
  const d = [-0.75, 1.25, -3.75, 3.25];
  const m2 = d.reduce((a, x) => a + x * x, 0) / 4;
  const m4 = d.reduce((a, x) => a + x ** 4, 0) / 4;
  return m4 / (m2 * m2);
}
