import type { Logger } from '@tribar/core';

/**
 * Trading labels {−1, 0, 1} are classes {0, 1, 2} (`class = label + 1`): short, neutral, long.
 * Every model predicts these three classes; the invalid label (−99) never reaches a model.
 */
export const NUM_CLASSES = 3;
export const CLASS_NAMES = ['short', 'neutral', 'long'] as const;

export type InputKind = 'tabular' | 'sequence';
export type ModelFamily = 'boosting' | 'classical' | 'neural';

/**
 * Rows of model input, row-major float32. `shape` is the shape of one row: `[features]` for
 * tabular input, `[steps, features]` for sequence input; `x.length === rows × product(shape)`.
 * NaN means missing: boosting handles it natively, other families replace it by 0 (the scaled
 * features' centre) and say so in their card.
 */
export interface ModelInput {
  x: Float32Array;
  rows: number;
  shape: readonly number[];
  /** Column names of the last axis (features), for importance and the saved model. */
  featureNames?: readonly string[];
}

/** Model input with classes (0..2) and optional per-row sample weights. */
export interface LabeledInput extends ModelInput {
  y: Uint8Array;
  weights?: Float32Array;
}

/**
 * Sequence rows gathered on demand: `rows` windows of shape `[steps, features]` that are never all
 * materialised. `gather(positions, out)` writes the windows at `positions` (dataset positions,
 * any order) row-major into `out` (`positions.length × steps × features` values; NaN = missing).
 * `@tribar/datasets`' `SequenceDataset` is one (it cuts windows from the split's feature matrix),
 * so 350,000 windows of 60 × 120 cost the matrix (≈ 168 MB) plus a batch, not 10 GB.
 */
export interface SequenceSource {
  rows: number;
  /** `[steps, features]`. */
  shape: readonly number[];
  gather(positions: Int32Array, out: Float32Array): void;
  featureNames?: readonly string[];
}

/** A `SequenceSource` with classes (0..2) and optional per-row sample weights. */
export interface LabeledSequenceSource extends SequenceSource {
  y: Uint8Array;
  weights?: Float32Array;
}

/** What a model predicts on: materialised rows, or (sequence families) windows gathered on demand. */
export type ModelRows = ModelInput | SequenceSource;
/** What a model fits on. Tabular families take `LabeledInput` only; sequence families take both. */
export type LabeledRows = LabeledInput | LabeledSequenceSource;

/** Whether rows are a streaming `SequenceSource` rather than a materialised `ModelInput`. */
export function isSequenceSource(rows: ModelRows): rows is SequenceSource {
  return typeof (rows as Partial<SequenceSource>).gather === 'function' && (rows as Partial<ModelInput>).x === undefined;
}

/** What one epoch (a boosting round, a neural epoch, an optimiser pass) reports. */
export interface EpochLog {
  /** 0-based. */
  epoch: number;
  /** Weighted mean multi-class log loss on the train rows (what the model minimises). */
  trainLoss: number;
  /** Weighted log loss on the validation rows, when validation data was given. */
  valLoss?: number;
  valAccuracy?: number;
  learningRate?: number;
  elapsedMs: number;
}

/** What a callback may ask of the model after an epoch. */
export interface EpochControl {
  /** Stop training after this epoch. */
  stop?: boolean;
  /** Learning rate for the next epoch (neural models; others ignore it). */
  learningRate?: number;
}

export type EpochHook = (log: EpochLog) => EpochControl | void;

export interface FitOptions<Validation extends LabeledRows = LabeledInput> {
  validation?: Validation;
  /** Called after every epoch, in order; the trainer's callbacks (early stopping, schedules, progress) live here. */
  onEpoch?: EpochHook;
  /**
   * At the end of fit, keep the state of the epoch with the lowest `valLoss` (default true when
   * validation data is given): boosting keeps the best number of rounds, neural models the best weights.
   */
  restoreBest?: boolean;
  /**
   * Learning rate of the first epoch (neural models; others ignore it): a schedule's warm-up
   * starts here, later epochs take `EpochControl.learningRate`. Default: the card's `learningRate`.
   */
  initialLearningRate?: number;
  /** Overrides the model's own `seed` hyperparameter. */
  seed?: number;
  logger?: Logger;
  signal?: AbortSignal;
}

export interface FitResult {
  epochs: number;
  /** 0-based epoch whose state the model holds after fit. */
  bestEpoch: number;
  stoppedEarly: boolean;
  history: EpochLog[];
  seconds: number;
  /** Anything run-specific worth recording with the run (tfjs backend, library version, threads). */
  runtime: Record<string, string | number | boolean>;
}

/** Class probabilities, row-major `rows × 3`, each row summing to 1. */
export interface Probabilities {
  rows: number;
  p: Float32Array;
}

export interface ModelDescription {
  name: string;
  family: ModelFamily;
  inputKind: InputKind;
  hyperparameters: Record<string, unknown>;
  fitted: boolean;
  featureNames?: readonly string[];
  /** Feature name → importance (gain for boosting, |coefficient| mass for linear models). */
  featureImportance?: Record<string, number>;
  runtime?: Record<string, string | number | boolean>;
}

/**
 * One interface for every family. `save(dir)` writes the model into a directory (atomically:
 * a finished directory or none); `load` is the family's static counterpart in the registry.
 */
export interface BaseModel {
  readonly name: string;
  readonly card: ModelCard;
  /** Sequence families (`card.inputKind === 'sequence'`) also take a `LabeledSequenceSource`. */
  fit(train: LabeledRows, options?: FitOptions<LabeledRows>): Promise<FitResult>;
  predictProba(input: ModelRows): Promise<Probabilities>;
  /** argmax of `predictProba`, ties to the lower class. */
  predict(input: ModelRows): Promise<Uint8Array>;
  save(dir: string): Promise<void>;
  describe(): ModelDescription;
  /** Release native or tensor memory; the model is unusable afterwards. */
  dispose(): void;
}

export type HyperparameterSpec =
  | { kind: 'int'; default: number; range: [number, number]; log?: boolean; description: string }
  | { kind: 'float'; default: number; range: [number, number]; log?: boolean; description: string }
  | { kind: 'enum'; default: string; values: readonly string[]; description: string }
  | { kind: 'bool'; default: boolean; description: string }
  | { kind: 'int-list'; default: readonly number[]; description: string };

export interface ModelCard {
  name: string;
  family: ModelFamily;
  inputKind: InputKind;
  description: string;
  aliases?: readonly string[];
  /** Whether NaN inputs are handled natively (else they are replaced by 0). */
  handlesMissing: boolean;
  hyperparameters: Record<string, HyperparameterSpec>;
}

export interface ModelFactory {
  create(hyperparameters?: Record<string, unknown>): BaseModel;
  /** Load a model that `save(dir)` wrote. */
  load(dir: string): Promise<BaseModel>;
}
