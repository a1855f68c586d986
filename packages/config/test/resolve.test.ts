import { describe, expect, it } from 'vitest';
import { barrierFor, contractFor, defaultConfig, longestLabelWindow, parseConfig } from '../src/index.js';

describe('barrierFor', () => {
  const config = defaultConfig();

  it('takes the symbol’s own table first', () => {
    expect(barrierFor(config, 'MES', 20)).toEqual({
      params: { kUp: 3.0, kDown: 2.1, maxBars: 50 },
      source: 'symbol',
      path: 'barriers.bySymbol.MES.20',
    });
    expect(barrierFor(config, 'MGC', 5).params).toEqual({ kUp: 1.2, kDown: 1.2, maxBars: 12 });
  });

  it('then the horizon table, for a symbol or horizon without its own entry', () => {
    expect(barrierFor(config, 'MES', 1)).toEqual({
      params: { kUp: 0.3, kDown: 0.3, maxBars: 4 },
      source: 'horizon',
      path: 'barriers.byHorizon.1',
    });
    expect(barrierFor(config, 'ES', 5)).toEqual({
      params: { kUp: 1.35, kDown: 1.1, maxBars: 12 },
      source: 'horizon',
      path: 'barriers.byHorizon.5',
    });
  });

  it('then the fallback: h = 7 gives kUp 1, kDown 1, maxBars 21', () => {
    expect(barrierFor(config, 'MES', 7)).toEqual({
      params: { kUp: 1, kDown: 1, maxBars: 21 },
      source: 'fallback',
      path: 'barriers.fallback',
    });
  });

  it('rounds a fractional fallback window up', () => {
    const custom = parseConfig({ barriers: { fallback: { kUp: 1.4, kDown: 0.9, maxBarsPerHorizonBar: 2.5 } } });
    expect(barrierFor(custom, 'MGC', 7).params).toEqual({ kUp: 1.4, kDown: 0.9, maxBars: 18 });
  });
});

describe('contractFor', () => {
  const config = defaultConfig();

  it('MES round trip: 0.5 + 2 × 0.5 = 1.5 ticks = 0.375 points = $1.875', () => {
    expect(contractFor(config, 'MES')).toEqual({
      tickSize: 0.25,
      tickValue: 1.25,
      commissionTicks: 0.5,
      slippageTicks: 0.5,
      known: true,
      roundTripTicks: 1.5,
      roundTripPrice: 0.375,
      roundTripUsd: 1.875,
    });
  });

  it('MGC round trip: 0.3 + 2 × 0.75 = 1.8 ticks = 0.18 points = $1.80', () => {
    const mgc = contractFor(config, 'MGC');
    expect(mgc.known).toBe(true);
    expect(mgc.roundTripTicks).toBeCloseTo(1.8, 12);
    expect(mgc.roundTripPrice).toBeCloseTo(0.18, 12);
    expect(mgc.roundTripUsd).toBeCloseTo(1.8, 12);
  });

  it('uses defaultContract for an unknown symbol and says so', () => {
    const zn = contractFor(config, 'ZN');
    expect(zn).toEqual({
      tickSize: 0.01,
      tickValue: 1.0,
      commissionTicks: 0.5,
      slippageTicks: 0.5,
      known: false,
      roundTripTicks: 1.5,
      roundTripPrice: zn.roundTripPrice,
      roundTripUsd: 1.5,
    });
    expect(zn.roundTripPrice).toBeCloseTo(0.015, 12);
  });

  it('prices a contract added in the config', () => {
    const config = parseConfig({ contracts: { ES: { tickSize: 0.25, tickValue: 12.5, commissionTicks: 0.4, slippageTicks: 1 } } });
    expect(contractFor(config, 'ES')).toMatchObject({ known: true, roundTripTicks: 2.4, roundTripPrice: 0.6, roundTripUsd: 30 });
    expect(contractFor(config, 'MES').known).toBe(false);
  });
});

describe('longestLabelWindow', () => {
  it('is 60 bars by default, from the GA upper bound 3.0 × horizon 20', () => {
    expect(longestLabelWindow(defaultConfig())).toEqual({ bars: 60, path: 'ga.bounds.maxBarsPerHorizonBar[1] × horizon 20' });
  });

  it('is the largest table maxBars when the GA is off', () => {
    expect(longestLabelWindow(parseConfig({ ga: { enabled: false } }))).toEqual({ bars: 50, path: 'barriers.bySymbol.MES.20.maxBars' });
  });

  it('names the barrier that sets it', () => {
    const config = parseConfig({
      horizons: [5, 20],
      splits: { purgeBars: 80 },
      barriers: { bySymbol: { MGC: { '20': { kUp: 2.5, kDown: 2.5, maxBars: 75 } } } },
    });
    expect(longestLabelWindow(config)).toEqual({ bars: 75, path: 'barriers.bySymbol.MGC.20.maxBars' });
  });

  it('counts only configured symbols and horizons, and the fallback for a horizon without a table', () => {
    expect(longestLabelWindow(parseConfig({ horizons: [5], ga: { enabled: false } }))).toEqual({
      bars: 12,
      path: 'barriers.bySymbol.MES.5.maxBars',
    });
    expect(longestLabelWindow(parseConfig({ horizons: [5, 30], splits: { purgeBars: 90 }, ga: { enabled: false } }))).toEqual({
      bars: 90,
      path: 'barriers.fallback',
    });
  });
});
