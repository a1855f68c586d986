import { transformerFamily } from '../src/internal/sequence/transformer.js';
import { familySuite } from './seq-task.js';

familySuite(transformerFamily, {
  hp: { hiddenSize: 32, heads: 4, layers: 2, ffnSize: 64, maxEpochs: 4, batchSize: 32, learningRate: 0.003, dropout: 0 },
  minAccuracy: 0.7,
  causal: true,
});
