import type { Bars } from '@tribar/market';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeFeatures } from '../src/internal/compute.js';
import { defaultConfig } from './helpers.js';

// Real TopstepX one-minute bars (internal fixtures, not shipped), resampled to five minutes.
const MES_FILE = '/work/shared/data/mes_1m_20260120_20260408.csv';
const MGC_FILE = '/work/shared/data/mgc_1m_20260121_20260326.csv';
const available = existsSync(MES_FILE) && existsSync(MGC_FILE);

function fiveMinuteBars(symbol: string, file: string): Bars {
  const columns: number[][] = [[], [], [], [], [], []];
  const [ts, open, high, low, close, volume] = columns as [number[], number[], number[], number[], number[], number[]];
  for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
    const [t, o, h, l, c, v] = line.split(',');
    const bucket = Math.floor(Date.parse(t!) / 300_000) * 300_000;
    const k = ts.length - 1;
    if (ts[k] === bucket) {
      high[k] = Math.max(high[k]!, Number(h));
      low[k] = Math.min(low[k]!, Number(l));
      close[k] = Number(c);
      volume[k] = volume[k]! + Number(v);
    } else {
      ts.push(bucket);
      open.push(Number(o));
      high.push(Number(h));
      low.push(Number(l));
      close.push(Number(c));
      volume.push(Number(v));
    }
  }
  const f = (x: number[]) => Float64Array.from(x);
  return { symbol, timestamp: f(ts), open: f(open), high: f(high), low: f(low), close: f(close), volume: f(volume), columns: {} };
}

describe.skipIf(!available)('real MES and MGC bars', () => {
  it('computes every feature with a bounded warm-up, no ±Infinity and a Supertrend that turns', () => {
    const mes = fiveMinuteBars('MES', MES_FILE);
    const mgc = fiveMinuteBars('MGC', MGC_FILE);
    const config = defaultConfig();
    for (const [own, partner] of [
      [mes, mgc],
      [mgc, mes],
    ] as const) {
      const result = computeFeatures(own, {
        config: config.features,
        symbols: config.symbols,
        barMinutes: 5,
        trainFraction: 0.7,
        partners: new Map([[partner.symbol, partner]]),
      });
      expect(result.specs.length).toBeGreaterThanOrEqual(110);
      expect(result.warmupRows).toBeGreaterThan(199);
      expect(result.warmupRows).toBeLessThan(1000);
      const afterWarmup = (name: string) => result.columns[result.specs.findIndex((s) => s.name === name)]!.subarray(result.warmupRows);
      for (const feature of result.specs) {
        const values = afterWarmup(feature.name);
        expect(
          values.some((v) => v === Infinity || v === -Infinity),
          feature.name,
        ).toBe(false);
        if (feature.inputs === 'own') expect(values.some(Number.isNaN), feature.name).toBe(false);
      }
      expect(new Set(afterWarmup('supertrend_direction'))).toEqual(new Set([1, -1]));
      expect(new Set(afterWarmup('is_rth'))).toEqual(new Set([0, 1]));
    }
  });

  it('computes the opt-in AFML families (entropy, microstructure, structural breaks) on real bars (configs/real-mes-mgc.yaml turns them on) with no NaN after the warm-up', () => {
    const config = defaultConfig({ features: { entropy: {}, microstructure: {}, structuralBreaks: {} } });
    for (const [symbol, file] of [
      ['MES', MES_FILE],
      ['MGC', MGC_FILE],
    ] as const) {
      const bars = fiveMinuteBars(symbol, file);
      const result = computeFeatures(bars, { config: config.features, symbols: [symbol], barMinutes: 5, trainFraction: 0.7 });
      const afmlFamilies = new Set(['entropy', 'microstructure', 'structural-breaks']);
      const afml = result.specs.flatMap((s, j) => (afmlFamilies.has(s.family) ? [j] : []));
      expect(afml).toHaveLength(31);
      for (const j of afml) {
        // Every bar of these files has volume and every window moves: no NaN after the warm-up.
        const values = result.columns[j]!.subarray(result.warmupRows);
        expect(values.filter((v) => !Number.isFinite(v)).length, result.specs[j]!.name).toBe(0);
        // Not constant (validation fails a constant feature): even the quantile-coded Shannon entropy,
        // log2(10) on a window without ties, moves because ticks make equal returns common.
        expect(Math.max(...values) - Math.min(...values), result.specs[j]!.name).toBeGreaterThan(0);
      }
      // The 2-symbol warm-up (762 / 815 rows) is still set by the default families, not the AFML ones.
      expect(result.warmupRows).toBe(symbol === 'MES' ? 762 : 815);
    }
  });
});
