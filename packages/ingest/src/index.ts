// Public API of @tribar/ingest: the `ingest` and `clean` stages, and the steps they are made of
// for use outside the pipeline (read a file, repair it, generate the synthetic market, clean,
// resample). Everything else is internal.
export { ingestStage, cleanStage } from './internal/stages.js';
export { readBars } from './internal/read/read-bars.js';
export type { ReadOptions, ReadStats, ReadResult } from './internal/read/types.js';
export type { ColumnMapping } from './internal/read/columns.js';
export { repairBars } from './internal/repair/repair.js';
export type { RepairOptions, RepairReport, RepairCounts, RepairResult } from './internal/repair/repair.js';
export { generateSyntheticMarket, syntheticOptions } from './internal/synthetic/generate.js';
export type { SyntheticMarketOptions, SyntheticSymbol } from './internal/synthetic/generate.js';
export { cleanBars, cleanOptionsFromConfig } from './internal/clean/clean.js';
export type { CleanOptions, CleanReport } from './internal/clean/clean.js';
export type { GapReport } from './internal/clean/gaps.js';
export type { OutlierAction, OutlierReport } from './internal/clean/outliers.js';
export type { RollAdjustment, RollCalendarEntry, RollEvent, RollSource } from './internal/clean/rolls.js';
export { resampleBars } from './internal/resample/resample.js';
export type { ResampleOptions } from './internal/resample/resample.js';
