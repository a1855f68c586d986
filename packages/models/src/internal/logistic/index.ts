export { LogisticModel, LOGISTIC_CARD, logisticFactory } from './model.js';
