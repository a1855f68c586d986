import { defaultConfig } from '@tribar/config';
import { Rng } from '@tribar/core';
import { type Bars } from '@tribar/market';
import { describe, expect, it } from 'vitest';
import { contractCycleOf, rollWindowOf } from '../src/internal/clean/contract-cycles.js';
import { adjustRolls, detectRolls } from '../src/internal/clean/rolls.js';
import { generateSyntheticMarket, syntheticOptions } from '../src/internal/synthetic/generate.js';
import { barsFrom, iso } from './helpers/bars.js';
import { hasRealData, MES_1M, MGC_1M, readRealBars } from './helpers/real-data.js';

describe('roll windows', () => {
  it('puts the 2026 real roll dates inside the MES and MGC windows', () => {
    const mes = contractCycleOf('MES')!;
    const mgc = contractCycleOf('MGC')!;
    expect(rollWindowOf(mes, 20260316)).toBe(20260320); // third Friday of March 2026
    expect(rollWindowOf(mes, 20260105)).toBe(-1);
    expect(rollWindowOf(mgc, 20260126)).toBe(20260130); // first notice of Feb 2026 gold
    expect(rollWindowOf(mgc, 20260205)).toBe(-1);
    expect(contractCycleOf('ZZ')).toBeUndefined();
  });
});

describe('adjustRolls', () => {
  const bars = barsFrom('MES', [
    ['2026-03-13T20:58:00Z', 100, 101, 99, 100, 5],
    ['2026-03-13T20:59:00Z', 100, 100.5, 99.5, 100, 5],
    ['2026-03-15T22:00:00Z', 110, 111, 109, 110.5, 7],
    ['2026-03-15T22:01:00Z', 110.5, 112, 110, 111, 7],
  ]);
  const rolls = detectRolls(bars, { jumpMultiple: 8, calendar: [{ symbol: 'MES', at: '2026-03-15T22:00:00Z' }] });

  it('finds a calendar roll at the first bar at or after its time and measures the open gap', () => {
    expect(rolls).toHaveLength(1);
    expect(rolls[0]).toMatchObject({ index: 2, gap: 10, source: 'calendar', time: '2026-03-15T22:00:00.000Z' });
    expect(rolls[0]!.ratio).toBeCloseTo(1.1, 12);
  });

  it('difference: adds the gap to every earlier price and leaves later ones and volume alone', () => {
    const { bars: out, rolls: stamped } = adjustRolls(bars, rolls, 'difference', 0.25);
    expect(Array.from(out.close)).toEqual([110, 110, 110.5, 111]);
    expect(Array.from(out.high)).toEqual([111, 110.5, 111, 112]);
    expect(Array.from(out.volume)).toEqual([5, 5, 7, 7]);
    expect(stamped[0]!.method).toBe('difference');
    expect(bars.close[0]).toBe(100); // input untouched
  });

  it('ratio: multiplies earlier prices by new/old', () => {
    const { bars: out } = adjustRolls(bars, rolls, 'ratio');
    expect(out.close[0]).toBeCloseTo(110, 10);
    expect(out.low[0]).toBeCloseTo(108.9, 10);
    expect(out.close[2]).toBe(110.5);
  });

  it('stacks several rolls from the newest backwards', () => {
    const contract = [1, 1, 2, 3];
    const stepped: Bars = { ...bars, columns: { contract: Float64Array.from(contract) } };
    const found = detectRolls(stepped, { jumpMultiple: 8 });
    expect(found.map((r) => [r.index, r.gap, r.source])).toEqual([
      [2, 10, 'contract'],
      [3, 0, 'contract'],
    ]);
    const withGap = detectRolls(stepped, { jumpMultiple: 8, calendar: [{ symbol: 'MES', at: '2026-03-15T22:01:00Z', gap: 2 }] });
    const { bars: out } = adjustRolls(bars, withGap, 'difference');
    expect(Array.from(out.close)).toEqual([112, 112, 112.5, 111]);
  });

  it('rejects a calendar time that is not ISO', () => {
    expect(() => detectRolls(bars, { jumpMultiple: 8, calendar: [{ symbol: 'MES', at: 'March 15' }] })).toThrow(/not an ISO time/);
  });
});

describe('rolls in the synthetic market', () => {
  const options = { ...syntheticOptions(defaultConfig()), startDate: '2025-12-01', days: 120 };
  const [mes, mgc] = generateSyntheticMarket(options, new Rng(5));

  it('steps the contract column and the price by the carry spread at the scheduled opens', () => {
    const changes = (bars: Bars) => {
      const contract = bars.columns['contract']!;
      const out: [string, number, number][] = [];
      for (let i = 1; i < contract.length; i++)
        if (contract[i] !== contract[i - 1]) out.push([iso(bars.timestamp[i]!), contract[i - 1]!, contract[i]!]);
      return out;
    };
    // Same roll opens as the real TopstepX files: MES 2026-03-15 22:00, MGC 2026-01-25 23:00 UTC.
    expect(changes(mes!)).toEqual([
      ['2025-12-14T23:00:00.000Z', 202512, 202603],
      ['2026-03-15T22:00:00.000Z', 202603, 202606],
    ]);
    expect(changes(mgc!).map((c) => c[0])).toEqual(['2026-01-25T23:00:00.000Z', '2026-03-26T22:00:00.000Z']);
  });

  it('is found by jump detection alone, with no contract column, and nothing else is', () => {
    for (const bars of [mes!, mgc!]) {
      const fromContract = detectRolls(bars, { jumpMultiple: 8 }).map((r) => r.time);
      const withoutColumn = detectRolls({ ...bars, columns: {} }, { jumpMultiple: 8, tickSize: bars.symbol === 'MES' ? 0.25 : 0.1 });
      expect(withoutColumn.map((r) => r.time)).toEqual(fromContract);
      expect(withoutColumn.every((r) => r.gap > 0)).toBe(true);
    }
  });
});

describe.skipIf(!hasRealData(MES_1M))('rolls in the real TopstepX files', () => {
  it('finds exactly the MES roll at 2026-03-15 22:00 UTC and the MGC roll at 2026-01-25 23:00 UTC', () => {
    const mes = detectRolls(readRealBars(MES_1M, 'MES'), { jumpMultiple: 8, tickSize: 0.25 });
    const mgc = detectRolls(readRealBars(MGC_1M, 'MGC'), { jumpMultiple: 8, tickSize: 0.1 });
    // The measured open gaps include the weekend's market move: MES +36 = +49.5 spread − 13.5,
    // MGC +59.2 ≈ +36 spread + a gold rally over the weekend.
    expect(mes.map((r) => [r.time, r.gap, r.source])).toEqual([['2026-03-15T22:00:00.000Z', 36, 'jump']]);
    expect(mgc.map((r) => [r.time, r.gap, r.source])).toEqual([['2026-01-25T23:00:00.000Z', 59.2, 'jump']]);
  });

  it('uses the known spread from the roll calendar: +49.5 for MES', () => {
    const bars = readRealBars(MES_1M, 'MES');
    const rolls = detectRolls(bars, { jumpMultiple: 8, calendar: [{ symbol: 'MES', at: '2026-03-15T22:00:00Z', gap: 49.5 }] });
    expect(rolls.map((r) => [r.time, r.gap, r.source])).toEqual([['2026-03-15T22:00:00.000Z', 49.5, 'calendar']]);
    const { bars: out } = adjustRolls(bars, rolls, 'difference', 0.25);
    const roll = rolls[0]!.index;
    expect(out.close[roll - 1]).toBe(bars.close[roll - 1]! + 49.5);
    expect(out.close[roll]).toBe(bars.close[roll]);
    // What is left at the roll open is the weekend move, −13.5 points.
    expect(out.open[roll]! - out.close[roll - 1]!).toBe(-13.5);
  });

  it('would mistake weekend moves for rolls without the contract cycle (why the cycle is used)', () => {
    const naive = detectRolls(readRealBars(MES_1M, 'MES'), { jumpMultiple: 8, useContractCycle: false });
    expect(naive.length).toBeGreaterThan(3);
    expect(naive.map((r) => r.time)).toContain('2026-03-22T22:00:00.000Z');
  });
});
