/**
 * The label-oracle baseline: a sanity check of what the labels are worth after costs, never a
 * model. On the test rows a position takes the realised label at entry and holds it until the
 * label's own end bar; one position at a time, so trades never overlap.
 */
import { SPLIT_TEST } from '@tribar/artifacts';
import { returnMoments, sharpeRatio, tradesPerYear, tradeStats } from '@tribar/quant';

export interface OracleInput {
  close: ArrayLike<number>;
  label: ArrayLike<number>;
  /** `label_end_index_h{h}`: the row the label's barrier (or time-out) was reached. */
  endIndex: ArrayLike<number>;
  /** `split_h{h}` codes; rows not equal to `SPLIT_TEST` are never entered. Omitted: every row. */
  split?: ArrayLike<number>;
}

export interface CostModel {
  /** Commission plus slippage of a round trip, in price units (`contractFor(...).roundTripPrice`). */
  roundTripPrice: number;
  tickSize: number;
  /** US dollars per tick per contract. */
  tickValue: number;
}

export interface OracleTrade {
  entryIndex: number;
  exitIndex: number;
  side: 1 | -1;
  entryPrice: number;
  exitPrice: number;
  /** Net of the round-trip cost, in price points. */
  pnlPoints: number;
  pnlTicks: number;
  /** Per contract. */
  pnlUsd: number;
  /** Net return on the entry price. */
  netReturn: number;
}

/**
 * Trades of the label oracle: enter at the close of a test row whose label is +1 or −1 (0 and
 * −99 are skipped), exit at the close of `endIndex`; the next entry is at the exit bar or later.
 */
export function oracleTrades(input: OracleInput, cost: CostModel): OracleTrade[] {
  const { close, label, endIndex, split } = input;
  const n = Math.min(close.length, label.length, endIndex.length);
  const trades: OracleTrade[] = [];
  let i = 0;
  while (i < n) {
    const side = label[i] as number;
    const exit = endIndex[i] as number;
    const tradable =
      (split === undefined || split[i] === SPLIT_TEST) && (side === 1 || side === -1) && Number.isInteger(exit) && exit > i && exit < n;
    if (!tradable) {
      i++;
      continue;
    }
    const entryPrice = close[i] as number;
    const exitPrice = close[exit] as number;
    if (!Number.isFinite(entryPrice) || !Number.isFinite(exitPrice)) {
      i++;
      continue;
    }
    const pnlPoints = side * (exitPrice - entryPrice) - cost.roundTripPrice;
    const pnlTicks = pnlPoints / cost.tickSize;
    trades.push({
      entryIndex: i,
      exitIndex: exit,
      side: side as 1 | -1,
      entryPrice,
      exitPrice,
      pnlPoints,
      pnlTicks,
      pnlUsd: pnlTicks * cost.tickValue,
      netReturn: pnlPoints / entryPrice,
    });
    i = exit;
  }
  return trades;
}

export interface BacktestMetrics {
  trades: number;
  wins: number;
  /** Share of trades with a positive net PnL; null without trades. */
  winRate: number | null;
  /** Gross profit over gross loss; null when there is no losing trade (infinite or undefined). */
  profitFactor: number | null;
  totalPoints: number;
  totalTicks: number;
  totalUsd: number;
  averageUsd: number | null;
  /** Annualised Sharpe of per-trade net returns (see `annualisedSharpe`); null below two trades or zero spread. */
  sharpe: number | null;
  /** Largest fall of the cumulative net PnL from a prior peak (the peak starts at 0), positive. */
  maxDrawdownPoints: number;
  maxDrawdownUsd: number;
  averageBarsHeld: number | null;
  tradesPerYear: number | null;
}

/**
 * Sharpe of per-trade returns: mean over sample standard deviation (n − 1), times
 * √(trades per year) (`sharpeRatio` of @tribar/quant); null below two trades or zero spread.
 */
export function annualisedSharpe(returns: readonly number[], tradesPerYear: number): number | null {
  if (returns.length < 2 || !(tradesPerYear > 0) || !(returnMoments(returns).std > 0)) return null;
  return sharpeRatio(returns, tradesPerYear);
}

export interface MetricsOptions {
  /** Number of bars the test part spans (rows that could have been entered). */
  spanBars: number;
  /** Bar length in minutes, for the annualisation. */
  barMinutes: number;
}

/** The oracle's trades through @tribar/quant's trade statistics; "undefined" figures are null here. */
export function backtestMetrics(trades: readonly OracleTrade[], options: MetricsOptions): BacktestMetrics {
  const n = trades.length;
  // Wins, the profit factor and the points drawdown on points; the USD figures on USD.
  const points = tradeStats(trades.map((t) => t.pnlPoints));
  const usd = tradeStats(trades.map((t) => t.pnlUsd));
  const ticks = tradeStats(trades.map((t) => t.pnlTicks));
  let bars = 0;
  for (const trade of trades) bars += trade.exitIndex - trade.entryIndex;
  const perYear = tradesPerYear(n, options.spanBars, options.barMinutes);
  return {
    trades: n,
    wins: points.wins,
    winRate: n === 0 ? null : points.winRate,
    profitFactor: points.grossLoss > 0 ? points.profitFactor : null,
    totalPoints: points.total,
    totalTicks: ticks.total,
    totalUsd: usd.total,
    averageUsd: n === 0 ? null : usd.average,
    sharpe:
      perYear > 0
        ? annualisedSharpe(
            trades.map((t) => t.netReturn),
            perYear,
          )
        : null,
    maxDrawdownPoints: points.maxDrawdown,
    maxDrawdownUsd: usd.maxDrawdown,
    averageBarsHeld: n === 0 ? null : bars / n,
    tradesPerYear: perYear > 0 ? perYear : null,
  };
}

/** Rows carrying a given split code (the span the annualisation divides by). */
export function countCode(split: ArrayLike<number> | undefined, code: number, fallback: number): number {
  if (split === undefined) return fallback;
  let count = 0;
  for (let i = 0; i < split.length; i++) if (split[i] === code) count++;
  return count;
}
