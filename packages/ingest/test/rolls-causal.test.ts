import { defaultConfig, type RunConfig } from '@tribar/config';
import { Rng } from '@tribar/core';
import { mapBarColumns, type Bars } from '@tribar/market';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanBars, cleanOptionsFromConfig } from '../src/internal/clean/clean.js';
import { detectRolls, type RollEvent } from '../src/internal/clean/rolls.js';
import { repairBars } from '../src/internal/repair/repair.js';
import { resampleBars } from '../src/internal/resample/resample.js';
import { generateSyntheticMarket, syntheticOptions } from '../src/internal/synthetic/generate.js';
import { hasRealData, MES_1M, MGC_1M, readRealBars } from './helpers/real-data.js';

/**
 * Issue 13, "Look-ahead and causality", second item: with the causal roll mode
 * (`clean.rolls.direction: forward`) deleting every bar after a time T changes nothing the
 * `ingest` and `clean` stages write at or before T, rolls included; and roll detection itself
 * decides about bar t from bars ≤ t only, in every mode.
 */

/** The first `n` bars (views), every extra column included. */
function firstBars(bars: Bars, n: number): Bars {
  return {
    symbol: bars.symbol,
    timestamp: bars.timestamp.subarray(0, n),
    open: bars.open.subarray(0, n),
    high: bars.high.subarray(0, n),
    low: bars.low.subarray(0, n),
    close: bars.close.subarray(0, n),
    volume: bars.volume.subarray(0, n),
    columns: Object.fromEntries(Object.entries(bars.columns).map(([name, values]) => [name, values.subarray(0, n)])),
  };
}

/** Number of bars with timestamp < t. */
function countBefore(bars: Bars, t: number): number {
  let n = 0;
  while (n < bars.timestamp.length && (bars.timestamp[n] as number) < t) n++;
  return n;
}

const tickOf = (symbol: string) => (symbol === 'MES' ? 0.25 : 0.1);

describe('roll detection: decisions about bars ≤ T do not change when the bars after T are deleted', () => {
  function checkPrefixes(bars: Bars, runs: number, seed: number): RollEvent[] {
    const options = { jumpMultiple: 8, tickSize: tickOf(bars.symbol) };
    const full = detectRolls(bars, options);
    const n = bars.timestamp.length;
    // Every roll's own bar and the bar before it, and random cuts.
    const examples = full.flatMap((roll) => [[roll.index], [roll.index + 1]] as [number][]);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: n }), (keep) => {
        expect(detectRolls(firstBars(bars, keep), options)).toEqual(full.filter((roll) => roll.index < keep));
      }),
      { numRuns: runs, seed, examples },
    );
    return full;
  }

  it('on synthetic contract switches (the synthetic market without its contract column)', () => {
    // Two years, MES and MGC: 8 and 12 scheduled rolls, found from the open jumps alone.
    const options = { ...syntheticOptions(defaultConfig()), startDate: '2024-11-01', days: 730 };
    for (const market of generateSyntheticMarket(options, new Rng(2))) {
      const rolls = checkPrefixes({ ...market, columns: {} }, 40, 7);
      expect(rolls.length).toBeGreaterThanOrEqual(market.symbol === 'MES' ? 8 : 12);
    }
  });

  it.skipIf(!hasRealData(MES_1M) || !hasRealData(MGC_1M))('on the real MES and MGC files', () => {
    expect(checkPrefixes(readRealBars(MES_1M, 'MES'), 30, 3).map((r) => r.time)).toEqual(['2026-03-15T22:00:00.000Z']);
    expect(checkPrefixes(readRealBars(MGC_1M, 'MGC'), 30, 4).map((r) => r.time)).toEqual(['2026-01-25T23:00:00.000Z']);
  });
});

const TARGET_MINUTES = 5;
const BIN_MS = TARGET_MINUTES * 60_000;

function rollConfig(direction: 'back' | 'forward', calendar: RunConfig['clean']['rolls']['calendar'] = []): RunConfig {
  const config = defaultConfig();
  return {
    ...config,
    clean: { ...config.clean, rolls: { ...config.clean.rolls, direction, calendar } },
    timeframes: { ...config.timeframes, targetMinutes: TARGET_MINUTES },
  };
}

/** Exactly what the `ingest` and `clean` stages run on one symbol: repair, clean, resample. */
function ingestAndClean(raw: Bars, config: RunConfig): { clean: Bars; filledMinutes: number[]; lastInput: number } {
  const tickSize = (config.contracts[raw.symbol] ?? config.defaultContract).tickSize;
  const ingested = repairBars(raw, { tickSize }).bars;
  const cleaned = cleanBars(ingested, cleanOptionsFromConfig(config, raw.symbol)).bars;
  const filled = cleaned.columns['filled']!;
  const filledMinutes = Array.from(cleaned.timestamp).filter((_, i) => filled[i] === 1);
  const n = ingested.timestamp.length;
  return {
    clean: resampleBars(cleaned, config.timeframes.targetMinutes),
    filledMinutes,
    lastInput: n > 0 ? ingested.timestamp[n - 1]! : -Infinity,
  };
}

/**
 * The first (column, bar) before `until` where two clean outputs differ, or undefined. The gap
 * filler's one known exception (a short hole straddling the cut is filled only when the bar
 * after it arrives; see no-look-ahead.test.ts) is left out by the caller through `until`.
 */
function firstDifference(a: Bars, b: Bars, until: number): string | undefined {
  const n = countBefore(a, until);
  if (countBefore(b, until) !== n) return `${n} vs ${countBefore(b, until)} bars before ${new Date(until).toISOString()}`;
  const columns = (bars: Bars): [string, Float64Array][] => [
    ['timestamp', bars.timestamp],
    ['open', bars.open],
    ['high', bars.high],
    ['low', bars.low],
    ['close', bars.close],
    ['volume', bars.volume],
    ...Object.entries(bars.columns),
  ];
  const other = new Map(columns(b));
  for (const [name, x] of columns(a)) {
    const y = other.get(name);
    if (!y) return `column '${name}' only in the full run`;
    for (let i = 0; i < n; i++) {
      if (!Object.is(x[i], y[i]))
        return `column '${name}', bar ${new Date(a.timestamp[i]!).toISOString()}: ${x[i]} with later bars, ${y[i]} without`;
    }
  }
  return undefined;
}

/** For each cut (ISO, on the 5-minute grid): the first difference of the run on bars < cut from the full run. */
function differencesAtCuts(raw: Bars, config: RunConfig, cuts: readonly string[]): (string | undefined)[] {
  const full = ingestAndClean(raw, config);
  return cuts.map((iso) => {
    const cut = Date.parse(iso);
    const run = ingestAndClean(firstBars(raw, countBefore(raw, cut)), config);
    const straddling = full.filledMinutes.find((t) => t > run.lastInput);
    const until = Math.min(cut, straddling === undefined ? Infinity : Math.floor(straddling / BIN_MS) * BIN_MS);
    return firstDifference(full.clean, run.clean, until);
  });
}

/** A few months of a real file around its roll (the whole MES file takes longer than the test needs). */
function realAround(file: string, symbol: string, from: string, to: string): Bars {
  const bars = readRealBars(file, symbol);
  const start = countBefore(bars, Date.parse(from));
  const end = countBefore(bars, Date.parse(to));
  return mapBarColumns(bars, (values) => values.slice(start, end));
}

describe.skipIf(!hasRealData(MES_1M) || !hasRealData(MGC_1M))(
  'clean with forward roll adjustment on the real files: bars after T change nothing before T',
  () => {
    // MES rolls at the 2026-03-15 22:00 UTC open: cuts a week before, at the roll bar (the last
    // bar kept is the Friday close before it), just after it, a day after, and weeks later.
    const mesCuts = [
      '2026-03-09T15:00:00Z',
      '2026-03-15T22:00:00Z',
      '2026-03-15T22:05:00Z',
      '2026-03-16T14:30:00Z',
      '2026-03-31T18:00:00Z',
    ];
    // MGC rolls at the 2026-01-25 23:00 UTC open, four sessions into the file.
    const mgcCuts = ['2026-01-23T16:00:00Z', '2026-01-25T23:00:00Z', '2026-01-25T23:05:00Z', '2026-02-03T15:00:00Z'];

    it('MES and MGC, rolls found by jump detection', () => {
      const mes = realAround(MES_1M, 'MES', '2026-02-16T00:00:00Z', '2026-04-09T00:00:00Z');
      const mgc = realAround(MGC_1M, 'MGC', '2026-01-01T00:00:00Z', '2026-02-21T00:00:00Z');
      const forward = rollConfig('forward');
      expect(differencesAtCuts(mes, forward, mesCuts)).toEqual(mesCuts.map(() => undefined));
      expect(differencesAtCuts(mgc, forward, mgcCuts)).toEqual(mgcCuts.map(() => undefined));
      // Back adjustment fails exactly where the issue says: every cut before the roll sees the prices move.
      const back = differencesAtCuts(mes, rollConfig('back'), mesCuts);
      expect(back.slice(0, 2)).toEqual([expect.stringMatching(/^column 'open', bar 2026-02-16/), expect.stringMatching(/^column 'open'/)]);
      expect(back.slice(2)).toEqual([undefined, undefined, undefined]);
    });

    it('MES with the roll calendar and its known spread (configs/real-mes-mgc.yaml)', () => {
      const mes = realAround(MES_1M, 'MES', '2026-02-16T00:00:00Z', '2026-04-09T00:00:00Z');
      const calendar = [{ symbol: 'MES', at: '2026-03-15T22:00:00Z', gap: 49.5 }];
      expect(differencesAtCuts(mes, rollConfig('forward', calendar), mesCuts)).toEqual(mesCuts.map(() => undefined));
      const full = ingestAndClean(mes, rollConfig('forward', calendar)).clean;
      // Forward keeps the March contract's level: the first five-minute bar is the raw one, and
      // after the roll the June contract sits 49.5 points lower than traded.
      const raw = ingestAndClean(mes, {
        ...rollConfig('forward', calendar),
        clean: { ...rollConfig('forward').clean, rolls: { ...rollConfig('forward').clean.rolls, adjust: 'none', detect: false } },
      }).clean;
      expect(full.open[0]).toBe(raw.open[0]);
      const last = full.timestamp.length - 1;
      expect(raw.close[last]! - full.close[last]!).toBe(49.5);
    });
  },
);
