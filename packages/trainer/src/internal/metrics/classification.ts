import { DataError, UsageError } from '@tribar/core';
import { argmaxClass, CLASS_NAMES as NAMES, NUM_CLASSES as K } from '@tribar/models';
const EPS = 1e-15;

interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** Number of rows whose true class is this one. */
  support: number;
}

export interface ClassificationMetrics {
  rows: number;
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  macroPrecision: number;
  macroRecall: number;
  /** Mean −ln p(true class), p clipped to [1e-15, 1]; weighted by `weights` when given. */
  logLoss: number;
  perClass: { short: ClassScores; neutral: ClassScores; long: ClassScores };
  /** confusion[true][predicted], unweighted counts. */
  confusion: number[][];
}

// The models' own rule (ties to the lower class), so metrics score exactly what `predict` returns.
export { argmaxClass };

const ratio = (num: number, den: number): number => (den === 0 ? 0 : num / den);

/**
 * Classification metrics of 3-class probabilities, matching scikit-learn with zero_division=0 and
 * labels=None: precision/recall/F1 of a class that is never predicted / never true are 0, and the macro
 * averages run over the classes that occur in yTrue or in the predictions (sklearn's unique labels).
 * Counts are unweighted; only the log loss uses `weights`.
 */
export function classificationMetrics(
  yTrue: Uint8Array,
  proba: Float32Array | Float64Array,
  weights?: Float32Array | Float64Array,
): ClassificationMetrics {
  const n = yTrue.length;
  if (n === 0) throw new UsageError('classificationMetrics: no rows', { hint: 'pass at least one labeled row' });
  if (proba.length !== n * K) {
    throw new UsageError(`classificationMetrics: proba has ${proba.length} values, expected rows × 3 = ${n * K}`, {
      hint: 'pass one row of [p_short, p_neutral, p_long] per label',
    });
  }
  if (weights && weights.length !== n) {
    throw new UsageError(`classificationMetrics: weights has ${weights.length} values, expected ${n}`, {
      hint: 'pass one weight per row or none',
    });
  }
  const counts = new Float64Array(K * K);
  let lossSum = 0;
  let weightSum = 0;
  for (let i = 0; i < n; i++) {
    const y = yTrue[i] as number;
    if (y >= K)
      throw new DataError(
        `class ${y} is not 0, 1 or 2`,
        { row: i, field: 'yTrue' },
        { hint: 'map labels −1/0/1 to classes 0/1/2 and drop invalid (−99) rows' },
      );
    for (let c = 0; c < K; c++) {
      if (Number.isNaN(proba[i * K + c]))
        throw new DataError(
          'probability is NaN',
          { row: i, field: `proba[${NAMES[c]}]` },
          { hint: 'check the model output for NaN inputs' },
        );
    }
    const cell = y * K + argmaxClass(proba, i);
    counts[cell] = counts[cell]! + 1;
    const p = Math.min(1, Math.max(EPS, proba[i * K + y] as number));
    const w = weights ? (weights[i] as number) : 1;
    lossSum -= w * Math.log(p);
    weightSum += w;
  }

  const at = (t: number, p: number): number => counts[t * K + p] as number;
  const scores: ClassScores[] = [];
  let correct = 0;
  let macroP = 0;
  let macroR = 0;
  let macroF = 0;
  let weightedF = 0;
  let present = 0;
  for (let c = 0; c < K; c++) {
    const tp = at(c, c);
    let support = 0;
    let predicted = 0;
    for (let o = 0; o < K; o++) {
      support += at(c, o);
      predicted += at(o, c);
    }
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    scores.push({ precision, recall, f1, support });
    correct += tp;
    weightedF += f1 * support;
    if (support > 0 || predicted > 0) {
      present++;
      macroP += precision;
      macroR += recall;
      macroF += f1;
    }
  }
  return {
    rows: n,
    accuracy: correct / n,
    macroF1: macroF / present,
    weightedF1: weightedF / n,
    macroPrecision: macroP / present,
    macroRecall: macroR / present,
    logLoss: ratio(lossSum, weightSum),
    perClass: { short: scores[0]!, neutral: scores[1]!, long: scores[2]! },
    confusion: [0, 1, 2].map((t) => [at(t, 0), at(t, 1), at(t, 2)]),
  };
}
