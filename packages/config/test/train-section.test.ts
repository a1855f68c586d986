import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, parseConfig } from '../src/index.js';

function issuesOf(input: unknown): Array<{ path: string; message: string }> {
  try {
    parseConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map(({ path, message }) => ({ path, message }));
  }
  throw new Error('expected a ConfigError');
}

describe('the train section', () => {
  it('defaults to logistic and gbdt (no system library needed), with the original family patience left to the models', () => {
    const { train } = defaultConfig();
    expect(train.models).toEqual(['logistic', 'gbdt']);
    expect(train.hyperparameters).toEqual({ gbdt: { earlyStoppingRounds: 20, numLeaves: 15, colsampleBytree: 0.5 } });
    expect(train.symbols).toBeUndefined();
    expect(train.earlyStopping).toEqual({ patience: null, minDelta: 1e-4 });
    expect(train.learningRate).toEqual({ schedule: 'cosine', warmupEpochs: 5 });
    expect(train.cv).toEqual({ folds: 0, embargoBars: 288 });
    expect(train.backtest).toEqual({ threshold: 0.5, entry: 'close', allowReverse: true });
    expect(train.tracking).toEqual({ dir: 'mlruns', experiment: 'tribar' });
  });

  it('accepts models, a subset of series and per-model hyperparameters', () => {
    const config = parseConfig({
      train: { models: ['xgboost', 'logistic'], horizons: [20], hyperparameters: { xgboost: { maxDepth: 4 } } },
    });
    expect(config.train.models).toEqual(['xgboost', 'logistic']);
    expect(config.train.horizons).toEqual([20]);
    expect(config.train.hyperparameters).toEqual({ xgboost: { maxDepth: 4 } });
  });

  it('reports unknown series and duplicate models all at once; hyperparameters may name a model the pipeline does not train', () => {
    const issues = issuesOf({
      train: { models: ['xgboost', 'XGBoost'], symbols: ['ES'], horizons: [60], hyperparameters: { mlp: { maxEpochs: 3 } } },
    });
    // mlp is for `tribar train`; whether a key names a registered model is the trainer's check.
    expect(issues.map((i) => i.path).sort()).toEqual(['train.horizons', 'train.models', 'train.symbols']);
    expect(issues.find((i) => i.path === 'train.symbols')?.message).toBe('symbol ES is not among the configured symbols [MES, MGC]');
    expect(issues.find((i) => i.path === 'train.horizons')?.message).toBe('horizon 60 is not among the configured horizons [5, 20]');
    expect(issues.find((i) => i.path === 'train.models')?.message).toBe('duplicate entries: xgboost');
  });

  it('refuses one-fold cross-validation and thresholds outside [0, 1]', () => {
    const paths = issuesOf({ train: { cv: { folds: 1 }, backtest: { threshold: 1.5 } } })
      .map((i) => i.path)
      .sort();
    expect(paths).toEqual(['train.backtest.threshold', 'train.cv.folds']);
  });
});
