import { UsageError } from '@tribar/core';
import { NUM_CLASSES, type LabeledInput, type ModelInput } from '@tribar/models';

/** Rows `positions` of a labeled input, copied (positions may repeat: a bootstrap sample). */
export function selectRows(input: LabeledInput, positions: ArrayLike<number>): LabeledInput {
  const width = rowWidth(input);
  const x = new Float32Array(positions.length * width);
  const y = new Uint8Array(positions.length);
  const weights = input.weights ? new Float32Array(positions.length) : undefined;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i] as number;
    if (!(p >= 0 && p < input.rows)) throw new UsageError(`selectRows: position ${p} outside 0…${input.rows - 1}`);
    x.set(input.x.subarray(p * width, (p + 1) * width), i * width);
    y[i] = input.y[p] as number;
    if (weights) weights[i] = input.weights![p] as number;
  }
  return {
    x,
    rows: positions.length,
    shape: input.shape,
    y,
    ...(weights ? { weights } : {}),
    ...(input.featureNames ? { featureNames: input.featureNames } : {}),
  };
}

function rowWidth(input: ModelInput): number {
  return input.shape.reduce((a, b) => a * b, 1);
}

/**
 * Tabular input whose features are the given models' class probabilities, side by side
 * (`<member>_p_short`, `<member>_p_neutral`, `<member>_p_long`): the meta-learner's input.
 */
export function probabilityFeatures(memberNames: readonly string[], probabilities: readonly Float32Array[], rows: number): ModelInput {
  const width = memberNames.length * NUM_CLASSES;
  const x = new Float32Array(rows * width);
  probabilities.forEach((p, m) => {
    if (p.length !== rows * NUM_CLASSES)
      throw new UsageError(`probabilityFeatures: member ${memberNames[m]} gave ${p.length / NUM_CLASSES} rows, not ${rows}`);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < NUM_CLASSES; c++) x[r * width + m * NUM_CLASSES + c] = p[r * NUM_CLASSES + c] as number;
  });
  const featureNames = memberNames.flatMap((name, m) => ['short', 'neutral', 'long'].map((c) => `${m}_${name}_p_${c}`));
  return { x, rows, shape: [width], featureNames };
}
