// The gbdt card: a LightGBM user's defaults (leaf-wise growth, 31 leaves, learning rate 0.1, 255 bins,
// min 20 rows per leaf), with Tribar's training conventions (early stopping, balanced class weights, seed 42).
import type { ModelCard } from '../types.js';

const GROW_POLICIES = ['leafwise', 'depthwise', 'symmetric'] as const;
type GrowPolicy = (typeof GROW_POLICIES)[number];

export const GBDT_CARD: ModelCard = {
  name: 'gbdt',
  family: 'boosting',
  inputKind: 'tabular',
  aliases: ['lightgbm', 'lgbm'],
  description:
    'Histogram gradient-boosted trees in TypeScript (no native library): softmax over 3 classes, one tree per class per round, ' +
    "leaf-wise (LightGBM), depth-wise (XGBoost) or symmetric (CatBoost's oblivious) trees, NaN = missing with a learned default " +
    'direction, early stopping on validation, class-balanced × sample weights; exports XGBoost JSON.',
  handlesMissing: true,
  hyperparameters: {
    growPolicy: {
      kind: 'enum',
      default: 'leafwise',
      values: GROW_POLICIES,
      description:
        "'leafwise' grows the best leaf first up to numLeaves (LightGBM), 'depthwise' level by level (XGBoost), 'symmetric' one shared split per level (CatBoost).",
    },
    nEstimators: { kind: 'int', default: 500, range: [1, 10_000], description: 'Boosting rounds at most (3 trees each).' },
    learningRate: {
      kind: 'float',
      default: 0.1,
      range: [0.001, 1],
      log: true,
      description: 'Shrinkage of every leaf value (LightGBM’s default 0.1).',
    },
    numLeaves: { kind: 'int', default: 31, range: [2, 4_096], description: "Leaves per tree at most ('leafwise' only)." },
    maxDepth: {
      kind: 'int',
      default: 6,
      range: [0, 32],
      description: "Tree depth at most; 0 = no limit ('leafwise' only, where numLeaves bounds the tree).",
    },
    minDataInLeaf: { kind: 'int', default: 20, range: [0, 1_000_000], description: 'Rows (of the round’s sample) in a leaf at least.' },
    minSumHessianInLeaf: {
      kind: 'float',
      default: 1e-3,
      range: [0, 1_000],
      description: "Hessian sum in a leaf at least (XGBoost's min_child_weight).",
    },
    minGainToSplit: {
      kind: 'float',
      default: 0,
      range: [0, 1_000],
      description: "A split is made only when its gain exceeds this (XGBoost's gamma, LightGBM's min_gain_to_split).",
    },
    regAlpha: { kind: 'float', default: 0, range: [0, 100], description: 'L1 penalty on leaf weights (soft-thresholds gradient sums).' },
    regLambda: { kind: 'float', default: 1, range: [0, 100], description: 'L2 penalty on leaf weights.' },
    subsample: { kind: 'float', default: 1, range: [0.1, 1], description: 'Row fraction drawn (without replacement) per round.' },
    colsampleBytree: { kind: 'float', default: 1, range: [0.1, 1], description: 'Column fraction drawn per tree.' },
    maxBin: { kind: 'int', default: 255, range: [3, 255], description: 'Bins per feature at most, the missing-value bin included.' },
    boostFromAverage: {
      kind: 'bool',
      default: true,
      description: "Start every class's margin at the log of its weighted train frequency (false: all 0, XGBoost's multi-class start).",
    },
    earlyStoppingRounds: {
      kind: 'int',
      default: 50,
      range: [0, 10_000],
      description: 'Stop when validation log loss has not improved for this many rounds (0 = never; needs validation data).',
    },
    classWeights: {
      kind: 'enum',
      default: 'balanced',
      values: ['balanced', 'none'],
      description: "'balanced' multiplies each row's weight by n/(k·count of its class), as the other families.",
    },
    workers: {
      kind: 'int',
      default: 2,
      range: [1, 64],
      description: 'Threads building histograms (worker threads when the data is large enough); results are identical for any count.',
    },
    seed: { kind: 'int', default: 42, range: [0, 2_147_483_647], description: 'Row and column sampling.' },
  },
};

/** The card's hyperparameters, typed, as the engine reads them. */
export interface GbdtParams {
  growPolicy: GrowPolicy;
  nEstimators: number;
  learningRate: number;
  numLeaves: number;
  maxDepth: number;
  minDataInLeaf: number;
  minSumHessianInLeaf: number;
  minGainToSplit: number;
  regAlpha: number;
  regLambda: number;
  subsample: number;
  colsampleBytree: number;
  maxBin: number;
  boostFromAverage: boolean;
  earlyStoppingRounds: number;
  classWeights: 'balanced' | 'none';
  workers: number;
  seed: number;
}

/** Resolved hyperparameters (already checked against the card) as `GbdtParams`. */
export function gbdtParams(hp: Record<string, unknown>): GbdtParams {
  return hp as unknown as GbdtParams;
}
