import { defaultConfig } from '@tribar/config';
import { Rng } from '@tribar/core';
import { calendarForSymbol } from '@tribar/market';
import { describe, expect, it } from 'vitest';
import { resampleBars } from '../src/internal/resample/resample.js';
import { generateSyntheticMarket, syntheticOptions } from '../src/internal/synthetic/generate.js';
import { barsFrom, iso, minuteBars, type Row } from './helpers/bars.js';
import { hasRealData, MES_1M, readRealBars } from './helpers/real-data.js';

describe('resampleBars', () => {
  it('aggregates clock-aligned, left-labelled five-minute bins', () => {
    const rows: Row[] = [];
    for (let m = 0; m < 12; m++) {
      const t = Date.parse('2026-03-10T14:00:00Z') + m * 60_000;
      rows.push([iso(t), 100 + m, 100.5 + m + (m === 3 ? 5 : 0), 99 + m - (m === 7 ? 4 : 0), 100.25 + m, 10 + m]);
    }
    const out = resampleBars(barsFrom('MES', rows), 5);
    expect(Array.from(out.timestamp, iso)).toEqual(['2026-03-10T14:00:00.000Z', '2026-03-10T14:05:00.000Z', '2026-03-10T14:10:00.000Z']);
    expect(Array.from(out.open)).toEqual([100, 105, 110]);
    expect(Array.from(out.high)).toEqual([108.5, 109.5, 111.5]);
    expect(Array.from(out.low)).toEqual([99, 102, 109]);
    expect(Array.from(out.close)).toEqual([104.25, 109.25, 111.25]);
    expect(Array.from(out.volume)).toEqual([60, 85, 41]);
    expect(Array.from(out.columns['sourceBars']!)).toEqual([5, 5, 2]);
  });

  it('aligns bins to the clock even when the data starts mid-bin', () => {
    const out = resampleBars(minuteBars('MES', '2026-03-10T14:03:00Z', [1, 2, 3, 4]), 5);
    expect(Array.from(out.timestamp, iso)).toEqual(['2026-03-10T14:00:00.000Z', '2026-03-10T14:05:00.000Z']);
    expect(Array.from(out.columns['sourceBars']!)).toEqual([2, 2]);
  });

  it('splits a bin that spans the daily halt and labels the part after it with the session open', () => {
    // Winter: the halt is 22:00–23:00 UTC. A 4-hour clock bin [20:00, 24:00) holds the last two
    // hours of one session and the first hour of the next: two bars, never one.
    const before = minuteBars(
      'MES',
      '2026-03-05T20:00:00Z',
      Array.from({ length: 120 }, (_, m) => 100 + m),
    );
    const after = minuteBars(
      'MES',
      '2026-03-05T23:00:00Z',
      Array.from({ length: 60 }, (_, m) => 300 - m),
    );
    const cat = (a: Float64Array, b: Float64Array) => Float64Array.from([...a, ...b]);
    const bars = {
      symbol: 'MES',
      timestamp: cat(before.timestamp, after.timestamp),
      open: cat(before.open, after.open),
      high: cat(before.high, after.high),
      low: cat(before.low, after.low),
      close: cat(before.close, after.close),
      volume: cat(before.volume, after.volume),
      columns: {},
    };
    const out = resampleBars(bars, 240);
    expect(Array.from(out.timestamp, iso)).toEqual(['2026-03-05T20:00:00.000Z', '2026-03-05T23:00:00.000Z']);
    expect(Array.from(out.columns['sourceBars']!)).toEqual([120, 60]);
    expect(Array.from(out.close)).toEqual([219, 241]);
    expect(out.open[1]).toBe(300);
    expect(Array.from(out.volume)).toEqual([12_000, 6_000]);
    // Bins that do not divide the hour: 7-minute bins cut by the 23:00 open are labelled 23:00.
    const seven = resampleBars(bars, 7);
    const firstAfter = Array.from(seven.timestamp).findIndex((t) => t >= Date.parse('2026-03-05T23:00:00Z'));
    expect(iso(seven.timestamp[firstAfter]!)).toBe('2026-03-05T23:00:00.000Z');
    const binEnd = (Math.floor(Date.parse('2026-03-05T23:00:00Z') / 420_000) + 1) * 420_000;
    expect(seven.columns['sourceBars']![firstAfter]).toBe((binEnd - Date.parse('2026-03-05T23:00:00Z')) / 60_000);
  });

  it('never merges the Friday close with the Sunday open, nor a holiday short session with the next', () => {
    const bars = barsFrom('MES', [
      ['2026-02-16T17:58:00Z', 1, 1, 1, 1, 1],
      ['2026-02-16T17:59:00Z', 2, 2, 2, 2, 1], // Presidents' Day close, 12:00 CT
      ['2026-02-16T23:00:00Z', 3, 3, 3, 3, 1],
    ]);
    expect(Array.from(resampleBars(bars, 1440).timestamp, iso)).toEqual(['2026-02-16T00:00:00.000Z', '2026-02-16T23:00:00.000Z']);
  });

  it('sums filled and sourceBars, keeps any outlier, takes the last contract', () => {
    const bars = minuteBars('MES', '2026-03-10T14:00:00Z', [1, 2, 3, 4, 5, 6]);
    bars.columns['filled'] = Float64Array.from([0, 1, 1, 0, 0, 1]);
    bars.columns['outlier'] = Float64Array.from([0, 0, 1, 0, 0, 0]);
    bars.columns['contract'] = Float64Array.from([202603, 202603, 202603, 202603, 202606, 202606]);
    const out = resampleBars(bars, 5);
    expect(Array.from(out.columns['filled']!)).toEqual([2, 1]);
    expect(Array.from(out.columns['outlier']!)).toEqual([1, 0]);
    expect(Array.from(out.columns['contract']!)).toEqual([202606, 202606]);
  });

  it('gives the same bars resampling 1 → 5 → 15 as 1 → 15, source counts included', () => {
    const [mes] = generateSyntheticMarket({ ...syntheticOptions(defaultConfig()), days: 20 }, new Rng(9));
    const direct = resampleBars(mes!, 15);
    const twice = resampleBars(resampleBars(mes!, 5), 15);
    for (const key of ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const) expect(twice[key]).toEqual(direct[key]);
    expect(twice.columns['sourceBars']).toEqual(direct.columns['sourceBars']);
  });

  it('rejects unsorted input and a non-whole number of minutes', () => {
    const bars = barsFrom('MES', [
      ['2026-03-10T14:01:00Z', 1, 1, 1, 1, 1],
      ['2026-03-10T14:00:00Z', 1, 1, 1, 1, 1],
    ]);
    expect(() => resampleBars(bars, 5)).toThrow(/increase strictly/);
    expect(() => resampleBars(bars, 2.5)).toThrow(/whole number/);
  });
});

describe.skipIf(!hasRealData(MES_1M))('resampleBars on the real MES file', () => {
  it('keeps every five-minute bar inside one session and counts every source bar once', () => {
    const bars = readRealBars(MES_1M, 'MES');
    const out = resampleBars(bars, 5);
    const calendar = calendarForSymbol('MES');
    const sources = out.columns['sourceBars']!;
    let total = 0;
    let cursor = 0;
    for (let k = 0; k < out.timestamp.length; k++) {
      const session = calendar.sessionOf(out.timestamp[k]!);
      expect(session).not.toBe(-1);
      for (let j = 0; j < sources[k]!; j++) {
        if (calendar.sessionOf(bars.timestamp[cursor]!) !== session) throw new Error(`bar ${k} spans a session break`);
        cursor++;
      }
      total += sources[k]!;
    }
    expect(total).toBe(bars.timestamp.length);
  });
});
