import { tcnFamily } from '../src/internal/sequence/tcn.js';
import { familySuite } from './seq-task.js';

familySuite(tcnFamily, {
  hp: { channels: 16, dilations: [1, 2, 4], maxEpochs: 8, batchSize: 64, learningRate: 0.01, dropout: 0 },
  causal: true,
});
