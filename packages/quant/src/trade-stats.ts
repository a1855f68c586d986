import { barsPerYear } from './bars-per-year.js';
import { cumulativeSum, maxDrawdown } from './drawdown.js';

/**
 * Trade statistics and the Sharpe family, one definition for every backtest (the trainer's model
 * backtest and the report's label oracle). Inputs are net PnL (costs already taken off) or returns.
 *
 * Conventions, chosen once so every caller agrees:
 * - the Sharpe ratio uses the sample standard deviation (n − 1), no risk-free rate;
 * - skewness and kurtosis are the population (biased) moment ratios, kurtosis non-excess (normal = 3),
 *   as in Bailey & López de Prado's formulas and scipy's defaults (`bias=True`, `fisher=False`);
 * - degenerate inputs (no trades, fewer than 2 periods, zero dispersion) give 0 rather than NaN, so
 *   JSON stays numeric; Infinity appears only where it is the answer (no downside, no loss, no
 *   drawdown). A caller that shows "undefined" as null tests `trades`, `grossLoss` or `std` itself.
 */

export interface ReturnMoments {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1). */
  std: number;
  /** Population skewness γ3. */
  skew: number;
  /** Population non-excess kurtosis γ4 (3 for a normal distribution). */
  kurtosis: number;
}

export function returnMoments(returns: ArrayLike<number>): ReturnMoments {
  const n = returns.length;
  if (n === 0) return { n, mean: 0, std: 0, skew: 0, kurtosis: 3 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += returns[i] as number;
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (returns[i] as number) - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
  m2 /= n;
  m3 /= n;
  m4 /= n;
  // A constant series has no shape: report the normal's moments so PSR stays defined.
  const flat = m2 <= 1e-300;
  return { n, mean, std, skew: flat ? 0 : m3 / m2 ** 1.5, kurtosis: flat ? 3 : m4 / (m2 * m2) };
}

/**
 * mean / sample std × √periodsPerYear; 0 with fewer than 2 periods or zero dispersion. Per-bar PnL
 * annualise with `barsPerYear(barMinutes)`, per-trade returns with `tradesPerYear(...)`.
 */
export function sharpeRatio(returns: ArrayLike<number>, periodsPerYear = 1): number {
  const { n, mean, std } = returnMoments(returns);
  if (n < 2 || std === 0) return 0;
  return (mean / std) * Math.sqrt(periodsPerYear);
}

/**
 * mean / downside deviation × √periodsPerYear, downside deviation = √(mean over ALL periods of
 * min(r, 0)²) (target 0). No downside at all: Infinity when the mean is positive, else 0.
 */
export function sortinoRatio(returns: ArrayLike<number>, periodsPerYear = 1): number {
  const n = returns.length;
  if (n === 0) return 0;
  let sum = 0;
  let down = 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i] as number;
    sum += r;
    if (r < 0) down += r * r;
  }
  const mean = sum / n;
  const dd = Math.sqrt(down / n);
  if (dd === 0) return mean > 0 ? Infinity : 0;
  return (mean / dd) * Math.sqrt(periodsPerYear);
}

/** annualReturn / maxDrawdown (a positive amount); no drawdown → Infinity if annualReturn > 0, else 0. */
export function calmarRatio(annualReturn: number, maxDrawdownAmount: number): number {
  if (maxDrawdownAmount > 0) return annualReturn / maxDrawdownAmount;
  return annualReturn > 0 ? Infinity : 0;
}

/**
 * Trades a year when `trades` trades took `spanBars` bars of `barMinutes` each (annualised with
 * `barsPerYear`); 0 without trades or without a span.
 */
export function tradesPerYear(trades: number, spanBars: number, barMinutes: number): number {
  const years = spanBars / barsPerYear(barMinutes);
  return years > 0 && trades > 0 ? trades / years : 0;
}

/** Statistics of a list of net trade PnL, in the PnL's units (points, ticks, dollars). */
export interface TradeStats {
  trades: number;
  /** Trades with a positive net PnL. */
  wins: number;
  /** Σ of the positive PnL. */
  grossProfit: number;
  /** −Σ of the zero or negative PnL: a non-negative amount. */
  grossLoss: number;
  /** Σ PnL, summed in trade order. */
  total: number;
  /** total / trades; 0 without trades. */
  average: number;
  /** wins / trades; 0 without trades. */
  winRate: number;
  /** grossProfit / grossLoss; Infinity with a profit and no loss; 0 with neither. */
  profitFactor: number;
  /** Largest fall of the running sum of the PnL from a prior peak, the first peak being 0. */
  maxDrawdown: number;
}

export function tradeStats(pnl: ArrayLike<number>): TradeStats {
  const n = pnl.length;
  let total = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let wins = 0;
  for (let i = 0; i < n; i++) {
    const value = pnl[i] as number;
    total += value;
    if (value > 0) {
      grossProfit += value;
      wins++;
    } else {
      grossLoss -= value;
    }
  }
  return {
    trades: n,
    wins,
    grossProfit,
    grossLoss,
    total,
    average: n > 0 ? total / n : 0,
    winRate: n > 0 ? wins / n : 0,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : grossProfit > 0 ? Infinity : 0,
    maxDrawdown: maxDrawdown(cumulativeSum(pnl), 0).amount,
  };
}
