/**
 * The pipeline's stage names: the one place they are spelled. A stage's `name`, the `dependsOn`
 * of its readers and each artifact's `producer` all come from here.
 */
export const STAGE = {
  ingest: 'ingest',
  clean: 'clean',
  cut: 'cut',
  features: 'features',
  labelsInitial: 'labels-initial',
  gaOptimize: 'ga-optimize',
  labelsFinal: 'labels-final',
  splits: 'splits',
  scale: 'scale',
  validate: 'validate',
  train: 'train',
  report: 'report',
} as const;

export type StageName = (typeof STAGE)[keyof typeof STAGE];

/** The writer of the run's own files (config, state, manifest, log). */
export const PIPELINE = 'pipeline';
