import type { Bars } from '@tribar/market';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeFeatures, type SymbolFeatures } from '../src/internal/compute.js';
import { defaultConfig, randomBars } from './helpers.js';

/**
 * Contract rolls and the feature set (issue 13, "Look-ahead and causality"). A roll adjustment
 * moves one contract's prices by a constant (difference) against the other's. Back adjustment
 * moves every price *before* a roll, so each feature that depends on the price level changes
 * before the roll once the roll is in the data: look-ahead. Forward adjustment
 * (`clean.rolls.direction: forward`) moves only prices from the roll on, and every feature is
 * computed from bars ≤ t (lookahead.test.ts), so nothing before the roll changes.
 *
 * The audit below is the list of record: every registered feature is in exactly one group, so a
 * new feature fails this test until someone decides which it is.
 */

/** Values bit-for-bit unchanged when every price moves by the same constant (differences of prices, or none). */
const SHIFT_INVARIANT = [
  ...['rsi_14', 'rsi_overbought', 'rsi_oversold', 'macd_cross_up', 'macd_cross_down', 'stoch_k', 'stoch_d'],
  ...['stoch_overbought', 'stoch_oversold', 'williams_r', 'cci_20', 'atr_7', 'atr_14', 'atr_21', 'bb_position'],
  ...['close_bb_zscore', 'obv', 'obv_sma_20', 'volume_sma_20', 'volume_ratio', 'volume_zscore', 'adx_14'],
  ...['plus_di_14', 'minus_di_14', 'adx_strong_trend', 'supertrend_direction', 'trend_regime'],
  ...['hour_sin', 'hour_cos', 'minute_sin', 'minute_cos', 'dayofweek_sin', 'dayofweek_cos', 'session_asia'],
  ...['session_london', 'session_ny', 'is_rth', 'minutes_since_session_open', 'session_progress'],
  ...['tf15m_rsi_14', 'tf15m_bb_position_20', 'tf60m_rsi_14', 'tf60m_bb_position_20', 'tf240m_rsi_14', 'tf240m_bb_position_20'],
  // The partner's level enters through ln(own) − β·ln(partner) only as a constant, which the z-score removes.
  'mes_mgc_spread_zscore',
];

/** Differences of EMAs (which carry the level through their recursion): unchanged up to float rounding (< 1e-9 of the price). */
const SHIFT_INVARIANT_UP_TO_ROUNDING = ['macd_line', 'macd_signal', 'macd_hist', 'kc_position', 'close_kc_atr_dev'];

/**
 * Level-dependent: price levels (moving averages, bands, VWAP, Supertrend) move with the
 * prices; ratios and returns (c_t / c_{t−p}, ln(h/l), ATR / close …) change with an additive
 * shift; `mfi_14` weights by typical price; `volatility_regime` compares hvol (a log-return
 * volatility) with its own median, so it can flip. Causal with forward adjustment; with back
 * adjustment they are the columns a later roll changes.
 */
const LEVEL_DEPENDENT = [
  ...['return_1', 'log_return_1', 'return_5', 'log_return_5', 'return_10', 'log_return_10', 'return_20', 'log_return_20'],
  ...['return_60', 'log_return_60', 'hl_ratio', 'co_ratio', 'range_pct'],
  ...['sma_10', 'price_to_sma_10', 'sma_20', 'price_to_sma_20', 'sma_50', 'price_to_sma_50', 'sma_100', 'price_to_sma_100'],
  ...['sma_200', 'price_to_sma_200', 'ema_9', 'price_to_ema_9', 'ema_12', 'price_to_ema_12', 'ema_21', 'price_to_ema_21'],
  ...['ema_26', 'price_to_ema_26', 'ema_50', 'price_to_ema_50', 'roc_5', 'roc_10', 'roc_20', 'mfi_14'],
  ...['atr_pct_7', 'atr_pct_14', 'atr_pct_21', 'bb_middle', 'bb_upper', 'bb_lower', 'bb_width', 'kc_middle', 'kc_upper'],
  ...['kc_lower', 'hvol_10', 'hvol_20', 'hvol_60', 'parkinson_vol', 'gk_vol', 'rs_vol', 'yz_vol', 'vwap', 'price_to_vwap'],
  ...['supertrend', 'price_to_session_vwap', 'volatility_regime'],
  ...['mes_mgc_correlation_20', 'mes_mgc_beta', 'mes_mgc_relative_strength'],
  ...['tf15m_log_return_1', 'tf15m_atr_pct_14', 'tf15m_price_to_ema_20', 'tf60m_log_return_1', 'tf60m_atr_pct_14'],
  ...['tf60m_price_to_ema_20', 'tf240m_log_return_1', 'tf240m_atr_pct_14', 'tf240m_price_to_ema_20', 'fracdiff_log_close'],
];

// FFD's d is pinned: with 'auto' it is chosen on the train part, which a shorter run has less of (by design: the cut).
const config = defaultConfig({ features: { fracdiff: { d: 0.4 } } });

function compute(own: Bars, partner: Bars): SymbolFeatures {
  return computeFeatures(own, {
    config: config.features,
    symbols: config.symbols,
    barMinutes: 5,
    trainFraction: 0.7,
    partners: new Map([[partner.symbol, partner]]),
  });
}

/** Every price of bars `from` … `to` − 1 moved by `by` (a difference roll adjustment). */
function shifted(bars: Bars, by: number, from = 0, to = bars.timestamp.length): Bars {
  const move = (values: Float64Array) => values.map((v, i) => (i >= from && i < to ? v + by : v));
  return { ...bars, open: move(bars.open), high: move(bars.high), low: move(bars.low), close: move(bars.close) };
}

/** Names of the features whose values at bars < `until` differ (bit for bit) between two runs. */
function changedBefore(a: SymbolFeatures, b: SymbolFeatures, until: number): string[] {
  return a.specs
    .filter((_, j) => {
      const x = a.columns[j]!;
      const y = b.columns[j]!;
      for (let i = 0; i < until; i++) if (!Object.is(x[i], y[i])) return true;
      return false;
    })
    .map((spec) => spec.name);
}

describe('the roll audit of the feature set', () => {
  const mes = randomBars('MES', 3000, 11, { startPrice: 6000 });
  const mgc = randomBars('MGC', 3000, 12, { startPrice: 2000 });
  const base = compute(mes, mgc);
  const moved = compute(shifted(mes, 49.5), mgc);

  it('puts each of the 123 features in exactly one group', () => {
    const names = base.specs.map((spec) => spec.name);
    expect(names).toHaveLength(123);
    const listed = [...SHIFT_INVARIANT, ...SHIFT_INVARIANT_UP_TO_ROUNDING, ...LEVEL_DEPENDENT];
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...names].sort());
  });

  it('shift-invariant features are unchanged, bit for bit, when every price moves by 49.5', () => {
    expect(changedBefore(base, moved, 3000).filter((name) => SHIFT_INVARIANT.includes(name))).toEqual([]);
  });

  it('the EMA differences change by float rounding only', () => {
    for (const name of SHIFT_INVARIANT_UP_TO_ROUNDING) {
      const j = base.specs.findIndex((spec) => spec.name === name);
      const [x, y] = [base.columns[j]!, moved.columns[j]!];
      let worst = 0;
      for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
      expect(worst, name).toBeLessThan(6000 * 1e-12);
      expect(changedBefore(base, moved, 3000), name).toContain(name);
    }
  });

  it('every level-dependent feature but the regime flag does change', () => {
    const changed = changedBefore(base, moved, 3000);
    expect(LEVEL_DEPENDENT.filter((name) => !changed.includes(name))).toEqual(['volatility_regime']);
  });
});

// The real MES file (internal fixture, not shipped): 2026-03-15 22:00 UTC is the roll from the
// March to the June contract, +49.5 points (the data's provenance notes).
const MES_FILE = '/work/shared/data/mes_1m_20260120_20260408.csv';
const MGC_FILE = '/work/shared/data/mgc_1m_20260121_20260326.csv';
const ROLL = Date.parse('2026-03-15T22:00:00Z');

/** Five-minute bars of a one-minute file (clock bins; the session breaks fall on bin edges here). */
function fiveMinuteBars(symbol: string, file: string, from: number): Bars {
  const rows: number[][] = [];
  for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
    const [t, o, h, l, c, v] = line.split(',').map((x, k) => (k === 0 ? Date.parse(x) : Number(x))) as number[];
    if (t! < from) continue;
    const bin = Math.floor(t! / 300_000) * 300_000;
    const last = rows.at(-1);
    if (last && last[0] === bin) {
      last[2] = Math.max(last[2]!, h!);
      last[3] = Math.min(last[3]!, l!);
      last[4] = c!;
      last[5]! += v!;
    } else rows.push([bin, o!, h!, l!, c!, v!]);
  }
  const column = (k: number) => Float64Array.from(rows, (row) => row[k]!);
  return {
    symbol,
    timestamp: column(0),
    open: column(1),
    high: column(2),
    low: column(3),
    close: column(4),
    volume: column(5),
    columns: {},
  };
}

function firstBars(bars: Bars, n: number): Bars {
  const head = (values: Float64Array) => values.slice(0, n);
  return {
    ...bars,
    timestamp: head(bars.timestamp),
    open: head(bars.open),
    high: head(bars.high),
    low: head(bars.low),
    close: head(bars.close),
    volume: head(bars.volume),
  };
}

describe.skipIf(!existsSync(MES_FILE) || !existsSync(MGC_FILE))('real MES around its March roll', () => {
  it('forward adjustment changes no feature before the roll; back adjustment changes every level-dependent one', () => {
    const from = Date.parse('2026-02-02T00:00:00Z');
    const raw = fiveMinuteBars('MES', MES_FILE, from);
    const mgc = fiveMinuteBars('MGC', MGC_FILE, from);
    const roll = raw.timestamp.findIndex((t) => t >= ROLL);
    expect(raw.open[roll]! - raw.close[roll - 1]!).toBe(36); // the roll gap as measured at the open
    // What a run on the bars before the roll computes (no roll in its data, nothing to adjust) …
    const before = compute(
      firstBars(raw, roll),
      firstBars(
        mgc,
        mgc.timestamp.findIndex((t) => t >= ROLL),
      ),
    );
    // … and the run on all bars, adjusted either way with the known spread.
    const forward = compute(shifted(raw, -49.5, roll), mgc);
    const back = compute(shifted(raw, 49.5, 0, roll), mgc);
    expect(changedBefore(forward, before, roll)).toEqual([]);
    const changedByBack = changedBefore(back, before, roll);
    // 76 feature columns (with open, high, low and close, the 80 columns of features/MES.arrow):
    // every level-dependent one but the regime flag, which did not flip here, and the EMA differences.
    const expected = [...LEVEL_DEPENDENT.filter((name) => name !== 'volatility_regime'), ...SHIFT_INVARIANT_UP_TO_ROUNDING];
    expect([...changedByBack].sort()).toEqual(expected.sort());
    expect(changedByBack).toHaveLength(76);
  });
});
