import { gruFamily } from '../src/internal/sequence/gru.js';
import { familySuite } from './seq-task.js';

familySuite(gruFamily, { hp: { hiddenSize: 16, layers: 1, maxEpochs: 8, batchSize: 64, learningRate: 0.01 }, causal: true });
