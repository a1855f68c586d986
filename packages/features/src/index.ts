// Public API of @tribar/features: the pipeline stage, and the computation for use outside a run.
export { featuresStage } from './internal/stage.js';
export { computeFeatures, featureTable } from './internal/compute.js';
export type { ComputeOptions, SymbolFeatures, FracDiffResolution } from './internal/compute.js';
export type { FeatureSpec, FeatureFamily, FeatureInputs, FeaturesConfig } from './internal/registry.js';
export type { FracDiffChoice } from './internal/kernels/fracdiff.js';
