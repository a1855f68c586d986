export { classificationMetrics, argmaxClass } from './classification.js';
export type { ClassificationMetrics, ClassScores } from './classification.js';
export { normalCdf, normalQuantile } from './normal.js';
export {
  returnMoments,
  sharpeRatio,
  sortinoRatio,
  maxDrawdown,
  calmarRatio,
  sharpeEstimatorVariance,
  probabilisticSharpeRatio,
  expectedMaxSharpe,
  deflatedSharpeRatio,
  EULER_GAMMA,
} from './sharpe.js';
export type { ReturnMoments, Drawdown } from './sharpe.js';
