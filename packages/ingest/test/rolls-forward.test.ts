import { defaultConfig, parseConfig } from '@tribar/config';
import { type Bars } from '@tribar/market';
import { describe, expect, it } from 'vitest';
import { cleanBars, cleanOptionsFromConfig } from '../src/internal/clean/clean.js';
import { adjustRolls, detectRolls } from '../src/internal/clean/rolls.js';
import { barsFrom } from './helpers/bars.js';

/**
 * Forward adjustment (`clean.rolls.direction: forward`): later contracts are moved onto the
 * earliest one's level, so nothing before a roll ever changes. Same bars as the back-adjustment
 * tests of rolls.test.ts: a +10 roll at bar 2 (calendar) and, stacked, a +2 roll at bar 3.
 */
describe('adjustRolls forward', () => {
  const bars = barsFrom('MES', [
    ['2026-03-13T20:58:00Z', 100, 101, 99, 100, 5],
    ['2026-03-13T20:59:00Z', 100, 100.5, 99.5, 100, 5],
    ['2026-03-15T22:00:00Z', 110, 111, 109, 110.5, 7],
    ['2026-03-15T22:01:00Z', 110.5, 112, 110, 111, 7],
  ]);
  const rolls = detectRolls(bars, { jumpMultiple: 8, calendar: [{ symbol: 'MES', at: '2026-03-15T22:00:00Z' }] });

  it('difference: subtracts the gap from the roll on and leaves earlier prices and volume alone', () => {
    const { bars: out, rolls: stamped, nonPositivePrices } = adjustRolls(bars, rolls, 'difference', 0.25, 'forward');
    expect(Array.from(out.close)).toEqual([100, 100, 100.5, 101]);
    expect(Array.from(out.open)).toEqual([100, 100, 100, 100.5]);
    expect(Array.from(out.low)).toEqual([99, 99.5, 99, 100]);
    expect(Array.from(out.volume)).toEqual([5, 5, 7, 7]);
    expect(stamped[0]!.method).toBe('difference');
    expect(nonPositivePrices).toBe(0);
    expect(bars.close[2]).toBe(110.5); // input untouched
    // The same moves as back adjustment, on the other contract's level: back minus forward = the gap.
    const back = adjustRolls(bars, rolls, 'difference', 0.25, 'back').bars;
    for (let i = 0; i < 4; i++) expect(back.close[i]! - out.close[i]!).toBe(10);
  });

  it('ratio: divides prices from the roll on by new/old', () => {
    const { bars: out } = adjustRolls(bars, rolls, 'ratio', undefined, 'forward');
    expect(out.close[1]).toBe(100);
    expect(out.open[2]).toBeCloseTo(100, 10);
    expect(out.close[3]).toBeCloseTo(111 / 1.1, 10);
  });

  it('stacks several rolls from the oldest forwards', () => {
    const withSecond = detectRolls(bars, {
      jumpMultiple: 8,
      calendar: [
        { symbol: 'MES', at: '2026-03-15T22:00:00Z' },
        { symbol: 'MES', at: '2026-03-15T22:01:00Z', gap: 2 },
      ],
    });
    expect(withSecond.map((r) => [r.index, r.gap])).toEqual([
      [2, 10],
      [3, 2],
    ]);
    const { bars: out } = adjustRolls(bars, withSecond, 'difference', 0.25, 'forward');
    expect(Array.from(out.close)).toEqual([100, 100, 100.5, 99]);
  });

  it('counts prices driven to ≤ 0 at the far end', () => {
    const big = detectRolls(bars, { jumpMultiple: 8, calendar: [{ symbol: 'MES', at: '2026-03-15T22:00:00Z', gap: 111 }] });
    // After −111: bar 2's four prices (−1 … 0), bar 3's open (−0.5), low (−1) and close (0), not its high (+1).
    expect(adjustRolls(bars, big, 'difference', 0.25, 'forward').nonPositivePrices).toBe(7);
  });

  it('is what cleanBars does with clean.rolls.direction forward, and the report says so', () => {
    const config = parseConfig({ clean: { rolls: { direction: 'forward', calendar: [{ symbol: 'MES', at: '2026-03-15T22:00:00Z' }] } } });
    const options = cleanOptionsFromConfig(config, 'MES');
    expect(options.rolls.direction).toBe('forward');
    const { bars: out, report } = cleanBars(bars, options);
    // The four real bars, then the five minutes filled after the data's last bar (causal gap filling), flat at 101.
    expect(Array.from(out.close)).toEqual([100, 100, 100.5, 101, 101, 101, 101, 101, 101]);
    expect(Array.from(out.columns['filled'] ?? [])).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(report.rollAdjustment).toEqual({ method: 'difference', direction: 'forward' });
    // The default stays back (ingest README, "Contract rolls"), and the report records it with no roll too.
    const plain = cleanBars(bars, cleanOptionsFromConfig(defaultConfig(), 'MES'));
    expect(plain.report.rolls).toEqual([]);
    expect(plain.report.rollAdjustment).toEqual({ method: 'difference', direction: 'back' });
  });
});

/**
 * A roll window where the open gap of a later session is larger than the roll's: the old
 * detector compared each open with the 20 opens on both sides and kept the window's largest
 * candidate, so the decision about an open depended on sessions after it.
 */
describe('jump detection decides at the open, from earlier opens only', () => {
  // 30 daily MES sessions (2026-02-15 … 2026-03-16 trading dates, the March roll window is
  // 02-28 … 03-20): a quiet ±0.25 open gap, a +10 jump on 03-05 and a +20 jump on 03-11.
  function sessions(): Bars {
    const rows: [string, number, number, number, number, number][] = [];
    let price = 6000;
    for (let day = 0; day < 30; day++) {
      const open = Date.UTC(2026, 1, 15, 23) + day * 86_400_000;
      const date = new Date(open + 3_600_000).toISOString().slice(0, 10);
      price += date === '2026-03-05' ? 10 : date === '2026-03-11' ? 20 : day % 2 === 0 ? 0.25 : -0.25;
      rows.push([new Date(open).toISOString(), price, price + 0.5, price - 0.5, price, 10]);
      rows.push([new Date(open + 60_000).toISOString(), price, price + 0.5, price - 0.5, price, 10]);
    }
    return barsFrom('MES', rows);
  }
  // One session per calendar day in this toy calendar: every bar pair is its own session.
  const calendar = {
    sessionIds: (t: Float64Array) =>
      Int32Array.from(t, (x) => Number(new Date(x + 3_600_000).toISOString().slice(0, 10).replaceAll('-', ''))),
  };
  const options = { jumpMultiple: 8, sessions: calendar as never };

  it('keeps a roll once found, and a later, larger one in the window is a roll too', () => {
    const bars = sessions();
    const found = detectRolls(bars, options);
    expect(found.map((r) => [r.time.slice(0, 10), r.gap, Math.round(r.multiple!)])).toEqual([
      ['2026-03-04', 10, 40],
      ['2026-03-10', 20, 80],
    ]);
  });

  it('decides the same for every open whatever the bars after it', () => {
    const bars = sessions();
    const full = detectRolls(bars, options);
    for (let n = 2; n <= bars.timestamp.length; n++) {
      const cut: Bars = {
        ...bars,
        timestamp: bars.timestamp.subarray(0, n),
        open: bars.open.subarray(0, n),
        high: bars.high.subarray(0, n),
        low: bars.low.subarray(0, n),
        close: bars.close.subarray(0, n),
        volume: bars.volume.subarray(0, n),
      };
      expect(detectRolls(cut, options)).toEqual(full.filter((roll) => roll.index < n));
    }
  });
});
