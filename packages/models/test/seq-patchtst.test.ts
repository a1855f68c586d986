import { patchtstFamily } from '../src/internal/sequence/patchtst.js';
import { familySuite } from './seq-task.js';

familySuite(patchtstFamily, {
  hp: {
    patchLength: 4,
    stride: 2,
    hiddenSize: 16,
    heads: 2,
    layers: 1,
    ffnSize: 32,
    maxEpochs: 6,
    batchSize: 32,
    learningRate: 0.003,
    dropout: 0,
  },
  minAccuracy: 0.7,
  causal: false,
});
