import { UsageError } from '@tribar/core';
import { NUM_CLASSES } from './types.js';
import type { LabeledInput, ModelInput } from './types.js';

/**
 * Input checks and weights shared by the dense (non-boosting) families, logistic and mlp: both
 * see a row as one flat vector, so a `[steps, features]` sequence row is flattened step-major.
 */

/** Values per row: the product of the row shape. */
export function rowWidth(input: ModelInput, where: string): number {
  if (input.shape.length < 1 || input.shape.length > 2 || input.shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new UsageError(`${where}: row shape ${JSON.stringify(input.shape)} is neither [features] nor [steps, features]`, {
      hint: 'Pass tabular rows with shape [features] or sequence rows with shape [steps, features].',
    });
  }
  const width = input.shape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(input.rows) || input.rows < 0 || input.x.length !== input.rows * width) {
    throw new UsageError(`${where}: x has ${input.x.length} values, expected rows × ${width} = ${input.rows} × ${width}`, {
      hint: 'x must be row-major float32 with rows × product(shape) values.',
    });
  }
  return width;
}

export function checkLabels(input: LabeledInput, where: string): void {
  if (input.y.length !== input.rows) {
    throw new UsageError(`${where}: y has ${input.y.length} labels for ${input.rows} rows`, { hint: 'Give one class (0..2) per row.' });
  }
  for (let i = 0; i < input.rows; i++) {
    if ((input.y[i] as number) >= NUM_CLASSES) {
      throw new UsageError(`${where}: row ${i} has class ${input.y[i]}, outside 0..${NUM_CLASSES - 1}`, {
        hint: 'Map trading labels {−1, 0, 1} to classes with class = label + 1 and drop invalid (−99) rows first.',
      });
    }
  }
  const weights = input.weights;
  if (weights === undefined) return;
  if (weights.length !== input.rows) {
    throw new UsageError(`${where}: weights has ${weights.length} values for ${input.rows} rows`, {
      hint: 'Give one sample weight per row.',
    });
  }
  for (let i = 0; i < input.rows; i++) {
    const w = weights[i] as number;
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new UsageError(`${where}: row ${i} has sample weight ${w}`, { hint: 'Sample weights must be finite and ≥ 0.' });
    }
  }
}

/** Predict-time check that rows look like the rows the model was fitted on. */
export function checkShapeMatches(input: ModelInput, fitted: readonly number[], model: string): void {
  rowWidth(input, `${model}.predict`);
  if (input.shape.length !== fitted.length || input.shape.some((d, i) => d !== fitted[i])) {
    throw new UsageError(
      `${model}.predict: rows have shape ${JSON.stringify(input.shape)}, the model was fitted on ${JSON.stringify(fitted)}`,
      {
        hint: 'Predict with the same feature columns (and sequence length) the model was trained on.',
      },
    );
  }
}

/** sklearn's `class_weight='balanced'`: n / (k · count_c), k = number of classes present. */
export function balancedClassWeights(y: Uint8Array): Float64Array {
  const counts = new Float64Array(NUM_CLASSES);
  for (let i = 0; i < y.length; i++) counts[y[i] as number]! += 1;
  let present = 0;
  for (const c of counts) if (c > 0) present++;
  const out = new Float64Array(NUM_CLASSES);
  for (let c = 0; c < NUM_CLASSES; c++) out[c] = (counts[c] as number) > 0 ? y.length / (present * (counts[c] as number)) : 0;
  return out;
}

/** Feature names of the last axis, defaulting to f0, f1, … */
export function lastAxisNames(input: ModelInput): string[] {
  const features = input.shape[input.shape.length - 1] as number;
  if (input.featureNames !== undefined) {
    if (input.featureNames.length !== features) {
      throw new UsageError(`featureNames has ${input.featureNames.length} names for ${features} features`, {
        hint: 'Give one name per column of the last axis.',
      });
    }
    return [...input.featureNames];
  }
  return Array.from({ length: features }, (_, j) => `f${j}`);
}

/** Predicted class of row i of rows × 3 probabilities: the argmax, ties to the lower class. */
export function argmaxClass(p: ArrayLike<number>, i: number): number {
  let best = 0;
  for (let c = 1; c < NUM_CLASSES; c++) if ((p[i * NUM_CLASSES + c] as number) > (p[i * NUM_CLASSES + best] as number)) best = c;
  return best;
}

/** Row-wise `argmaxClass` of rows × 3 probabilities. */
export function argmaxRows(p: Float32Array, rows: number): Uint8Array {
  const out = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) out[i] = argmaxClass(p, i);
  return out;
}

/** Weighted multi-class log loss and accuracy of rows × 3 probabilities (weights default to 1). */
export function weightedLogLoss(p: Float32Array, y: Uint8Array, weights?: Float32Array): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  let total = 0;
  const rows = y.length;
  for (let i = 0; i < rows; i++) {
    const w = weights === undefined ? 1 : (weights[i] as number);
    const c = y[i] as number;
    loss -= w * Math.log(Math.max(p[i * NUM_CLASSES + c] as number, 1e-15));
    if (argmaxClass(p, i) === c) correct += w;
    total += w;
  }
  return total > 0 ? { loss: loss / total, accuracy: correct / total } : { loss: Number.NaN, accuracy: Number.NaN };
}
