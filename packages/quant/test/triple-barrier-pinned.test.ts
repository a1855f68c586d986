import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '@tribar/core';
import {
  allocateTripleBarrierResult,
  tripleBarrier,
  tripleBarrierInto,
  type TripleBarrierBuffers,
  type TripleBarrierInput,
  type TripleBarrierParams,
  type TripleBarrierResult,
} from '../src/triple-barrier.js';

// Bit-identical outputs across kernel rewrites: sha256 of all eight outputs' bytes, pinned with the
// kernel as it was before the one-pass rewrite (two passes, every output always written).

/** Wilder's ATR(14): the mean of the first 14 true ranges, then smoothed. */
function wilderAtr(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  const atr = new Float64Array(close.length).fill(NaN);
  let sum = 0;
  for (let i = 0; i < close.length; i++) {
    const h = high[i] as number;
    const l = low[i] as number;
    const c = i === 0 ? NaN : (close[i - 1] as number);
    const tr = i === 0 ? h - l : Math.max(h - l, Math.abs(h - c), Math.abs(l - c));
    if (i < 14) {
      sum += tr;
      if (i === 13) atr[i] = sum / 14;
    } else atr[i] = ((atr[i - 1] as number) * 13 + tr) / 14;
  }
  return atr;
}

/** A seeded random walk on the 0.25 tick with a few NaN ATRs and highs (the exact paths). */
function seededSeries(n: number): TripleBarrierInput {
  const rng = new Rng(42);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const timestamp = new Float64Array(n);
  let price = 4500;
  for (let i = 0; i < n; i++) {
    const next = Math.round(price * Math.exp(0.001 * rng.normal()) * 4) / 4;
    open[i] = price;
    close[i] = next;
    high[i] = Math.max(price, next) + Math.round(rng.next() * 8) / 4;
    low[i] = Math.min(price, next) - Math.round(rng.next() * 8) / 4;
    timestamp[i] = 1_600_000_000_000 + i * 300_000;
    price = next;
  }
  const atr = wilderAtr(high, low, close);
  for (let i = 100; i < n; i += 997) atr[i] = NaN;
  for (let i = 50; i < n; i += 1499) high[i] = NaN;
  return { open, high, low, close, atr, timestamp };
}

const MES_FILE = '/work/shared/data/mes_1m_20260120_20260408.csv';

/** Real MES one-minute bars (read in place, never copied into the repository). */
function mesBars(): TripleBarrierInput {
  const rows = readFileSync(MES_FILE, 'utf8').trim().split('\n').slice(1);
  const column = () => new Float64Array(rows.length);
  const [timestamp, open, high, low, close] = [column(), column(), column(), column(), column()];
  rows.forEach((line, i) => {
    const [t, o, h, l, c] = line.split(',');
    timestamp[i] = Date.parse(t as string);
    open[i] = Number(o);
    high[i] = Number(h);
    low[i] = Number(l);
    close[i] = Number(c);
  });
  return { open, high, low, close, atr: wilderAtr(high, low, close), timestamp };
}

function digest(result: TripleBarrierResult): string {
  const hash = createHash('sha256');
  for (const values of [
    result.label,
    result.barsToHit,
    result.mae,
    result.mfe,
    result.touchType,
    result.endIndex,
    result.endTime,
    result.forwardReturn,
  ]) {
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest('hex').slice(0, 16);
}

const SETTINGS: TripleBarrierParams[] = [
  { kUp: 1.5, kDown: 1.0, maxBars: 12 },
  { kUp: 3.0, kDown: 2.1, maxBars: 50 },
  { kUp: 2.0, kDown: 1.0, maxBars: 60 },
  { kUp: 0.6, kDown: 0.6, maxBars: 7, sameBarRule: 'invalid', costPrice: 0.5 },
];

describe('tripleBarrier: outputs pinned bit for bit', () => {
  it('on a seeded series (NaN ATRs and highs included)', () => {
    const input = seededSeries(30_000);
    expect(SETTINGS.map((params) => digest(tripleBarrier(input, params)))).toEqual(PINNED_SEEDED);
  });

  it.skipIf(!existsSync(MES_FILE))('on real MES one-minute bars', () => {
    const input = mesBars();
    expect(input.close.length).toBe(MES_ROWS);
    expect(SETTINGS.map((params) => digest(tripleBarrier(input, params)))).toEqual(PINNED_MES);
  });
});

describe('tripleBarrierInto: only the outputs asked for', () => {
  const KEYS = ['mae', 'mfe', 'touchType', 'endIndex', 'endTime', 'forwardReturn'] as const;

  it('equals the full form on every output it writes, for random params and random subsets of outputs', () => {
    const rng = new Rng(3);
    const input = seededSeries(4_000);
    let withoutExcursions = 0;
    for (let trial = 0; trial < 60; trial++) {
      const params: TripleBarrierParams = {
        kUp: 0.2 + 3 * rng.next(),
        kDown: 0.2 + 3 * rng.next(),
        maxBars: 1 + Math.floor(rng.next() * 80),
        sameBarRule: rng.next() < 0.3 ? 'invalid' : 'nearerOpen',
        costPrice: rng.next() < 0.3 ? 0.25 * Math.floor(rng.next() * 4) : 0,
      };
      const full = tripleBarrier(input, params);
      // Stale values in reused buffers must all be overwritten.
      const all = allocateTripleBarrierResult(input.close.length);
      for (const values of Object.values(all)) values.fill(7);
      const out: TripleBarrierBuffers = { label: all.label, barsToHit: all.barsToHit };
      const asked = KEYS.filter(() => rng.next() < 0.5);
      for (const key of asked) Object.assign(out, { [key]: all[key] });
      if (!asked.includes('mae') && !asked.includes('mfe')) withoutExcursions++;
      tripleBarrierInto(input, params, out);
      for (const key of ['label', 'barsToHit', ...asked] as const) {
        expect(Buffer.from(all[key].buffer).equals(Buffer.from(full[key].buffer)), `${key} of trial ${trial}`).toBe(true);
      }
    }
    expect(withoutExcursions).toBeGreaterThan(5);
  });
});

const MES_ROWS = 77_175;
const PINNED_SEEDED = ['7a0a9cb4847eaa70', 'fa3e473831f818aa', '605b25d7381279c2', '08888c79351e23f2'];
const PINNED_MES = ['429f9e0cd61fd50b', 'd3a389ad2f382e30', '9233d8d66a9944d8', '3e3121784fdf89ae'];
