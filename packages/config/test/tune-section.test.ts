import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, parseConfig } from '../src/index.js';

function issuePaths(input: unknown): string[] {
  try {
    parseConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map(({ path }) => path);
  }
  throw new Error('expected a ConfigError');
}

describe('the tune section', () => {
  it("defaults to a 50-trial TPE study with Optuna's TPE settings, a median pruner and one worker", () => {
    const { tune } = defaultConfig();
    expect(tune).toMatchObject({
      trials: 50,
      sampler: 'tpe',
      pruner: 'median',
      workers: 1,
      metric: 'logLoss',
      redis: null,
      dir: 'studies',
    });
    expect(tune.tpe).toEqual({ startupTrials: 10, eiCandidates: 24, multivariate: false });
    expect(tune.folds).toEqual({ method: 'validation', k: 5, testGroups: 2, embargoBars: 288 });
  });

  it('accepts per-model space overrides', () => {
    const { tune } = parseConfig({
      tune: { space: { xgboost: { include: ['maxDepth'], ranges: { maxDepth: { low: 3, high: 10 } }, fixed: { nEstimators: 200 } } } },
    });
    expect(tune.space.xgboost).toEqual({ include: ['maxDepth'], ranges: { maxDepth: { low: 3, high: 10 } }, fixed: { nEstimators: 200 } });
  });

  it('names the field of a bad value', () => {
    expect(issuePaths({ tune: { sampler: 'bayes' } })).toEqual(['tune.sampler']);
    expect(issuePaths({ tune: { trials: 0 } })).toEqual(['tune.trials']);
    expect(issuePaths({ tune: { space: { xgboost: { ranges: { maxDepth: { low: 1, top: 3 } } } } } })).toEqual([
      'tune.space.xgboost.ranges.maxDepth',
    ]);
  });
});
