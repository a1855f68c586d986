import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig, runConfigSchema } from '../src/index.js';

// The replaced system's values, from original-system.md (section numbers in the test names).
describe('defaults', () => {
  const config = defaultConfig();

  it('parse cleanly: the defaults pass every cross-field check', () => {
    expect(parseConfig({})).toEqual(config);
    expect(runConfigSchema.parse({})).toEqual(config);
  });

  it('§13: seed 42, symbols MES and MGC, horizons [5, 20] (ACTIVE_HORIZONS)', () => {
    expect(config.seed).toBe(42);
    expect(config.symbols).toEqual(['MES', 'MGC']);
    expect(config.horizons).toEqual([5, 20]);
  });

  it('§13: contracts MES tick 0.25 / $1.25, MGC tick 0.10 / $1.00, round-trip commission 0.5 and 0.3 ticks', () => {
    expect(config.contracts['MES']).toEqual({ tickSize: 0.25, tickValue: 1.25, commissionTicks: 0.5, slippageTicks: 0.5 });
    expect(config.contracts['MGC']).toEqual({ tickSize: 0.1, tickValue: 1.0, commissionTicks: 0.3, slippageTicks: 0.75 });
    expect(Object.keys(config.contracts)).toEqual(['MES', 'MGC']);
  });

  it('§8/§13: ratios 0.70/0.15/0.15, purge 60, embargo 1440 (BASE+), 20 % minimum symbol share', () => {
    expect(config.splits).toEqual({ train: 0.7, val: 0.15, test: 0.15, purgeBars: 60, embargoBars: 1440, minSymbolShare: 0.2 });
  });

  it('§5: barrier tables, MES (BASE) and MGC per symbol, BARRIER_PARAMS_DEFAULT per horizon, 1.0/1.0/3h fallback', () => {
    expect(config.barriers.bySymbol).toEqual({
      MES: { '5': { kUp: 1.5, kDown: 1.0, maxBars: 12 }, '20': { kUp: 3.0, kDown: 2.1, maxBars: 50 } },
      MGC: { '5': { kUp: 1.2, kDown: 1.2, maxBars: 12 }, '20': { kUp: 2.5, kDown: 2.5, maxBars: 50 } },
    });
    expect(config.barriers.byHorizon).toEqual({
      '1': { kUp: 0.3, kDown: 0.3, maxBars: 4 },
      '5': { kUp: 1.35, kDown: 1.1, maxBars: 12 },
      '20': { kUp: 2.75, kDown: 2.3, maxBars: 50 },
    });
    expect(config.barriers.fallback).toEqual({ kUp: 1.0, kDown: 1.0, maxBarsPerHorizonBar: 3 });
  });

  it('§6: GA 50 × 30, tournament 3, blend α 0.3 p 0.7, mutation σ 0.2 gene p 0.3 p 0.2, 2 elites', () => {
    const { ga } = config;
    expect([ga.enabled, ga.populationSize, ga.generations, ga.tournamentSize, ga.elites]).toEqual([true, 50, 30, 3, 2]);
    expect(ga.crossover).toEqual({ alpha: 0.3, probability: 0.7 });
    expect(ga.mutation).toEqual({ sigma: 0.2, geneProbability: 0.3, probability: 0.2 });
  });

  it('§6: GA bounds (k up to 4.0 instead of 2.5, so H20 can reach the neutral band), subset and neutral band', () => {
    const { ga } = config;
    expect(ga.bounds).toEqual({ kUp: [0.8, 4.0], kDown: [0.8, 4.0], maxBarsPerHorizonBar: [2.0, 3.0] });
    expect([ga.subsetFraction, ga.minSubsetBars]).toEqual([0.3, 1000]);
    expect(ga.neutralBand).toEqual([0.15, 0.4]);
    expect(ga.neutralTarget).toEqual([0.2, 0.3]);
  });

  it('§6 fixed: GA constraints on class shares and trades, and the asymmetry rule per symbol (MGC symmetric)', () => {
    const { ga } = config;
    expect([ga.minClassShare, ga.minTrades]).toEqual([0.1, 100]);
    expect(ga.asymmetry).toEqual({ MES: 'upperWider', MGC: 'symmetric' });
  });

  it('§9: robust scaling on quartiles, log of price and volume, clip to ±5', () => {
    expect(config.scaling).toEqual({
      defaultScaler: 'robust',
      robustQuantiles: [25, 75],
      logPriceAndVolume: true,
      clip: { enabled: true, min: -5, max: 5 },
    });
  });

  it('§4/§13: indicator periods the code used (EMA 9,12,21,26,50, not the unused config list)', () => {
    const { features } = config;
    expect(features.sma).toEqual([10, 20, 50, 100, 200]);
    expect(features.ema).toEqual([9, 12, 21, 26, 50]);
    expect(features.atr).toEqual([7, 14, 21]);
    expect([features.rsi, features.macd.fast, features.macd.slow, features.macd.signal]).toEqual([14, 12, 26, 9]);
    expect(features.bollinger).toEqual({ period: 20, std: 2 });
  });

  it('§10/§13: correlation 0.85, variance 0.01; five-minute bars from one-minute data', () => {
    expect(config.validation).toMatchObject({ correlationThreshold: 0.85, varianceThreshold: 0.01 });
    expect(config.timeframes).toEqual({ sourceMinutes: 1, targetMinutes: 5 });
  });

  it('returns a fresh object on every call', () => {
    const a = defaultConfig();
    a.splits.purgeBars = 1;
    a.symbols.push('ES');
    expect(defaultConfig().splits.purgeBars).toBe(60);
    expect(defaultConfig().symbols).toEqual(['MES', 'MGC']);
  });

  it('fills an omitted section field by field', () => {
    const config = parseConfig({ splits: { embargoBars: 288 }, ga: { crossover: { alpha: 0.5 } } });
    expect(config.splits).toEqual({ ...defaultConfig().splits, embargoBars: 288 });
    expect(config.ga.crossover).toEqual({ alpha: 0.5, probability: 0.7 });
  });
});
