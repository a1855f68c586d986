import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

/** The values `@tribar/tuning` exports; anything else stays in `src/internal/`. */
const VALUES = [
  'CmaEsSampler',
  'DEFAULT_EXCLUDED',
  'GridSampler',
  'HyperbandPruner',
  'JournalStorage',
  'MedianPruner',
  'MemoryStorage',
  'ModelObjective',
  'NopPruner',
  'OPTUNA_PYTHON',
  'OptunaBridgeError',
  'OptunaStudy',
  'RandomSampler',
  'RedisTrials',
  'STUDY_SUMMARY_VERSION',
  'SearchSpaceError',
  'Study',
  'SuccessiveHalvingPruner',
  'TpeSampler',
  'TrialPruned',
  'createStudy',
  'defineSearchSpace',
  'metricDirection',
  'optunaVersion',
  'prunerFor',
  'readStudy',
  'runModelStudy',
  'runModelWorker',
  'runTrialWorker',
  'samplerFor',
  'searchSpaceFromCard',
  'studyFiles',
  'studySummary',
  'trialsTable',
];

describe('the public face of @tribar/tuning', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([...VALUES].sort());
  });
});
