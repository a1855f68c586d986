// The xgboost card: defaults are the original's (§14.2); the ranges are what the library accepts
// sensibly, wide enough to hold the original tuner's search space (§14.5), which each description names.
import { NUM_CLASSES, type ModelCard } from '../types.js';
import { balancedClassWeights } from '../dense-input.js';

export const XGBOOST_CARD: ModelCard = {
  name: 'xgboost',
  family: 'boosting',
  inputKind: 'tabular',
  aliases: ['xgb'],
  description:
    'Gradient-boosted trees (libxgboost through FFI): multi:softprob over 3 classes, hist trees, mlogloss on train and validation, ' +
    'early stopping on validation, class-balanced × sample weights, NaN = missing.',
  handlesMissing: true,
  hyperparameters: {
    nEstimators: { kind: 'int', default: 500, range: [1, 10_000], description: 'Boosting rounds at most (tuner 100–500).' },
    maxDepth: { kind: 'int', default: 6, range: [1, 16], description: 'Maximum tree depth (tuner 3–10).' },
    minChildWeight: { kind: 'float', default: 10, range: [0, 100], description: 'Minimum hessian sum in a leaf (tuner 1–20).' },
    subsample: { kind: 'float', default: 0.8, range: [0.1, 1], description: 'Row fraction sampled per tree (tuner 0.6–1).' },
    colsampleBytree: { kind: 'float', default: 0.8, range: [0.1, 1], description: 'Column fraction sampled per tree (tuner 0.6–1).' },
    learningRate: { kind: 'float', default: 0.05, range: [0.001, 1], log: true, description: 'Shrinkage eta (tuner 0.01–0.3, log).' },
    gamma: { kind: 'float', default: 0.1, range: [0, 100], description: 'Minimum loss reduction to split (tuner 0–5).' },
    regAlpha: { kind: 'float', default: 0.1, range: [0, 100], description: 'L1 penalty on leaf weights (tuner 0–10).' },
    regLambda: { kind: 'float', default: 1.0, range: [0, 100], description: 'L2 penalty on leaf weights (tuner 0–10).' },
    earlyStoppingRounds: {
      kind: 'int',
      default: 50,
      range: [0, 10_000],
      description: 'Stop when validation mlogloss has not improved for this many rounds (0 = never; needs validation data).',
    },
    classWeights: {
      kind: 'enum',
      default: 'balanced',
      values: ['balanced', 'none'],
      description: "'balanced' multiplies each row's weight by n/(k·count of its class), as the original.",
    },
    threads: { kind: 'int', default: 2, range: [1, 256], description: 'XGBoost nthread.' },
    seed: { kind: 'int', default: 42, range: [0, 2_147_483_647], description: 'Random seed (row/column sampling).' },
  },
};

/** The card's hyperparameters as XGBoost parameters. */
export function xgboostParams(hp: Record<string, unknown>, seed: number, withValidation: boolean): [string, string][] {
  const s = (key: string) => String(hp[key]);
  const params: Record<string, string> = {
    objective: 'multi:softprob',
    num_class: String(NUM_CLASSES),
    tree_method: 'hist',
    eta: s('learningRate'),
    max_depth: s('maxDepth'),
    min_child_weight: s('minChildWeight'),
    subsample: s('subsample'),
    colsample_bytree: s('colsampleBytree'),
    gamma: s('gamma'),
    alpha: s('regAlpha'),
    lambda: s('regLambda'),
    nthread: s('threads'),
    seed: String(seed),
    verbosity: '1',
  };
  // eval_metric accumulates over repeated SetParam calls; early stopping is ours and watches mlogloss.
  const metrics: [string, string][] = withValidation
    ? [
        ['eval_metric', 'mlogloss'],
        ['eval_metric', 'merror'],
      ]
    : [['eval_metric', 'mlogloss']];
  return [...Object.entries(params), ...metrics];
}

/**
 * Row weights for training: sample weights (or 1) times, when `balanced`, n/(k·count_c) where
 * k is the number of classes present — sklearn's `compute_class_weight('balanced')`, as the original.
 */
export function trainingWeights(y: Uint8Array, sample: Float32Array | undefined, balanced: boolean): Float32Array | undefined {
  if (!balanced) return sample;
  const factor = balancedClassWeights(y);
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = factor[y[i] as number]! * (sample === undefined ? 1 : (sample[i] as number));
  return out;
}
