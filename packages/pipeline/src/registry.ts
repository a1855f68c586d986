import type { RunConfig } from '@tribar/config';
import type { StageDefinition } from '@tribar/core';
import { featuresStage } from '@tribar/features';
import { cleanStage, ingestStage } from '@tribar/ingest';

/**
 * The stages `tribar pipeline` runs, in registration order. Each data and ML package exports
 * its own stage; this list grows as those packages land (labels, splits, scaling… are next).
 */
export function registeredStages(): StageDefinition<RunConfig>[] {
  return [ingestStage, cleanStage, featuresStage];
}
