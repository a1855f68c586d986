// Public API of @tribar/datasets.
export type { SplitName, DatasetSpec, TabularDataset, SequenceDataset, Dataset, MarketRows, BarrierInfo, DataModule } from './types.js';
export { sessionIds, windowFits } from './windows.js';
export type { WindowRule } from './windows.js';
export { buildTabular, buildSequence, SPLIT_CODES } from './build.js';
export type { ColumnsInput, SequenceColumnsInput } from './build.js';
export { batches, forEachBatch, toTfDataset, gatherRows, epochOrder, CLASS_COUNT } from './batches.js';
export type { Batch, BatchOptions } from './batches.js';
export { classCounts, describeDataset } from './describe.js';
export type { DatasetSummary } from './describe.js';
export { loadDataModule, DEFAULT_LOOKBACK } from './load.js';
export type { LoadOptions } from './load.js';
