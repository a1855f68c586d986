import { defaultConfig, type RunConfig } from '@tribar/config';
import { Rng } from '@tribar/core';
import type { Bars } from '@tribar/market';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanBars, cleanOptionsFromConfig } from '../src/internal/clean/clean.js';
import { repairBars } from '../src/internal/repair/repair.js';
import { resampleBars } from '../src/internal/resample/resample.js';
import { generateSyntheticMarket } from '../src/internal/synthetic/generate.js';
import { rowsWhere } from './helpers/bars.js';
import { hasRealData, MES_1M, MGC_1M, readRealBars } from './helpers/real-data.js';

/**
 * No look-ahead in ingest + clean: whatever happens after a time C, every column of every bar
 * the two stages write before C is the same. For random cut points C (on the clean stage's bin
 * grid, so a resampled bar before C holds only minutes before C) the one-minute input is cut
 * before C and run through exactly what the `ingest` and `clean` stages run (repairBars, then
 * cleanBars and resampleBars with the run config's options), and compared with the full run.
 *
 * Rolls are adjusted causally here (`clean.rolls.direction: forward`: later contracts shifted onto
 * the earlier one's level, jump detection against earlier opens only), the mode a live system
 * runs; the default `back` shifts every earlier price by design. Every column is covered: prices,
 * volume, `sourceBars`, `filled`, `outlier`, `contract`.
 */

const TARGET_MINUTES = 5;
const BIN_MS = TARGET_MINUTES * 60_000;

function configWithCausalRolls(): RunConfig {
  const config = defaultConfig();
  return {
    ...config,
    clean: { ...config.clean, rolls: { ...config.clean.rolls, direction: 'forward' } },
    timeframes: { ...config.timeframes, targetMinutes: TARGET_MINUTES },
  };
}

/** The `ingest` and `clean` stages' work on one symbol's raw bars: the one-minute bars and the clean bars. */
function ingestAndClean(raw: Bars, config: RunConfig): { ingested: Bars; clean: Bars } {
  const tickSize = (config.contracts[raw.symbol] ?? config.defaultContract).tickSize;
  const ingested = repairBars(raw, { tickSize }).bars;
  const cleaned = cleanBars(ingested, cleanOptionsFromConfig(config, raw.symbol)).bars;
  return { ingested, clean: resampleBars(cleaned, config.timeframes.targetMinutes) };
}

/** The rows of `bars` with timestamp < cut and not `drop`ped (raw input may be unsorted: filtered, not sliced). */
function before(bars: Bars, cut: number, drop: (t: number) => boolean = () => false): Bars {
  return rowsWhere(bars, (t) => t < cut && !drop(t));
}

/**
 * `bars` with every bar at or after `cut` moved by its own random number of ticks (σ = 6 ticks,
 * the whole bar, so OHLC stays consistent): later bars that look nothing like the real ones.
 */
function noisyFrom(bars: Bars, cut: number, tickSize: number, seed: number): Bars {
  const rng = new Rng(seed);
  const out: Bars = {
    ...bars,
    open: bars.open.slice(),
    high: bars.high.slice(),
    low: bars.low.slice(),
    close: bars.close.slice(),
  };
  bars.timestamp.forEach((t, i) => {
    if (t < cut) return;
    const shift = tickSize * Math.round(rng.normal(0, 6));
    for (const column of [out.open, out.high, out.low, out.close]) column[i] = (column[i] as number) + shift;
  });
  return out;
}

/** Every column of `bars` as name → values, for the bars with timestamp < cut. */
function columnsBefore(bars: Bars, cut: number): Record<string, number[]> {
  let n = 0;
  while (n < bars.timestamp.length && (bars.timestamp[n] as number) < cut) n++;
  const all: Record<string, Float64Array> = {
    timestamp: bars.timestamp,
    open: bars.open,
    high: bars.high,
    low: bars.low,
    close: bars.close,
    volume: bars.volume,
    ...bars.columns,
  };
  return Object.fromEntries(Object.entries(all).map(([name, column]) => [name, Array.from(column.subarray(0, n))]));
}

/** The first differing (column, bar) of two column sets, or undefined (readable failures). */
function firstDifference(a: Record<string, number[]>, b: Record<string, number[]>): string | undefined {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const name of names) {
    const x = a[name];
    const y = b[name];
    if (!x || !y) return `column '${name}' only in one run`;
    if (x.length !== y.length) return `column '${name}': ${x.length} vs ${y.length} bars`;
    for (let i = 0; i < x.length; i++) {
      if (!Object.is(x[i], y[i])) {
        const at = new Date(a['timestamp']![i] ?? Number.NaN).toISOString();
        return `column '${name}', bar ${i} (${at}): ${x[i]} with later bars, ${y[i]} without`;
      }
    }
  }
  return undefined;
}

function checkCuts(raw: Bars, config: RunConfig, numRuns: number, seed: number, cutsToTry: readonly string[] = []): void {
  const full = ingestAndClean(raw, config);
  const first = raw.timestamp[0] as number;
  const last = raw.timestamp[raw.timestamp.length - 1] as number;
  const firstBin = Math.ceil(first / BIN_MS) + 1;
  const lastBin = Math.floor(last / BIN_MS);
  fc.assert(
    fc.property(fc.integer({ min: firstBin, max: lastBin }), (bin) => {
      const cut = bin * BIN_MS;
      const cutRun = ingestAndClean(before(raw, cut), config);
      const ingested = firstDifference(columnsBefore(full.ingested, cut), columnsBefore(cutRun.ingested, cut));
      expect(ingested, `ingest, cut at ${new Date(cut).toISOString()}`).toBeUndefined();
      const clean = firstDifference(columnsBefore(full.clean, cut), columnsBefore(cutRun.clean, cut));
      expect(clean, `clean, cut at ${new Date(cut).toISOString()}`).toBeUndefined();
      // Not only missing bars: different later bars change nothing before the cut either.
      const tickSize = (config.contracts[raw.symbol] ?? config.defaultContract).tickSize;
      const noisy = ingestAndClean(noisyFrom(raw, cut, tickSize, bin), config);
      const noisyClean = firstDifference(columnsBefore(full.clean, cut), columnsBefore(noisy.clean, cut));
      expect(noisyClean, `clean, noise from ${new Date(cut).toISOString()}`).toBeUndefined();
    }),
    { numRuns, seed, examples: cutsToTry.map((iso) => [Date.parse(iso) / BIN_MS] as [number]) },
  );
}

describe('ingest + clean: bars after a cut never change any column before it', () => {
  it('on a synthetic market (with a contract column and rolls), random cuts', () => {
    const base = configWithCausalRolls();
    const config: RunConfig = {
      ...base,
      data: { ...base.data, synthetic: { ...base.data.synthetic, startDate: '2025-03-03', days: 20 } },
    };
    for (const raw of generateSyntheticMarket(config, new Rng(11))) checkCuts(raw, config, 12, 5);
  });

  it('with outliers dropped, on a synthetic market', () => {
    const base = configWithCausalRolls();
    const config: RunConfig = {
      ...base,
      clean: { ...base.clean, outliers: { ...base.clean.outliers, action: 'drop', returnZ: 4, rangeAtr: 3 } },
      data: { ...base.data, synthetic: { ...base.data.synthetic, startDate: '2025-06-02', days: 10 } },
    };
    const [raw] = generateSyntheticMarket(config, new Rng(3));
    checkCuts(raw!, config, 12, 9);
  });

  it('when holes in a session straddle the cut (gap filling is causal too)', () => {
    const base = configWithCausalRolls();
    const config: RunConfig = { ...base, data: { ...base.data, synthetic: { ...base.data.synthetic, startDate: '2025-06-02', days: 3 } } };
    const [market] = generateSyntheticMarket(config, new Rng(5));
    // Mid-session Tuesday 2025-06-03 15:00 UTC; minutes 14:58–15:01 are missing (a 4-minute hole,
    // within maxFillMinutes = 5), and a second hole of 8 minutes (longer) straddles 16:00.
    const cuts = ['2025-06-03T15:00:00Z', '2025-06-03T16:00:00Z'];
    const holes = [
      [Date.parse('2025-06-03T14:58:00Z'), Date.parse('2025-06-03T15:02:00Z')],
      [Date.parse('2025-06-03T15:56:00Z'), Date.parse('2025-06-03T16:04:00Z')],
    ];
    const raw = before(market!, Number.POSITIVE_INFINITY, (t) => holes.some(([from, to]) => t >= from! && t < to!));
    expect(raw.timestamp.length).toBe(market!.timestamp.length - 12);
    checkCuts(raw, config, 3, 4, cuts);
    // The bin of the 4-minute hole holds the same filled bars with and without the bars after it.
    const cut = Date.parse(cuts[0]!);
    const full = ingestAndClean(raw, config);
    const cutRun = ingestAndClean(before(raw, cut), config);
    const bin = Array.from(full.clean.timestamp).indexOf(Date.parse('2025-06-03T14:55:00Z'));
    expect([full.clean.columns['filled']![bin], full.clean.columns['sourceBars']![bin]]).toEqual([2, 5]);
    expect(firstDifference(columnsBefore(full.clean, cut), columnsBefore(cutRun.clean, cut))).toBeUndefined();
  });

  it.skipIf(!hasRealData(MES_1M) || !hasRealData(MGC_1M))(
    'on the real MES and MGC files, random cuts',
    () => {
      const config = configWithCausalRolls();
      // Besides random cuts, the two bars whose flag the clock-hour scale took from later minutes.
      checkCuts(readRealBars(MES_1M, 'MES'), config, 10, 1, ['2026-04-07T22:05:00Z', '2026-04-07T22:10:00Z']);
      checkCuts(readRealBars(MGC_1M, 'MGC'), config, 10, 2, ['2026-02-12T23:05:00Z', '2026-02-12T23:10:00Z']);
    },
    300_000,
  );
});
