export { backtest } from './backtest.js';
export { summaryToJson } from './summary.js';
export { EXIT_TAKE_PROFIT, EXIT_STOP, EXIT_TIMEOUT, EXIT_SIGNAL, EXIT_DATA_END, EXIT_REASONS } from './types.js';
export type {
  CostSpec,
  BarrierSpec,
  BacktestInput,
  BacktestOptions,
  BacktestResult,
  BacktestSummary,
  TradeLog,
  SameBarRule,
} from './types.js';
