import { tftFamily } from '../src/internal/sequence/tft.js';
import { familySuite } from './seq-task.js';

// The suite also checks tft's feature importance (mean variable-selection weights) on the trained model.
familySuite(tftFamily, {
  hp: { hiddenSize: 8, heads: 2, maxEpochs: 6, batchSize: 32, learningRate: 0.01, dropout: 0 },
  minAccuracy: 0.7,
  causal: true,
});
