import { ModelRegistry } from './registry.js';
import { LOGISTIC_CARD, logisticFactory } from './logistic/index.js';
import { GBDT_CARD, gbdtFactory } from './gbdt/index.js';
import { MLP_CARD, mlpFactory } from './mlp/index.js';
import { XGBOOST_CARD, xgboostFactory } from './xgboost/index.js';
import { SEQUENCE_FAMILIES, sequenceFactory } from './sequence/index.js';

/**
 * A registry holding the built-in families (xgboost, logistic, mlp, gbdt and the sequence families). Registering is cheap: a
 * family loads its native library or tfjs backend only when a model is fitted or loaded, so
 * listing cards never fails on a machine without libxgboost.
 */
export function createDefaultRegistry(): ModelRegistry {
  const registry = new ModelRegistry()
    .register(XGBOOST_CARD.name, xgboostFactory, XGBOOST_CARD)
    .register(LOGISTIC_CARD.name, logisticFactory, LOGISTIC_CARD)
    .register(MLP_CARD.name, mlpFactory, MLP_CARD)
    .register(GBDT_CARD.name, gbdtFactory, GBDT_CARD);
  for (const family of SEQUENCE_FAMILIES) registry.register(family.card.name, sequenceFactory(family), family.card);
  return registry;
}
