import { describe, expect, it } from 'vitest';
import { cut, cutFileOf } from '../src/cut.js';

const MINUTE = 60_000;
const ORIGIN = Date.UTC(2024, 0, 2);
/** `count` five-minute bar times starting `offset` bars after ORIGIN. */
const times = (count: number, offset: number) => Float64Array.from({ length: count }, (_, i) => ORIGIN + (offset + i) * 5 * MINUTE);

describe('cutFileOf', () => {
  it('pools every symbol: 16 bars, train 0.25 → pooled[4] = MES bar 4, val 0.5 → pooled[12] = MES bar 8', () => {
    const file = cutFileOf({ MES: times(10, 0), MGC: times(6, 4) }, { train: 0.25, val: 0.5, test: 0.25 });
    expect(file).toEqual({
      version: 1,
      trainEndMs: ORIGIN + 20 * MINUTE,
      trainEnd: '2024-01-02T00:20:00.000Z',
      valEndMs: ORIGIN + 40 * MINUTE,
      valEnd: '2024-01-02T00:40:00.000Z',
      ratios: { train: 0.25, val: 0.5, test: 0.25 },
      bars: { MES: 10, MGC: 6 },
    });
    expect(cut.schema.parse(file)).toEqual(file);
  });

  it('is the same cut whatever the symbol order, and depends on the ratios', () => {
    const mes = times(10, 0);
    const mgc = times(6, 4);
    const a = cutFileOf({ MES: mes, MGC: mgc }, { train: 0.5, val: 0.25, test: 0.25 });
    const b = cutFileOf({ MGC: mgc, MES: mes }, { train: 0.5, val: 0.25, test: 0.25 });
    expect([b.trainEndMs, b.valEndMs]).toEqual([a.trainEndMs, a.valEndMs]);
    expect(a.trainEndMs).toBeGreaterThan(ORIGIN + 20 * MINUTE);
  });

  it('refuses ratios that do not sum to one and an empty run', () => {
    expect(() => cutFileOf({ MES: times(10, 0) }, { train: 0.5, val: 0.5, test: 0.5 })).toThrow();
    expect(() => cutFileOf({ MES: new Float64Array(0) }, { train: 0.5, val: 0.25, test: 0.25 })).toThrow(/at least one bar/);
  });
});
