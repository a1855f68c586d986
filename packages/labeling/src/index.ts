// Public API of @tribar/labeling: triple-barrier labels, costs, quality scores and weights, AFML tools, stages.
export { roundTripCost, barrierCostPrice, costAsReturn } from './costs.js';
export type { RoundTripCost } from './costs.js';
export { labelBars, atrColumn } from './label-bars.js';
export type { BarrierChoice, LabelBarsOptions } from './label-bars.js';
export { kernelColumns, labelTable, readLabelTable, labelMix } from './label-table.js';
export type { LabelColumn, NamedColumn, LabelFile, LabelMix } from './label-table.js';
export { qualityScores, tieredSampleWeights, trainPercentileRows } from './quality.js';
export type { QualityOptions, QualityWeights, QualityScores, LabelColumns, TierOptions, TieredWeights } from './quality.js';
export { percentileOf, percentileSorted } from './percentile.js';
export {
  labelsInitialStage,
  labelsFinalStage,
  initialBarrier,
  finalBarrier,
  readGaSummary,
  INVALID_POLICY,
} from './stages.js';
export type { GaSummary, GaBarrierResult, FinalBarrier, FinalBarrierSource } from './stages.js';
export {
  cusumEvents,
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
} from './afml/index.js';
export type { AfmlEvents, GetEventsOptions, AfmlBins, AfmlLabelOptions, AfmlLabels, LabelWeights } from './afml/index.js';
