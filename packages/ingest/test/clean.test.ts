import { defaultConfig, parseConfig } from '@tribar/config';
import { DataError, Rng } from '@tribar/core';
import { describe, expect, it } from 'vitest';
import { cleanBars, cleanOptionsFromConfig, type CleanOptions } from '../src/internal/clean/clean.js';
import { resampleBars } from '../src/internal/resample/resample.js';
import { generateSyntheticMarket, syntheticOptions } from '../src/internal/synthetic/generate.js';
import { barsFrom } from './helpers/bars.js';
import { hasRealData, MES_1M, MGC_1M, readRealBars } from './helpers/real-data.js';

const config = defaultConfig();

describe('cleanBars on the synthetic market', () => {
  const [mes, mgc] = generateSyntheticMarket({ ...syntheticOptions(config), startDate: '2025-11-30', days: 140 }, new Rng(21));

  it('back-adjusts every roll from the contract column, leaving the newest prices as traded', () => {
    for (const bars of [mes!, mgc!]) {
      const { bars: out, report } = cleanBars(bars, cleanOptionsFromConfig(config, bars.symbol));
      expect(report.rolls.length).toBe(2);
      expect(report.rolls.every((r) => r.source === 'contract' && r.method === 'difference' && r.gap > 0)).toBe(true);
      const last = out.close.length - 1;
      expect(out.close[last]).toBe(bars.close[last]);
      // No open gap left at a roll: the adjusted previous close equals the roll bar's open.
      for (const roll of report.rolls) expect(out.open[roll.index]).toBe(out.close[roll.index - 1]);
      expect(report.inputBars).toBe(bars.timestamp.length);
      expect(report.outputBars).toBe(out.timestamp.length);
      expect(report.gaps.filledBars).toBe(0);
    }
  });

  it('is deterministic and does not modify its input', () => {
    const before = mes!.close.slice();
    const a = cleanBars(mes!, cleanOptionsFromConfig(config, 'MES'));
    const b = cleanBars(mes!, cleanOptionsFromConfig(config, 'MES'));
    const bytes = (values: Float64Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    expect(bytes(a.bars.close).equals(bytes(b.bars.close))).toBe(true);
    expect(bytes(mes!.close).equals(bytes(before))).toBe(true);
  });
});

describe('cleanBars with owned bars', () => {
  it('adjusts the handed-over bars in place and gives the same bars and report as on a copy', () => {
    const options = { ...cleanOptionsFromConfig(config, 'MES'), outliers: { ...config.clean.outliers, action: 'winsorize' as const } };
    const [mes] = generateSyntheticMarket({ ...syntheticOptions(config), startDate: '2025-11-30', days: 140 }, new Rng(21));
    const [handed] = generateSyntheticMarket({ ...syntheticOptions(config), startDate: '2025-11-30', days: 140 }, new Rng(21));
    const copied = cleanBars(mes!, options);
    const owned = cleanBars(handed!, options, { owned: true });
    expect(owned.report).toEqual(copied.report);
    expect(owned.report.rolls.length).toBe(2);
    const bytes = (values: Float64Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    for (const name of ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const)
      expect(bytes(owned.bars[name]).equals(bytes(copied.bars[name])), name).toBe(true);
    expect(Object.keys(owned.bars.columns)).toEqual(Object.keys(copied.bars.columns));
    // No copy was made: the oldest bar (before both rolls) was adjusted where it lay.
    expect(handed!.close[0]).not.toBe(mes!.close[0]);
    expect(handed!.close[0]).toBe(copied.bars.close[0]);
  });
});

describe('synthetic → clean → five-minute bars', () => {
  it('yields valid, increasing, session-bounded bars with every source minute accounted for', () => {
    const [mes] = generateSyntheticMarket({ ...syntheticOptions(config), days: 30 }, new Rng(3));
    const { bars: clean } = cleanBars(mes!, cleanOptionsFromConfig(config, 'MES'));
    const five = resampleBars(clean, config.timeframes.targetMinutes);
    const sources = five.columns['sourceBars']!;
    let total = 0;
    for (let k = 0; k < five.timestamp.length; k++) {
      if (k > 0 && !(five.timestamp[k]! > five.timestamp[k - 1]!)) throw new Error(`labels not increasing at ${k}`);
      if (!(five.low[k]! <= Math.min(five.open[k]!, five.close[k]!) && five.high[k]! >= Math.max(five.open[k]!, five.close[k]!))) {
        throw new Error(`OHLC broken at ${k}`);
      }
      total += sources[k]!;
    }
    expect(total).toBe(clean.timestamp.length);
    expect(Object.keys(five.columns).sort()).toEqual(['contract', 'filled', 'outlier', 'sourceBars']);
    expect(five.timestamp.length).toBeGreaterThan(clean.timestamp.length / 5 - 100);
  });
});

describe('cleanBars options', () => {
  const bars = barsFrom('MES', [
    ['2026-03-13T20:57:00Z', 100, 100, 100, 100, 5],
    ['2026-03-13T20:59:00Z', 100, 100, 100, 100, 5],
    ['2026-03-15T22:00:00Z', 150, 150, 150, 150, 7],
  ]);
  const base = (): CleanOptions => ({
    maxFillMinutes: 5,
    outliers: { action: 'flag', returnZ: 10, rangeAtr: 8 },
    rolls: { detect: true, adjust: 'difference', jumpMultiple: 8, calendar: [] },
    tickSize: 0.25,
  });

  it('reads the roll calendar (with a known spread) from the run config', () => {
    const parsed = parseConfig({ clean: { rolls: { calendar: [{ symbol: 'MES', at: '2026-03-15T22:00:00Z', gap: 49.5 }] } } });
    const options = cleanOptionsFromConfig(parsed, 'MES');
    expect(options.tickSize).toBe(0.25);
    const { bars: out, report } = cleanBars(bars, options);
    expect(report.rolls.map((r) => [r.source, r.gap])).toEqual([['calendar', 49.5]]);
    expect(out.close[0]).toBe(149.5);
    expect(Array.from(out.columns['filled']!)).toEqual([0, 1, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('with rolls.detect off ignores a contract column but still honours the calendar', () => {
    const withContract = { ...bars, columns: { contract: Float64Array.from([1, 1, 2]) } };
    const off = { ...base(), rolls: { ...base().rolls, detect: false } };
    expect(cleanBars(withContract, off).report.rolls).toEqual([]);
    const calendar = { ...off, rolls: { ...off.rolls, calendar: [{ symbol: 'MES', at: '2026-03-15T22:00:00Z' }] } };
    expect(cleanBars(withContract, calendar).report.rolls.map((r) => r.gap)).toEqual([50]);
  });

  it('rejects unsorted or duplicated timestamps with a hint', () => {
    const duplicate = barsFrom('MES', [
      ['2026-03-13T20:57:00Z', 1, 1, 1, 1, 1],
      ['2026-03-13T20:57:00Z', 1, 1, 1, 1, 1],
    ]);
    expect(() => cleanBars(duplicate, base())).toThrow(DataError);
    expect(() => cleanBars(duplicate, base())).toThrow(/repair/);
  });
});

describe.skipIf(!hasRealData(MES_1M) || !hasRealData(MGC_1M))('cleanBars on the real TopstepX files', () => {
  it('finds one roll per file, fills the 3-minute feed hole and five more minutes, and does not flag the roll bar', () => {
    const expected = { MES: ['2026-03-15T22:00:00.000Z', 36], MGC: ['2026-01-25T23:00:00.000Z', 59.2] } as const;
    for (const [file, symbol] of [
      [MES_1M, 'MES'],
      [MGC_1M, 'MGC'],
    ] as const) {
      const bars = readRealBars(file, symbol);
      const { bars: out, report } = cleanBars(bars, cleanOptionsFromConfig(config, symbol));
      expect(report.rolls.map((r) => [r.time, r.gap])).toEqual([expected[symbol]]);
      expect(report.gaps.filledBars).toBe(8);
      expect(report.outputBars).toBe(bars.timestamp.length + 8);
      const roll = report.rolls[0]!;
      const rollRow = out.timestamp.indexOf(roll.timestamp);
      expect(out.columns['outlier']![rollRow]).toBe(0);
      expect(out.open[rollRow]).toBe(out.close[rollRow - 1]);
      // Flags stay rare (≈ 0.05 % of bars, mostly the 08:30 ET data releases).
      expect(report.outliers.flagged).toBeLessThan(bars.timestamp.length / 1000);
      expect(report.nonPositiveAfterAdjustment).toBe(0);
    }
  });
});
