export { MlpModel, MLP_CARD, mlpFactory } from './model.js';
