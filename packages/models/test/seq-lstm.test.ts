import { lstmFamily } from '../src/internal/sequence/lstm.js';
import { familySuite } from './seq-task.js';

familySuite(lstmFamily, { hp: { hiddenSize: 16, layers: 1, maxEpochs: 8, batchSize: 64, learningRate: 0.01 }, causal: true });
