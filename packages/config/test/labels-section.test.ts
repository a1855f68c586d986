import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, parseConfig } from '../src/index.js';

describe('labels section', () => {
  it('defaults to the original: nearer-open rule, no cost awareness, atr_14, 2.0 / 1.0 / 3h initial barriers', () => {
    const { labels } = defaultConfig();
    expect(labels).toMatchObject({
      sameBarRule: 'nearerOpen',
      costAware: false,
      atrFeature: 'atr_14',
      initial: { kUp: 2.0, kDown: 1.0, maxBarsPerHorizonBar: 3 },
      quality: {
        idealSpeedPerHorizon: 1.5,
        percentilesFrom: 'train',
        weights: { speed: 0.2, mae: 0.25, mfe: 0.2, painToGain: 0.2, drawdown: 0.15 },
      },
      afml: { enabled: false, volSpan: 100, cusumThreshold: null },
    });
  });

  it('rejects an unknown same-bar rule, weights that do not sum to 1 and crossed tiers', () => {
    expect(() => parseConfig({ labels: { sameBarRule: 'upperFirst' } })).toThrow(ConfigError);
    expect(() => parseConfig({ labels: { quality: { weights: { speed: 0.5 } } } })).toThrow(
      /labels\.quality\.weights: quality weights must sum to 1/,
    );
    expect(() => parseConfig({ labels: { quality: { tiers: { lowPercentile: 90 } } } })).toThrow(
      /lowPercentile must be below highPercentile/,
    );
  });
});

describe('labels.afml.eventFilter', () => {
  it("defaults to the CUSUM filter, with the z-score filter's windows ready", () => {
    expect(defaultConfig().labels.afml).toMatchObject({
      eventFilter: 'cusum',
      zScore: { meanWindow: 20, stdWindow: 20, threshold: 2, twoSided: true },
    });
  });

  it('rejects an unknown filter and a one-bar std window', () => {
    expect(() => parseConfig({ labels: { afml: { eventFilter: 'bollinger' } } })).toThrow(/labels\.afml\.eventFilter/);
    expect(() => parseConfig({ labels: { afml: { zScore: { stdWindow: 1 } } } })).toThrow(/labels\.afml\.zScore\.stdWindow/);
  });
});
