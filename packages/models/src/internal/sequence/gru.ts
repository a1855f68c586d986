import { stackedRecurrent } from './stacked-recurrent.js';

export const gruFamily = stackedRecurrent(
  'gru',
  'Stacked GRU (PyTorch gate layout, reset gate after the recurrent product) over [steps, features] windows, a dense softmax head on the last step; causal unless bidirectional.',
);
