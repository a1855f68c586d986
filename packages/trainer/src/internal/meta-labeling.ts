import type { TrainConfig } from '@tribar/config';
import type { TrainMetaLabelingEntry } from '@tribar/artifacts';
import { UsageError, type Logger } from '@tribar/core';
import type { DataModule } from '@tribar/datasets';
import { argmaxClass, isSequenceSource, type LabeledInput, type ModelInput, type ModelRegistry, type ModelRows } from '@tribar/models';
import { betSizes } from '@tribar/quant';
import type { CostSpec } from './backtest/index.js';

/** Secondary classes: a binary act / pass target on the three-class models (pass = class 0, act = class 2). */
const PASS = 0;
const ACT = 2;

/** The primary's side per row: +1 / −1 for a long / short argmax reaching the threshold, else 0. */
export function primarySides(proba: Float32Array, rows: number, threshold: number): Int8Array {
  const side = new Int8Array(rows);
  for (let k = 0; k < rows; k++) {
    const c = argmaxClass(proba, k);
    side[k] = c === 1 || proba[k * 3 + c]! < threshold ? 0 : c === 2 ? 1 : -1;
  }
  return side;
}

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

/** Tabular input of the features plus the primary's three probabilities (the secondary sees what the primary thought). */
function withPrimary(input: ModelInput, proba: Float32Array): ModelInput {
  const width = input.shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(input.rows * (width + 3));
  for (let r = 0; r < input.rows; r++) {
    x.set(input.x.subarray(r * width, (r + 1) * width), r * (width + 3));
    x.set(proba.subarray(r * 3, r * 3 + 3), r * (width + 3) + width);
  }
  const names = input.featureNames ?? Array.from({ length: width }, (_, j) => `f${j}`);
  return { x, rows: input.rows, shape: [width + 3], featureNames: [...names, 'primary_p_short', 'primary_p_neutral', 'primary_p_long'] };
}

/**
 * Meta-labeling of one fit: the primary (the fitted model) gives the side; a secondary model of
 * `train.metaLabeling.secondary`, fitted on the val rows — where the primary's probabilities are
 * out of sample — learns whether that side was profitable after costs; on test it gives the
 * probability to act. Contracts: the side where p(act) ≥ threshold, sized by 2Φ(z) − 1 with k = 2
 * when `train.betSizing.method` is `probability`, else one contract.
 */
export async function metaLabelContracts(options: {
  settings: TrainConfig['metaLabeling'];
  betSizing: TrainConfig['betSizing'];
  threshold: number;
  registry: ModelRegistry;
  hyperparameters: Record<string, unknown>;
  data: DataModule;
  cost: CostSpec;
  val: { input: ModelRows; proba: Float32Array };
  test: { input: ModelRows; proba: Float32Array };
  seed: number;
  logger: Logger;
}): Promise<{ contracts: Int32Array; entry: TrainMetaLabelingEntry } | null> {
  const { settings, data } = options;
  if (!settings.enabled) return null;
  // The secondary model reads the primary's features beside its probabilities: rows, not windows.
  if (isSequenceSource(options.val.input) || isSequenceSource(options.test.input)) {
    throw new UsageError('train.metaLabeling needs a tabular primary model; this one takes sequence windows', {
      hint: 'Meta-label a tabular family (logistic, gbdt, xgboost, mlp), or turn train.metaLabeling off for sequence models.',
    });
  }
  const val = { input: options.val.input, proba: options.val.proba };
  const test = { input: options.test.input, proba: options.test.proba };
  const valSide = primarySides(val.proba, val.input.rows, options.threshold);
  const valMeta = metaLabels(valSide, data.val.rowIndex, data, options.cost);
  const keep: number[] = [];
  for (let k = 0; k < valMeta.length; k++) if (valMeta[k]! >= 0) keep.push(k);
  const allVal = withPrimary(val.input, val.proba);
  const width = allVal.shape[0]!;
  const x = new Float32Array(keep.length * width);
  const y = new Uint8Array(keep.length);
  keep.forEach((k, i) => {
    x.set(allVal.x.subarray(k * width, (k + 1) * width), i * width);
    y[i] = valMeta[k] === 1 ? ACT : PASS;
  });
  const testSide = primarySides(test.proba, test.input.rows, options.threshold);
  const contracts = new Int32Array(test.input.rows);
  const profitable = y.reduce((n, c) => n + (c === ACT ? 1 : 0), 0);
  const entry: TrainMetaLabelingEntry = {
    secondary: settings.secondary,
    threshold: settings.threshold,
    valSamples: keep.length,
    valProfitableShare: keep.length > 0 ? profitable / keep.length : null,
    testSides: testSide.reduce((n, s) => n + (s !== 0 ? 1 : 0), 0),
    testActed: 0,
  };
  if (keep.length === 0 || profitable === 0 || profitable === keep.length) {
    // One class only: nothing to learn; act on every side when all were profitable, on none otherwise.
    options.logger.warn({ samples: keep.length, profitable }, 'train: meta-labeling has one class on val; the secondary is not fitted');
    if (keep.length > 0 && profitable === keep.length) testSide.forEach((s, k) => (contracts[k] = s));
  } else {
    const secondary = options.registry.create(settings.secondary, options.hyperparameters);
    try {
      const train: LabeledInput = { x, y, rows: keep.length, shape: [width], featureNames: allVal.featureNames! };
      await secondary.fit(train, { seed: options.seed, logger: options.logger });
      const p = (await secondary.predictProba(withPrimary(test.input, test.proba))).p;
      const act = new Float64Array(test.input.rows);
      for (let k = 0; k < act.length; k++) act[k] = p[k * 3 + ACT]! / Math.max(1e-12, p[k * 3 + ACT]! + p[k * 3 + PASS]!);
      const size = options.betSizing.method === 'probability' ? betSizes(act, testSide, 2) : null;
      for (let k = 0; k < act.length; k++) {
        if (testSide[k] === 0 || act[k]! < settings.threshold) continue;
        contracts[k] = size
          ? Math.sign(size[k]!) * Math.max(1, Math.round(Math.abs(size[k]!) * options.betSizing.maxContracts))
          : testSide[k]!;
      }
    } finally {
      secondary.dispose();
    }
  }
  entry.testActed = contracts.reduce((n, q) => n + (q !== 0 ? 1 : 0), 0);
  return { contracts, entry };
}
