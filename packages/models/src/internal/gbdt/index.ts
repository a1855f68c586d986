// The gbdt family: Tribar's own histogram gradient-boosted trees in TypeScript.
export { GBDT_CARD } from './card.js';
export { GbdtModel, gbdtFactory } from './model.js';
export type { ImportanceType } from './model.js';
