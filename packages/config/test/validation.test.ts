import { describe, expect, it } from 'vitest';
import { ConfigError, crossFieldIssues, defaultConfig, parseConfig, type ConfigIssue } from '../src/index.js';
import { TribarError } from '@tribar/core';

/** The ConfigError parseConfig throws for `input` (fails the test when it does not throw). */
function configError(input: unknown, source?: string): ConfigError {
  try {
    parseConfig(input, source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected parseConfig to throw a ConfigError');
}

const paths = (issues: readonly ConfigIssue[]) => issues.map((issue) => issue.path);

describe('cross-field checks', () => {
  it('purge 20 with a barrier of maxBars 60: names both numbers, the path and the barrier', () => {
    const error = configError({
      splits: { purgeBars: 20 },
      barriers: { bySymbol: { MES: { '20': { kUp: 3.0, kDown: 2.1, maxBars: 60 } } } },
    });
    expect(error.issues).toHaveLength(1);
    const [issue] = error.issues;
    expect(issue?.path).toBe('splits.purgeBars');
    expect(issue?.message).toContain('purge of 20 bars');
    expect(issue?.message).toContain('60 bars (barriers.bySymbol.MES.20.maxBars)');
    expect(issue?.message).toContain('Set splits.purgeBars to at least 60.');
    expect(error.message).toContain('  - splits.purgeBars: purge of 20 bars');
  });

  it('purge 59 fails and purge 60 passes against the default 60-bar window (GA bound 3.0 × 20)', () => {
    expect(paths(configError({ splits: { purgeBars: 59 } }).issues)).toEqual(['splits.purgeBars']);
    expect(configError({ splits: { purgeBars: 59 } }).issues[0]?.message).toContain('ga.bounds.maxBarsPerHorizonBar[1] × horizon 20');
    expect(parseConfig({ splits: { purgeBars: 60 } }).splits.purgeBars).toBe(60);
    // The original CLI's --purge-bars 20 default is accepted only when no label can be longer.
    expect(parseConfig({ splits: { purgeBars: 20 }, horizons: [5] }).splits.purgeBars).toBe(20);
  });

  it('ratios not summing to 1', () => {
    const error = configError({ splits: { train: 0.6, val: 0.2, test: 0.1 } });
    expect(error.issues).toEqual([{ path: 'splits', message: 'train + val + test must sum to 1, got 0.6 + 0.2 + 0.1 = 0.9' }]);
    // Floating-point sums such as 0.7 + 0.2 + 0.1 are accepted.
    expect(parseConfig({ splits: { train: 0.7, val: 0.2, test: 0.1 } }).splits.val).toBe(0.2);
  });

  it('unknown horizon in barriers.bySymbol', () => {
    const error = configError({ barriers: { bySymbol: { MGC: { '10': { kUp: 1.6, kDown: 1.6, maxBars: 25 } } } } });
    expect(error.issues).toEqual([{ path: 'barriers.bySymbol.MGC.10', message: 'unknown horizon 10; configured horizons are [5, 20]' }]);
    expect(
      parseConfig({ horizons: [5, 10, 20], barriers: { bySymbol: { MGC: { '10': { kUp: 1.6, kDown: 1.6, maxBars: 25 } } } } }).barriers
        .bySymbol['MGC']?.['10']?.maxBars,
    ).toBe(25);
  });

  it('does not blame the shipped tables for horizons the run leaves out', () => {
    // Default tables hold horizon 20; a run on horizon 5 alone did not write them.
    expect(parseConfig({ horizons: [5] }).horizons).toEqual([5]);
  });

  it('files source without a file for a symbol', () => {
    const error = configError({ data: { source: 'files', files: { MES: 'raw/MES_1m.csv' } } });
    expect(error.issues).toEqual([{ path: 'data.files.MGC', message: "data.source is 'files' but symbol MGC has no file" }]);
    expect(parseConfig({ data: { source: 'files', files: { MES: 'a.csv', MGC: 'b.parquet' } } }).data.files).toEqual({
      MES: 'a.csv',
      MGC: 'b.parquet',
    });
  });

  it('GA elites ≥ population and tournament > population', () => {
    expect(configError({ ga: { populationSize: 10, elites: 10 } }).issues).toEqual([
      { path: 'ga.elites', message: '10 elites leave no room in a population of 10' },
    ]);
    expect(paths(configError({ ga: { populationSize: 4, tournamentSize: 5 } }).issues)).toEqual(['ga.tournamentSize']);
    expect(parseConfig({ ga: { populationSize: 3, elites: 2 } }).ga.elites).toBe(2);
  });

  it('ranges must be ordered', () => {
    const error = configError({ ga: { bounds: { kUp: [2.5, 0.8] }, neutralBand: [0.4, 0.4] }, scaling: { clip: { min: 5, max: -5 } } });
    expect(paths(error.issues)).toEqual(['ga.bounds.kUp', 'ga.neutralBand', 'scaling.clip']);
    expect(error.issues[0]?.message).toBe('expected [low, high] with low < high, got [2.5, 0.8]');
  });

  it('duplicates, timeframes that do not nest, cross-asset pairs of unknown symbols', () => {
    const error = configError({
      symbols: ['MES', 'MES'],
      timeframes: { targetMinutes: 7 },
      features: { higherTimeframes: [15], crossAsset: { pairs: [['MES', 'ES']] } },
    });
    expect(error.issues).toEqual([
      { path: 'symbols', message: 'duplicate entries: MES' },
      { path: 'features.higherTimeframes.0', message: '15 min must be a multiple of, and longer than, the 7-min target bars' },
      { path: 'features.crossAsset.pairs.0', message: 'symbol ES is not among the configured symbols [MES, MES]' },
    ]);
    expect(configError({ timeframes: { sourceMinutes: 2, targetMinutes: 5 }, features: { higherTimeframes: [] } }).issues).toEqual([
      { path: 'timeframes.targetMinutes', message: '5 min is not a whole multiple of the 2-min source bars' },
    ]);
  });

  it('several problems at once: issues.length equals their count, each with its path', () => {
    const error = configError(
      {
        splits: { train: 0.8, purgeBars: 20 },
        ga: { populationSize: 4, elites: 4 },
        data: { source: 'files', files: { MES: 'a.csv' } },
        barriers: { bySymbol: { MES: { '60': { kUp: 1, kDown: 1, maxBars: 10 } } } },
      },
      'run.yaml',
    );
    expect(paths(error.issues)).toEqual(['splits', 'splits.purgeBars', 'barriers.bySymbol.MES.60', 'data.files.MGC', 'ga.elites']);
    expect(error.issues).toHaveLength(5);
    expect(error.message.split('\n')[0]).toBe('Invalid config (run.yaml): 5 problems');
    expect(error.message.split('\n').filter((line) => line.startsWith('  - '))).toHaveLength(5);
    expect(error.source).toBe('run.yaml');
  });

  it('crossFieldIssues is empty for the defaults', () => {
    expect(crossFieldIssues(defaultConfig())).toEqual([]);
  });
});

describe('schema checks', () => {
  it('rejects an unknown field (a typo), naming it and its section', () => {
    const error = configError({ splits: { purgeBar: 60 } });
    expect(error.issues).toEqual([{ path: 'splits', message: "unknown field 'purgeBar'" }]);
    expect(configError({ seeds: 1, horizon: [5] }).issues).toEqual([{ path: '', message: "unknown fields 'seeds', 'horizon'" }]);
    expect(configError({ seeds: 1 }).message).toContain('  - <root>: unknown field');
  });

  it('reports every field problem together with its path', () => {
    const error = configError({
      seed: 1.5,
      symbols: ['mes'],
      splits: { purgeBars: -1, embargoBars: 'many' },
      ga: { mutation: { probability: 1.5 } },
      barriers: { byHorizon: { '5': { kUp: 0, kDown: 1, maxBars: 12.5 } } },
    });
    expect(paths(error.issues).sort()).toEqual(
      [
        'seed',
        'symbols.0',
        'splits.purgeBars',
        'splits.embargoBars',
        'ga.mutation.probability',
        'barriers.byHorizon.5.kUp',
        'barriers.byHorizon.5.maxBars',
      ].sort(),
    );
    expect(error.issues.find((issue) => issue.path === 'symbols.0')?.message).toBe('symbols are upper-case tickers such as MES');
  });

  it('rejects a horizon key that is not a positive whole number', () => {
    expect(paths(configError({ barriers: { byHorizon: { '05x': { kUp: 1, kDown: 1, maxBars: 3 } } } }).issues)).toEqual([
      'barriers.byHorizon.05x',
    ]);
  });

  it('is a TribarError with code CONFIG_INVALID and a hint', () => {
    const error = configError({ seed: 'x' });
    expect(error).toBeInstanceOf(TribarError);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.hint).toContain('tribar config print');
    expect(error.message).toMatch(/^Invalid config: 1 problem\n {2}- seed: /);
  });
});
