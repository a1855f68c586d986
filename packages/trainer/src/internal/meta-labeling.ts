import type { TrainConfig } from '@tribar/config';
import type { TrainMetaLabelingEntry, TrainServingFile } from '@tribar/artifacts';
import type { Logger } from '@tribar/core';
import type { DataModule } from '@tribar/datasets';
import { actProbabilities, META_CLASS, metaContracts, primarySides, withPrimary } from '@tribar/ensembles';
import { isSequenceSource, type LabeledInput, type ModelInput, type ModelRegistry, type ModelRows } from '@tribar/models';
import type { CostSpec } from './backtest/index.js';

const { pass: PASS, act: ACT } = META_CLASS;

/**
 * AFML §3.6 meta-labels: 1 when the side taken at a row would have made money after costs by the
 * label's end (side · (close[end] − close[row]) / tick − round-trip ticks > 0), else 0; −1 where
 * the primary takes no side (not a sample of the secondary).
 */
export function metaLabels(side: Int8Array, rowIndex: Int32Array, data: DataModule, cost: CostSpec): Int8Array {
  const out = new Int8Array(side.length).fill(-1);
  const { close, labelEndIndex } = data.market;
  for (let k = 0; k < side.length; k++) {
    if (side[k] === 0) continue;
    const row = rowIndex[k]!;
    const endRaw = labelEndIndex[row]!;
    const end = Number.isFinite(endRaw) ? Math.min(close.length - 1, endRaw) : Math.min(close.length - 1, row + data.barrier.maxBars);
    const ticks = (side[k]! * (close[end]! - close[row]!)) / cost.tickSize - cost.roundTripTicks;
    out[k] = ticks > 0 ? 1 : 0;
  }
  return out;
}

/** `serving.json`'s `metaLabeling`: what inference needs beside the saved secondary. */
export type MetaServing = NonNullable<TrainServingFile['metaLabeling']>;

/** Rows the secondary learns from: their features, the primary's probabilities there, and their rows in the market arrays. */
export interface MetaLabelingRows {
  input: ModelRows;
  proba: Float32Array;
  rowIndex: Int32Array;
}

/**
 * The secondary's training set: the rows where the primary took a side, as features + the
 * primary's three probabilities, with class ACT where that side was profitable after costs.
 */
function secondarySamples(rows: MetaLabelingRows, data: DataModule, cost: CostSpec, threshold: number) {
  const input = rows.input as ModelInput;
  const side = primarySides(rows.proba, input.rows, threshold);
  const meta = metaLabels(side, rows.rowIndex, data, cost);
  const keep: number[] = [];
  for (let k = 0; k < meta.length; k++) if (meta[k]! >= 0) keep.push(k);
  const all = withPrimary(input, rows.proba);
  const width = all.shape[0]!;
  const x = new Float32Array(keep.length * width);
  const y = new Uint8Array(keep.length);
  keep.forEach((k, i) => {
    x.set(all.x.subarray(k * width, (k + 1) * width), i * width);
    y[i] = meta[k] === 1 ? ACT : PASS;
  });
  const profitable = y.reduce((n, c) => n + (c === ACT ? 1 : 0), 0);
  const samples: LabeledInput = { x, y, rows: keep.length, shape: [width], featureNames: all.featureNames! };
  return { samples, positions: Int32Array.from(keep), profitable };
}

/**
 * Meta-labeling of one fit: the primary (the fitted model) gives the side; a secondary model of
 * `train.metaLabeling.secondary` learns whether that side was profitable after costs from rows
 * where the primary's probabilities are out of sample — the train rows' purged out-of-fold
 * probabilities when the caller has them (`oof`: many samples, none from a model that saw its label
 * window), else the val rows (the primary never fitted on them; the reason is logged). On test it
 * gives the probability to act (`metaContracts`). With `saveDir`, the fitted secondary is saved
 * there (inference reads it to serve the same bet sizes).
 */
export async function metaLabelContracts(options: {
  settings: TrainConfig['metaLabeling'];
  betSizing: TrainConfig['betSizing'];
  threshold: number;
  registry: ModelRegistry;
  hyperparameters: Record<string, unknown>;
  data: DataModule;
  cost: CostSpec;
  /** Train rows with their out-of-fold primary probabilities, or null with the reason there are none. */
  oof: MetaLabelingRows | { unavailable: string };
  val: MetaLabelingRows;
  test: { input: ModelRows; proba: Float32Array };
  seed: number;
  logger: Logger;
  saveDir?: string;
}): Promise<{ contracts: Int32Array; entry: TrainMetaLabelingEntry; fittedOn: Int32Array; serving: MetaServing } | null> {
  const { settings, data } = options;
  if (!settings.enabled) return null;
  // The secondary model reads the primary's features beside its probabilities: rows, not windows. A run that
  // trains tabular and sequence families together meta-labels the tabular ones; a sequence model keeps its own
  // (sized) argmax sides, and says so, rather than failing the whole train stage.
  if (isSequenceSource(options.val.input) || isSequenceSource(options.test.input)) {
    options.logger.warn(
      { secondary: settings.secondary },
      'train.metaLabeling applies to tabular primaries only; this sequence model trades its own sides unfiltered',
    );
    return null;
  }
  const val = secondarySamples(options.val, data, options.cost, options.threshold);
  const oof = 'unavailable' in options.oof ? null : secondarySamples(options.oof, data, options.cost, options.threshold);
  if ('unavailable' in options.oof) {
    options.logger.info(
      { reason: options.oof.unavailable },
      'train: meta-labeling fits the secondary on val (no out-of-fold probabilities)',
    );
  }
  const fitted = oof ?? val;
  const fitRows = oof ? (options.oof as MetaLabelingRows).rowIndex : options.val.rowIndex;
  const { samples, profitable } = fitted;
  const test = options.test.input as ModelInput;
  const testSide = primarySides(options.test.proba, test.rows, options.threshold);
  let contracts: Int32Array = new Int32Array(test.rows);
  const serving: MetaServing = { secondary: settings.secondary, threshold: settings.threshold, fitted: false, actOnAll: false };
  const entry: TrainMetaLabelingEntry = {
    secondary: settings.secondary,
    threshold: settings.threshold,
    valSamples: val.samples.rows,
    valProfitableShare: val.samples.rows > 0 ? val.profitable / val.samples.rows : null,
    testSides: testSide.reduce((n, s) => n + (s !== 0 ? 1 : 0), 0),
    testActed: 0,
    fittedOn: oof ? 'oof' : 'val',
    samples: samples.rows,
    profitableShare: samples.rows > 0 ? profitable / samples.rows : null,
    ...('unavailable' in options.oof ? { fallbackReason: options.oof.unavailable } : {}),
  };
  if (samples.rows === 0 || profitable === 0 || profitable === samples.rows) {
    // One class only: nothing to learn; act on every side when all were profitable, on none otherwise.
    options.logger.warn(
      { samples: samples.rows, profitable, fittedOn: entry.fittedOn },
      'train: meta-labeling has one class; the secondary is not fitted',
    );
    serving.actOnAll = samples.rows > 0 && profitable === samples.rows;
    if (serving.actOnAll) testSide.forEach((s, k) => (contracts[k] = s));
  } else {
    const secondary = options.registry.create(settings.secondary, options.hyperparameters);
    try {
      await secondary.fit(samples, { seed: options.seed, logger: options.logger });
      if (options.saveDir) await secondary.save(options.saveDir);
      serving.fitted = true;
      const act = await actProbabilities(secondary, test, options.test.proba);
      contracts = metaContracts(act, testSide, settings.threshold, options.betSizing);
    } finally {
      secondary.dispose();
    }
  }
  entry.testActed = contracts.reduce((n, q) => n + (q !== 0 ? 1 : 0), 0);
  // The market rows the secondary learned from (for the leakage test and the record).
  const fittedOn = Int32Array.from(fitted.positions, (k) => fitRows[k]!);
  return { contracts, entry, fittedOn, serving };
}
