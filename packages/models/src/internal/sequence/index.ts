export { sequenceFactory } from './engine.js';
export type { SequenceFamily } from './engine.js';
import { gruFamily } from './gru.js';
import { lstmFamily } from './lstm.js';
import { nhitsFamily } from './nhits.js';
import { patchtstFamily } from './patchtst.js';
import { tcnFamily } from './tcn.js';
import { tftFamily } from './tft.js';
import { transformerFamily } from './transformer.js';
import type { SequenceFamily } from './engine.js';

/** The sequence families the default registry holds, in the order the README lists them. */
export const SEQUENCE_FAMILIES: readonly SequenceFamily[] = [
  lstmFamily,
  gruFamily,
  transformerFamily,
  tcnFamily,
  patchtstFamily,
  nhitsFamily,
  tftFamily,
];
