// The xgboost family: real XGBoost (libxgboost through koffi), trained in a worker thread.
export { XGBOOST_CARD } from './card.js';
export { XGBoostLibraryError, locateXGBoost, hasXGBoost } from './library.js';
export { XGBoostModel, xgboostFactory } from './model.js';
