import type { RunConfig } from '@tribar/config';
import type { StageDefinition } from '@tribar/core';

/**
 * The stages `tribar pipeline` runs, in registration order. Each data and ML package
 * exports its own stage; this list grows as those packages land (none has yet).
 */
export function registeredStages(): StageDefinition<RunConfig>[] {
  return [];
}
