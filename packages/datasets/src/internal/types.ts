/** The three parts of a Phase 1 run, as `splits/<S>.arrow` codes them (`split_h{h}`: 0, 1, 2). */
export type SplitName = 'train' | 'val' | 'test';

export interface DatasetSpec {
  /** A Phase 1 run folder (`runs/<id>`): reads `scale/`, `labels/`, `splits/`, `features/`. */
  runDir: string;
  symbol: string;
  horizon: number;
  /** Feature columns of `scale/<S>.arrow`, in this order (default: all of them but `timestamp`). */
  features?: readonly string[];
  /** Sequence datasets: bars per window, t−lookback+1 … t. */
  lookback?: number;
  /**
   * Whether a window may span a session break (a gap longer than one bar between consecutive
   * rows, e.g. the daily maintenance halt or a weekend). Default false: such windows are dropped.
   */
  crossSessions?: boolean;
  /**
   * Bar length in minutes, when the caller holds the run's config (`timeframes.targetMinutes`);
   * otherwise it is read from the run's `config.json`, or taken as the median step.
   */
  barMinutes?: number;
}

/**
 * Rows of one split: scaled features at t → class at t (`label_h{h}` + 1), with the label's sample
 * weight. Invalid labels (−99) and non-finite weights are never included. Rows keep time order.
 * Structurally a `LabeledInput` of `@tribar/models` (x, rows, shape, y, weights, featureNames).
 */
export interface TabularDataset {
  kind: 'tabular';
  symbol: string;
  horizon: number;
  split: SplitName;
  featureNames: readonly string[];
  rows: number;
  /** `[features]`. */
  shape: readonly number[];
  /** rows × features, row-major; NaN where the scaled feature is missing. */
  x: Float32Array;
  /** Class 0 short, 1 neutral, 2 long. */
  y: Uint8Array;
  weights: Float32Array;
  /** Each row's index in the run's per-symbol tables (the same row in scale/, labels/, splits/, features/). */
  rowIndex: Int32Array;
  timestampMs: Float64Array;
}

/**
 * Windows of one split: the window ending at row t holds rows t−lookback+1 … t of the symbol, all
 * in the same split (and, unless `crossSessions`, the same session); its class is the label at t.
 * Windows are cut on demand (`gather`, `slice`) from the split's span of the feature matrix, so
 * memory stays at that matrix plus one batch; nothing materialises every window. Structurally a
 * `LabeledSequenceSource` of `@tribar/models` (rows, shape, gather, y, weights, featureNames): sequence
 * families train on it directly, batch by batch.
 */
export interface SequenceDataset {
  kind: 'sequence';
  symbol: string;
  horizon: number;
  split: SplitName;
  featureNames: readonly string[];
  lookback: number;
  /** Whether windows were allowed to span session breaks. */
  crossSessions: boolean;
  rows: number;
  /** `[lookback, features]`. */
  shape: readonly number[];
  y: Uint8Array;
  weights: Float32Array;
  /** Row index (in the per-symbol tables) of each window's last bar, t. */
  rowIndex: Int32Array;
  timestampMs: Float64Array;
  /** Windows `start … start+count−1` as row-major count × lookback × features. */
  slice(start: number, count: number): Float32Array;
  /**
   * Windows at the given dataset positions (any order), row-major positions.length × lookback ×
   * features, written into `out` when given (at least that long; reused across batches) or a new array.
   */
  gather(positions: ArrayLike<number>, out?: Float32Array): Float32Array;
}

export type Dataset = TabularDataset | SequenceDataset;

/** Prices and label facts of a split's rows, aligned with a dataset's rows, for the backtest. */
export interface MarketRows {
  /** Open, high, low, close and the unscaled ATR the labels used, of every row of the symbol (not only the split). */
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  atr: Float64Array;
  timestampMs: Float64Array;
  /** `label_end_index_h{h}` of every row. */
  labelEndIndex: Float64Array;
}

/** The barrier parameters the final labels of a symbol × horizon used (`labels/report.json`). */
export interface BarrierInfo {
  kUp: number;
  kDown: number;
  maxBars: number;
  atrFeature: string;
  sameBarRule: string;
}

/** Everything training needs for one symbol × horizon. */
export interface DataModule {
  symbol: string;
  horizon: number;
  barMinutes: number;
  featureNames: readonly string[];
  train: Dataset;
  val: Dataset;
  test: Dataset;
  market: MarketRows;
  barrier: BarrierInfo;
}
