import { describe, expect, it } from 'vitest';
import { recordConfigReads, undeclaredConfigReads } from '../src/record-reads.js';

describe('recordConfigReads', () => {
  it('records the dotted path of every leaf read, through objects and arrays', () => {
    const { config, reads } = recordConfigReads({
      seed: 7,
      symbols: ['MES', 'MGC'],
      splits: { purgeBars: 60, train: 0.7 },
      ga: { bounds: { maxBars: [1, 3] } },
      list: [{ a: 1 }],
      train: { symbols: undefined as string[] | undefined },
    });
    expect(config.seed).toBe(7);
    expect(config.symbols.map((s) => s.toLowerCase())).toEqual(['mes', 'mgc']);
    expect(config.splits.purgeBars).toBe(60);
    expect(config.ga.bounds.maxBars[1]).toBe(3);
    expect(config.list[0]?.a).toBe(1);
    expect(config.train.symbols ?? 'fallback').toBe('fallback');
    expect([...reads].sort()).toEqual(['ga.bounds.maxBars', 'list.a', 'seed', 'splits.purgeBars', 'symbols', 'train.symbols']);
  });

  it('records an enumerated object by its path and its fields one by one; a spread of the root records every key', () => {
    const { config, reads } = recordConfigReads({ contracts: { MES: { tickSize: 0.25 } }, horizons: [5] });
    expect(Object.keys(config.contracts)).toEqual(['MES']);
    expect(JSON.stringify(config.contracts)).toBe('{"MES":{"tickSize":0.25}}');
    expect({ ...config }.horizons).toEqual([5]);
    expect([...reads].sort()).toEqual(['contracts', 'contracts.MES', 'contracts.MES.tickSize', 'horizons']);
  });

  it('a key covers itself and everything under it, nothing beside it; seed is always covered', () => {
    expect(undeclaredConfigReads(['splits.purgeBars'], ['splits'])).toEqual([]);
    expect(undeclaredConfigReads(['splits'], ['splits'])).toEqual([]);
    expect(undeclaredConfigReads(['splitsExtra'], ['splits'])).toEqual(['splitsExtra']);
    expect(undeclaredConfigReads(['splits'], ['splits.purgeBars'])).toEqual(['splits']);
    expect(undeclaredConfigReads(['seed', 'symbols', 'horizons'], ['horizons'])).toEqual(['symbols']);
  });
});
