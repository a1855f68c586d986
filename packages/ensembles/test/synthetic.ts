import { Rng } from '@tribar/core';
import type { BaseModel, LabeledInput, ModelCard, ModelFactory, ModelInput, Probabilities } from '@tribar/models';
import { createDefaultRegistry, NUM_CLASSES, type ModelRegistry } from '@tribar/models';

/**
 * Rows whose class depends weakly on feature 0 (plus noise features); each row's label window
 * spans `horizon` rows after it, so neighbours overlap as triple-barrier labels do.
 */
export function syntheticRows(rows: number, seed: number, options: { signal?: number; features?: number; horizon?: number } = {}) {
  const rng = new Rng(seed);
  const features = options.features ?? 4;
  const signal = options.signal ?? 1.5;
  const horizon = options.horizon ?? 5;
  const x = new Float32Array(rows * features);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < features; f++) x[r * features + f] = rng.normal();
    const score = signal * x[r * features]! + rng.normal();
    y[r] = score > 0.6 ? 2 : score < -0.6 ? 0 : 1;
  }
  const start = Int32Array.from({ length: rows }, (_, i) => i);
  const end = Int32Array.from({ length: rows }, (_, i) => Math.min(rows - 1, i + horizon));
  const input: LabeledInput = { x, y, rows, shape: [features], featureNames: Array.from({ length: features }, (_, f) => `f${f}`) };
  return { input, windows: { start, end } };
}

/** A registry with the built-in families and `spy`: a model whose fits record the row ids (feature 0) they saw. */
export function spyRegistry(log: { fitted: number[][]; predicted: number[][] }): ModelRegistry {
  const card: ModelCard = {
    name: 'spy',
    family: 'classical',
    inputKind: 'tabular',
    description: 'records rows',
    handlesMissing: true,
    hyperparameters: {},
  };
  const make = (): BaseModel => {
    let mean = [1 / 3, 1 / 3, 1 / 3];
    const model: BaseModel = {
      name: 'spy',
      card,
      async fit(rows) {
        const train = rows as LabeledInput; // a tabular spy: never given sequence windows
        const width = train.shape[0]!;
        log.fitted.push(Array.from({ length: train.rows }, (_, r) => train.x[r * width]!));
        const counts = [1, 1, 1];
        for (const c of train.y) counts[c]! += 1;
        mean = counts.map((n) => n / (train.rows + 3));
        return { epochs: 1, bestEpoch: 0, stoppedEarly: false, history: [], seconds: 0, runtime: {} };
      },
      async predictProba(rows): Promise<Probabilities> {
        const input = rows as ModelInput;
        const width = input.shape[0]!;
        log.predicted.push(Array.from({ length: input.rows }, (_, r) => input.x[r * width]!));
        const p = new Float32Array(input.rows * NUM_CLASSES);
        for (let r = 0; r < input.rows; r++) for (let c = 0; c < NUM_CLASSES; c++) p[r * NUM_CLASSES + c] = mean[c]!;
        return { rows: input.rows, p };
      },
      async predict(input) {
        return new Uint8Array(input.rows);
      },
      async save() {},
      describe: () => ({ name: 'spy', family: 'classical', inputKind: 'tabular', hyperparameters: {}, fitted: true }),
      dispose() {},
    };
    return model;
  };
  const factory: ModelFactory = { create: make, load: async () => make() };
  return createDefaultRegistry().register('spy', factory, card);
}

/** Replaces feature 0 by the row id, so a spy model's log names rows. */
export function withRowIds(input: LabeledInput): LabeledInput {
  const width = input.shape[0]!;
  const x = Float32Array.from(input.x);
  for (let r = 0; r < input.rows; r++) x[r * width] = r;
  return { ...input, x };
}
