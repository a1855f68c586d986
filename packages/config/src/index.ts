// Public API of @tribar/config: the single validated source of a run's settings.
export { runConfigSchema, contractSpecSchema, barrierParamsSchema } from './schema.js';
export type { RunConfig, RunConfigInput, ContractSpec, BarrierParams } from './schema.js';
export type { TrainConfig } from './train-schema.js';
export type { ApiConfig } from './api-schema.js';
export type { TuneConfig } from './tune-schema.js';
export { ConfigError } from './config-error.js';
export type { ConfigIssue } from './config-error.js';
export { loadConfig, parseConfig, readConfigFile, defaultConfig, deepMerge, envLayer, overridesLayer, ENV_PREFIX } from './load.js';
export type { LoadConfigOptions, LoadedConfig } from './load.js';
export { crossFieldIssues } from './checks.js';
export { barrierFor, contractFor, longestLabelWindow } from './resolve.js';
export type { ResolvedBarrier, BarrierSource, ResolvedContract, LabelWindow } from './resolve.js';
export { configJsonSchema } from './json-schema.js';
export { recordConfigReads, undeclaredConfigReads } from './record-reads.js';
