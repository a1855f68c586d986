// Public API of @tribar/datasets: load a run's split into datasets, or build them from columns,
// and batch them into tfjs tensors. Everything else is internal.
export type {
  SplitName,
  DatasetSpec,
  TabularDataset,
  SequenceDataset,
  Dataset,
  MarketRows,
  BarrierInfo,
  DataModule,
} from './internal/types.js';
export { loadDataModule } from './internal/load.js';
export type { LoadOptions } from './internal/load.js';
export { buildTabular, buildSequence } from './internal/build.js';
export type { ColumnsInput, SequenceColumnsInput } from './internal/build.js';
export { batches, forEachBatch, toTfDataset } from './internal/batches.js';
export type { Batch, BatchOptions, Tfjs } from './internal/batches.js';
export { describeDataset } from './internal/describe.js';
export type { DatasetSummary } from './internal/describe.js';
