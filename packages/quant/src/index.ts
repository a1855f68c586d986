// Public API of @tribar/quant: the numeric kernels two or more packages share.
export {
  tripleBarrier,
  tripleBarrierInto,
  allocateTripleBarrierResult,
  INVALID_LABEL,
  TOUCH_UPPER,
  TOUCH_LOWER,
  TOUCH_NONE,
  TOUCH_BOTH,
} from './triple-barrier.js';
export type { SameBarRule, TripleBarrierInput, TripleBarrierParams, TripleBarrierResult, TripleBarrierBuffers } from './triple-barrier.js';
export { adfTest, adfCriticalValue5 } from './adf.js';
export { adfTestAt } from './adf-at.js';
export type { AdfResult } from './adf.js';
export { barsPerYear } from './bars-per-year.js';
export { maxDrawdown, cumulativeSum } from './drawdown.js';
export type { Drawdown } from './drawdown.js';
export { tradeStats, tradesPerYear, returnMoments, sharpeRatio, sortinoRatio, calmarRatio } from './trade-stats.js';
export type { TradeStats, ReturnMoments } from './trade-stats.js';
export { mean, meanStd, moments, pearson, percentileOf, percentileSorted, std, variance } from './stats.js';
export { finiteSpread } from './finite-spread.js';
export type { FiniteSpread } from './finite-spread.js';
export { orderStatistics } from './order-statistics.js';
export { sortFloat64 } from './radix-sort.js';
export { normalCdf, normalQuantile } from './normal.js';
export { probabilisticSharpeRatio, deflatedSharpeRatio, expectedMaxSharpe, minTrackRecordLength } from './sharpe-significance.js';
export type { Moments } from './stats.js';
export { backtestStats } from './backtest-stats.js';
export type { Annualization, BacktestStatsInput, BacktestStats, BacktestResult, MarkedLedger } from './backtest-stats.js';
export type { TradeInput, TradeRecord } from './backtest-ledger.js';
export { drawdownSeries, drawdownEpisodes } from './drawdown-episodes.js';
export type { DrawdownEpisode } from './drawdown-episodes.js';
export { drawdownList, herfindahlIndex, betsConcentration, betTiming, averageHoldingPeriod } from './afml-backtest.js';
export type { DrawdownList, BetsConcentration } from './afml-backtest.js';
export {
  betSizeFromProbability,
  betSizes,
  averageActiveBets,
  discretizeBetSizes,
  budgetBetSizes,
  sigmoidBetSize,
  sigmoidWidth,
} from './internal/bet-sizing.js';
export { reliabilityCurve, expectedCalibrationError } from './reliability.js';
export type { ReliabilityBin } from './reliability.js';
