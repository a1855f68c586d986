import type { ModelRegistry } from '@tribar/models';
import { BAGGING_CARD, BaggingEnsemble } from './bagging.js';
import { CALIBRATED_CARD, CalibratedModel } from './calibrated.js';
import { notCreatable } from './model-dir.js';
import { BLENDING_CARD, STACKING_CARD, StackingEnsemble } from './stacking.js';
import { VOTING_CARD, VotingEnsemble } from './voting.js';

/**
 * Registers the ensemble families in a registry so `registry.load(dir)` reads a saved ensemble
 * like any model (members are loaded through the same registry). Ensembles are built from their
 * parts (`new VotingEnsemble(...)` etc.), so `registry.create('voting')` fails with a hint.
 */
export function registerEnsembles(registry: ModelRegistry): ModelRegistry {
  registry.register(
    'voting',
    { create: () => notCreatable('voting', 'VotingEnsemble'), load: (dir) => VotingEnsemble.load(dir, registry) },
    VOTING_CARD,
  );
  registry.register(
    'stacking',
    { create: () => notCreatable('stacking', 'StackingEnsemble'), load: (dir) => StackingEnsemble.load(dir, 'stacking', registry) },
    STACKING_CARD,
  );
  registry.register(
    'blending',
    { create: () => notCreatable('blending', 'StackingEnsemble'), load: (dir) => StackingEnsemble.load(dir, 'blending', registry) },
    BLENDING_CARD,
  );
  registry.register(
    'bagging',
    { create: () => notCreatable('bagging', 'BaggingEnsemble'), load: (dir) => BaggingEnsemble.load(dir, registry) },
    BAGGING_CARD,
  );
  registry.register(
    'calibrated',
    { create: () => notCreatable('calibrated', 'CalibratedModel'), load: (dir) => CalibratedModel.load(dir, registry) },
    CALIBRATED_CARD,
  );
  return registry;
}
