import { resolveHyperparameters } from '../registry.js';
import type { ModelCard } from '../types.js';

export const MLP_CARD: ModelCard = {
  name: 'mlp',
  family: 'neural',
  inputKind: 'tabular',
  description:
    'A dense network in tfjs (relu hidden layers with dropout, softmax out), AdamW, balanced class weights; [steps, features] rows are flattened (e.g. 60 × 32 → 1920 → 128 → 3).',
  handlesMissing: false,
  hyperparameters: {
    hiddenUnits: { kind: 'int-list', default: [128, 64], description: 'Units of each hidden layer' },
    dropout: { kind: 'float', default: 0.2, range: [0, 0.9], description: 'Dropout rate after each hidden layer' },
    batchSize: { kind: 'int', default: 256, range: [1, 65_536], description: 'Rows per optimiser step' },
    maxEpochs: { kind: 'int', default: 50, range: [1, 10_000], description: 'Passes over the training rows' },
    learningRate: {
      kind: 'float',
      default: 1e-3,
      range: [1e-7, 1],
      log: true,
      description: 'Adam step size (the onEpoch hook may change it per epoch)',
    },
    weightDecay: { kind: 'float', default: 1e-4, range: [0, 1], description: 'Decoupled (AdamW) weight decay on all parameters' },
    classWeights: {
      kind: 'enum',
      default: 'balanced',
      values: ['balanced', 'none'],
      description: "'balanced' weights the loss by n/(k·count_c) unless sample weights are given",
    },
    seed: { kind: 'int', default: 42, range: [0, 2_147_483_647], description: 'Seeds initial weights, shuffling and dropout' },
  },
};

export interface MlpParams {
  hiddenUnits: number[];
  dropout: number;
  batchSize: number;
  maxEpochs: number;
  learningRate: number;
  weightDecay: number;
  classWeights: 'balanced' | 'none';
  seed: number;
}

export function resolveMlpParams(given: Record<string, unknown>): MlpParams {
  // The card's checks (types, ranges, unknown names) also guard direct factory.create calls.
  const resolved = resolveHyperparameters(MLP_CARD, given);
  const pick = <T>(key: keyof MlpParams): T => resolved[key] as T;
  return {
    hiddenUnits: [...pick<readonly number[]>('hiddenUnits')],
    dropout: pick('dropout'),
    batchSize: pick('batchSize'),
    maxEpochs: pick('maxEpochs'),
    learningRate: pick('learningRate'),
    weightDecay: pick('weightDecay'),
    classWeights: pick('classWeights'),
    seed: pick('seed'),
  };
}
