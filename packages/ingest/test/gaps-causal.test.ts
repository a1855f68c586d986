import { defaultConfig, type RunConfig } from '@tribar/config';
import { Rng } from '@tribar/core';
import type { Bars } from '@tribar/market';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanBars, cleanOptionsFromConfig } from '../src/internal/clean/clean.js';
import { fillSessionGaps } from '../src/internal/clean/gaps.js';
import { readBars } from '../src/internal/read/read-bars.js';
import { repairBars } from '../src/internal/repair/repair.js';
import { generateSyntheticMarket } from '../src/internal/synthetic/generate.js';
import { rowsWhere } from './helpers/bars.js';
import { hasRealData, MES_1M, MGC_1M } from './helpers/real-data.js';

/**
 * Gap filling is causal: clean(bars ≤ T) equals clean(all bars) restricted to ≤ T, in every
 * column clean writes, for any T. No column is exempt (before issue 13 a hole was filled only
 * when the next bar came within maxFillMinutes, so the bars after T decided whether the minutes
 * before T had filled bars). Roll adjustment is off, as in no-look-ahead.test.ts: back-adjusting
 * a roll shifts earlier prices by design, which is a separate item of issue 13.
 */

const MINUTE = 60_000;
/** /work/shared/data, read in place (never copied into the repository; see helpers/real-data.ts). */
const realDataPath = (file: string): string => join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data', file);

function config(): RunConfig {
  const base = defaultConfig();
  return { ...base, clean: { ...base.clean, rolls: { ...base.clean.rolls, detect: false, adjust: 'none', calendar: [] } } };
}

/** Every column (OHLCV and extra) of the rows at or before `cut`, by name. */
function columnsUntil(bars: Bars, cut: number): Record<string, number[]> {
  const n = bars.timestamp.findIndex((t) => t > cut);
  const end = n === -1 ? bars.timestamp.length : n;
  const all: Record<string, Float64Array> = {
    timestamp: bars.timestamp,
    open: bars.open,
    high: bars.high,
    low: bars.low,
    close: bars.close,
    volume: bars.volume,
    ...bars.columns,
  };
  return Object.fromEntries(Object.entries(all).map(([name, column]) => [name, Array.from(column.subarray(0, end))]));
}

/** The first column and row where the full run and the cut run differ at or before `cut`, or undefined. */
function firstDifference(full: Bars, cutRun: Bars, cut: number): string | undefined {
  const a = columnsUntil(full, cut);
  const b = columnsUntil(cutRun, cut);
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[name];
    const y = b[name];
    if (!x || !y) return `column '${name}' only in one run`;
    const n = Math.max(x.length, y.length);
    for (let i = 0; i < n; i++) {
      if (!Object.is(x[i], y[i])) {
        const at = new Date(a['timestamp']![i] ?? b['timestamp']![i] ?? Number.NaN).toISOString();
        return `column '${name}', row ${i} (${at}): ${x[i]} with the later bars, ${y[i]} without`;
      }
    }
  }
  return undefined;
}

/** clean(bars ≤ cut) against clean(bars) up to the cut. */
function cutDifference(bars: Bars, run: (bars: Bars) => Bars, full: Bars, cut: number): string | undefined {
  return firstDifference(full, run(rowsWhere(bars, (t) => t <= cut)), cut);
}

describe('gap filling is causal: the bars after T never change the clean bars at or before T', () => {
  const cfg = config();
  const [market] = generateSyntheticMarket(
    { ...cfg, data: { ...cfg.data, synthetic: { ...cfg.data.synthetic, startDate: '2025-06-02', days: 6 } } },
    new Rng(21),
  );
  const first = market!.timestamp[0]!;
  const last = market!.timestamp[market!.timestamp.length - 1]!;
  const minutes = Math.round((last - first) / MINUTE);
  // Holes of 1–6 and 1–90 minutes (some cross a session's close or open), and now and then a day.
  const holes = fc.array(
    fc.tuple(
      fc.integer({ min: 0, max: minutes }),
      fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 90 }), fc.constant(1_500)),
    ),
    { minLength: 1, maxLength: 12 },
  );
  const withHoles = (list: [number, number][]): Bars =>
    rowsWhere(market!, (t) => !list.some(([start, length]) => t >= first + start * MINUTE && t < first + (start + length) * MINUTE));
  /** Any minute, or one a few minutes into one of the holes (where the old rule looked ahead). */
  const cutIn = (list: [number, number][], where: { any: number } | { hole: number; into: number }): number =>
    first + ('any' in where ? where.any : list[where.hole % list.length]![0] + where.into) * MINUTE;
  const where = fc.oneof(
    fc.record({ any: fc.integer({ min: 0, max: minutes }) }),
    fc.record({ hole: fc.nat(), into: fc.integer({ min: 0, max: 4 }) }),
  );

  it('fillSessionGaps on synthetic bars with random holes, random T (real, filled and open minutes)', () => {
    fc.assert(
      fc.property(holes, where, fc.integer({ min: 0, max: 30 }), (list, at, maxFillMinutes) => {
        const bars = withHoles(list);
        const run = (input: Bars) => fillSessionGaps(input, { maxFillMinutes }).bars;
        expect(cutDifference(bars, run, run(bars), cutIn(list, at))).toBeUndefined();
      }),
      { numRuns: 80, seed: 13 },
    );
  });

  it('cleanBars (outliers, gaps) on synthetic bars with random holes, random T', () => {
    const options = cleanOptionsFromConfig(cfg, 'MES');
    fc.assert(
      fc.property(holes, where, (list, at) => {
        const bars = repairBars(withHoles(list), { tickSize: 0.25 }).bars;
        const run = (input: Bars) => cleanBars(input, options).bars;
        expect(cutDifference(bars, run, run(bars), cutIn(list, at))).toBeUndefined();
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it('a hole longer than maxFillMinutes: its first minutes are filled before the next bar is known', () => {
    const start = Date.parse('2025-06-03T15:00:00Z');
    const bars = rowsWhere(market!, (t) => t < start || t >= start + 20 * MINUTE);
    const run = (input: Bars) => fillSessionGaps(input, { maxFillMinutes: 5 }).bars;
    const full = run(bars);
    for (const minute of [0, 2, 4, 5, 10, 19, 20]) expect(cutDifference(bars, run, full, start + minute * MINUTE)).toBeUndefined();
    const filled = full.columns['filled']!;
    const filledTimes = Array.from(full.timestamp).filter((_, i) => filled[i] === 1);
    expect(filledTimes.map((t) => (t - start) / MINUTE)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe.skipIf(!hasRealData(MES_1M) || !hasRealData(MGC_1M))('gap filling is causal on the real MES and MGC files', () => {
  it('through readBars, repairBars and cleanBars: random T, and T inside the real holes', async () => {
    const cfg = config();
    const cases = [
      // MES: the 06:51–06:53 feed hole and the data's end (2026-04-08 23:29).
      ['MES', MES_1M, ['2026-02-05T06:51:00Z', '2026-02-05T06:52:00Z', '2026-04-08T23:29:00Z']],
      // MGC: the same feed hole, and the 104-minute hole from 18:01 (2026-02-25).
      ['MGC', MGC_1M, ['2026-02-05T06:50:00Z', '2026-02-25T18:03:00Z', '2026-02-25T18:06:00Z', '2026-02-25T19:44:00Z']],
    ] as const;
    for (const [symbol, file, cuts] of cases) {
      const { bars: read } = await readBars(realDataPath(file), { ...cfg.data, symbol });
      const tickSize = (cfg.contracts[symbol] ?? cfg.defaultContract).tickSize;
      const bars = repairBars(read, { tickSize }).bars;
      const options = cleanOptionsFromConfig(cfg, symbol);
      const run = (input: Bars) => cleanBars(input, options).bars;
      const full = run(bars);
      const rng = new Rng(symbol === 'MES' ? 1 : 2);
      const n = bars.timestamp.length;
      const randomCuts = Array.from({ length: 8 }, () => bars.timestamp[rng.int(0, n - 1)]! + rng.int(0, 2) * MINUTE);
      for (const cut of [...cuts.map((iso) => Date.parse(iso)), ...randomCuts]) {
        expect(cutDifference(bars, run, full, cut), `${symbol}, T = ${new Date(cut).toISOString()}`).toBeUndefined();
      }
    }
  });
});
