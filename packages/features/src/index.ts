// Public API of @tribar/features.
export {
  FEATURE_FAMILIES,
  SharedSeries,
  featureSpecs,
  spec,
  single,
} from './registry.js';
export type {
  FeatureFamily,
  FeatureInputs,
  FeatureSpec,
  FeatureGroup,
  FeatureInput,
  FeaturesConfig,
  RegistryContext,
  FamilyBuilder,
} from './registry.js';
export {
  FAMILY_BUILDERS,
  buildRegistry,
  checkBars,
  computeFeatures,
  featureTable,
  hasUsableVolume,
  resolveFracdiff,
  warmupRows,
} from './compute.js';
export type { ComputeOptions, SymbolFeatures, FracDiffResolution } from './compute.js';
export { crossPairs, alignCloses } from './families/cross-asset.js';
export { higherTimeframeBars } from './families/multi-timeframe.js';
export type { HigherBars } from './families/multi-timeframe.js';
export { chooseFracDiffOrder, ffdWeights, fracDiff } from './kernels/fracdiff.js';
export type { FracDiffChoice } from './kernels/fracdiff.js';
export * as kernels from './kernels/index.js';
export { featuresStage, buildManifest, NAN_POLICY } from './stage.js';
