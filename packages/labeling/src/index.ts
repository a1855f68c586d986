// Public API of @tribar/labeling: the two pipeline stages, round-trip costs, quality scores and
// tiered weights, and the AFML tools (López de Prado, ch. 2–4).
export { labelsInitialStage, labelsFinalStage } from './internal/stages.js';
export { roundTripCost } from './internal/costs.js';
export type { RoundTripCost } from './internal/costs.js';
export { qualityScores, tieredSampleWeights } from './internal/quality.js';
export type { QualityOptions, QualityWeights, QualityScores, LabelColumns, TierOptions, TieredWeights } from './internal/quality.js';
export {
  cusumEvents,
  zScoreEvents,
  dailyVolatility,
  ewmStd,
  verticalBarriers,
  getEvents,
  getBins,
  dropRareLabels,
  concurrentEvents,
  averageUniqueness,
  pooledUniqueness,
  returnAttributionWeights,
  timeDecayWeights,
  afmlLabels,
  tripleBarrierLabelWeights,
} from './internal/afml/index.js';
export type {
  ZScoreFilterOptions,
  AfmlEvents,
  GetEventsOptions,
  AfmlBins,
  AfmlLabelOptions,
  AfmlLabels,
  LabelWeights,
} from './internal/afml/index.js';
export {
  indicatorMatrix,
  indicatorUniqueness,
  meanUniqueness,
  sequentialBootstrap,
  sequentialBootstrapProbabilities,
} from './internal/afml/bootstrap.js';
export type { IndicatorMatrix } from './internal/afml/bootstrap.js';
