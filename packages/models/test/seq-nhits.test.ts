import { nhitsFamily } from '../src/internal/sequence/nhits.js';
import { familySuite } from './seq-task.js';

familySuite(nhitsFamily, { hp: { mlpUnits: 32, maxEpochs: 10, batchSize: 32, learningRate: 0.01 }, minAccuracy: 0.7, causal: false });
