import { stackedRecurrent } from './stacked-recurrent.js';

export const lstmFamily = stackedRecurrent(
  'lstm',
  'Stacked LSTM (PyTorch gate layout) over [steps, features] windows, a dense softmax head on the last step; causal unless bidirectional.',
);
