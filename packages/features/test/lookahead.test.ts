import type { Bars } from '@tribar/market';
import { describe, expect, it } from 'vitest';
import { computeFeatures, resolveFracdiff } from '../src/internal/compute.js';
import { defaultConfig, randomBars, replaceAfter } from './helpers.js';

// The no-look-ahead property over every registered feature: replace every bar after t (own and
// partner) with different random bars and require every value at or before t to be bit-for-bit
// unchanged. Features are read from the registry at run time, so a newly registered feature is
// covered automatically and fails the suite if it peeks ahead.

const N = 2200;
const CUTS = [0, 40, 250, 700, 1000, 1500, 2100];
// FFD's d is pinned: with 'auto' it is fitted on the train part, a choice tested separately below.
// The opt-in families (entropy, microstructure, structural breaks) are switched on so they are covered too.
const config = defaultConfig({
  features: { fracdiff: { d: 0.4 }, entropy: { window: 40 }, microstructure: {}, structuralBreaks: { window: 60, minLength: 15, lags: 2 } },
});
const symbols = ['MES', 'MGC'];

function compute(own: Bars, partner: Bars) {
  return computeFeatures(own, {
    config: config.features,
    symbols,
    barMinutes: 5,
    trainFraction: 0.7,
    partners: new Map([[partner.symbol, partner]]),
  });
}

function cutPartner(partner: Bars, cutTime: number, seed: number): Bars {
  let last = -1;
  while (last + 1 < partner.timestamp.length && partner.timestamp[last + 1]! <= cutTime) last++;
  return last < 0 ? replaceAfter(partner, 0, seed) : replaceAfter(partner, last, seed);
}

describe('no feature reads a bar after t', () => {
  const mes = randomBars('MES', N, 101);
  const mgc = randomBars('MGC', N, 202, { startPrice: 1950 });
  for (const [own, partner] of [
    [mes, mgc],
    [mgc, mes],
  ] as const) {
    const base = compute(own, partner);
    it(`${own.symbol}: every one of the ${base.specs.length} features has values to compare`, () => {
      expect(base.specs.filter((feature) => feature.family === 'entropy').length).toBe(12);
      expect(base.specs.filter((feature) => feature.family === 'microstructure').length).toBe(9);
      expect(base.specs.filter((feature) => feature.family === 'structural-breaks').length).toBe(10);
      base.specs.forEach((feature, j) => {
        expect(base.firstValid[j], feature.name).toBeLessThan(CUTS.at(-1)!);
      });
    });
    for (const cut of CUTS) {
      it(`${own.symbol}: values at or before bar ${cut} are unchanged when later bars change`, () => {
        const changed = compute(replaceAfter(own, cut, 7 + cut), cutPartner(partner, own.timestamp[cut]!, 9 + cut));
        expect(changed.specs.map((s) => s.name)).toEqual(base.specs.map((s) => s.name));
        const failures: string[] = [];
        base.specs.forEach((feature, j) => {
          const a = base.columns[j]!;
          const b = changed.columns[j]!;
          for (let i = 0; i <= cut; i++) {
            if (!Object.is(a[i], b[i])) {
              failures.push(`${feature.name}[${i}]: ${a[i]} → ${b[i]}`);
              break;
            }
          }
        });
        expect(failures).toEqual([]);
        // The test has teeth: later values do change.
        const moved = base.specs.filter((_, j) => !Object.is(base.columns[j]![N - 1], changed.columns[j]![N - 1]));
        if (cut < N - 1) expect(moved.length).toBeGreaterThan(50);
      });
    }
  }
});

/** The bars with rows cut+1 … cut+gap removed: a data gap right after t. */
function withGapAfter(bars: Bars, cut: number, gap: number): Bars {
  const keep = (x: Float64Array) => {
    const out = new Float64Array(x.length - gap);
    out.set(x.subarray(0, cut + 1));
    out.set(x.subarray(cut + 1 + gap), cut + 1);
    return out;
  };
  return {
    symbol: bars.symbol,
    timestamp: keep(bars.timestamp),
    open: keep(bars.open),
    high: keep(bars.high),
    low: keep(bars.low),
    close: keep(bars.close),
    volume: keep(bars.volume),
    columns: {},
  };
}

describe('no feature reads a bar after t, when the bars after t also move in time', () => {
  const mes = randomBars('MES', N, 303);
  const mgc = randomBars('MGC', N, 404, { startPrice: 1950 });
  for (const cut of [500, 1001, 1800]) {
    it(`MES with a 13-bar gap after bar ${cut} (own and partner)`, () => {
      const base = compute(mes, mgc);
      const partnerCut = mgc.timestamp.findIndex((t) => t > mes.timestamp[cut]!) - 1;
      const changed = compute(
        withGapAfter(replaceAfter(mes, cut, cut), cut, 13),
        withGapAfter(replaceAfter(mgc, partnerCut, cut + 1), partnerCut, 13),
      );
      const failures = base.specs
        .map((feature, j) => {
          for (let i = 0; i <= cut; i++) if (!Object.is(base.columns[j]![i], changed.columns[j]![i])) return `${feature.name}[${i}]`;
          return undefined;
        })
        .filter((name) => name !== undefined);
      expect(failures).toEqual([]);
    });
  }
});

describe("FFD order 'auto' reads only the train part", () => {
  it('changing bars after the train cut leaves d unchanged', () => {
    const bars = randomBars('MES', 3000, 5);
    const auto = defaultConfig().features;
    const a = resolveFracdiff(bars, auto, 0.7);
    const b = resolveFracdiff(replaceAfter(bars, Math.floor(3000 * 0.7) - 1, 99), auto, 0.7);
    expect(b.d).toBe(a.d);
    expect(b.choice?.tried).toEqual(a.choice?.tried);
  });
});
