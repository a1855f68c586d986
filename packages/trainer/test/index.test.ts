import { describe, expect, it } from 'vitest';
import * as trainer from '../src/index.js';

describe('the public face', () => {
  it('exports exactly what the pipeline, the CLI and the README use', () => {
    expect(Object.keys(trainer).sort()).toEqual([
      'EXIT_REASONS',
      'TRAIN_SUMMARY_VERSION',
      'backtest',
      'backtestRows',
      'checkTrainSection',
      'classificationMetrics',
      'combineCallbacks',
      'earlyStopping',
      'learningRateAt',
      'sampleWindows',
      'subsetInput',
      'toModelInput',
      'trainModel',
      'trainStage',
      'trainingPlan',
    ]);
    expect(trainer.TRAIN_SUMMARY_VERSION).toBe(1);
    expect(trainer.EXIT_REASONS).toEqual(['takeProfit', 'stop', 'timeout', 'signal', 'dataEnd']);
  });
});
