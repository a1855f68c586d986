import { describe, expect, it } from 'vitest';
import { SCALING_CATEGORIES } from '@tribar/artifacts';
import { checkBars, computeFeatures, featureTable } from '../src/internal/compute.js';
import { FEATURE_FAMILIES } from '../src/internal/registry.js';
import { defaultConfig, randomBars } from './helpers.js';

const config = defaultConfig();
const mes = randomBars('MES', 3000, 31);
const mgc = randomBars('MGC', 3000, 32, { startPrice: 1950 });
const options = { config: config.features, symbols: config.symbols, barMinutes: 5, trainFraction: 0.7 };
const result = computeFeatures(mes, { ...options, partners: new Map([['MGC', mgc]]) });

describe('the feature registry', () => {
  it('registers at least 110 features per symbol with the default config and two symbols', () => {
    expect(result.specs.length).toBeGreaterThanOrEqual(110);
    const other = computeFeatures(mgc, { ...options, partners: new Map([['MES', mes]]) });
    expect(other.specs.map((s) => s.name)).toEqual(result.specs.map((s) => s.name));
  });

  it('covers every family and keeps every original feature name (§4.2, cross-asset renamed per pair)', () => {
    const optIn = new Set(['entropy', 'microstructure', 'structural-breaks']);
    expect(new Set(result.specs.map((s) => s.family))).toEqual(new Set(FEATURE_FAMILIES.filter((family) => !optIn.has(family))));
    const names = new Set(result.specs.map((s) => s.name));
    const original = [
      ...[1, 5, 10, 20, 60].flatMap((p) => [`return_${p}`, `log_return_${p}`]),
      'hl_ratio',
      'co_ratio',
      'range_pct',
      ...[10, 20, 50, 100, 200].flatMap((p) => [`sma_${p}`, `price_to_sma_${p}`]),
      ...[9, 12, 21, 26, 50].flatMap((p) => [`ema_${p}`, `price_to_ema_${p}`]),
      'rsi_14',
      'rsi_overbought',
      'rsi_oversold',
      'macd_line',
      'macd_signal',
      'macd_hist',
      'macd_cross_up',
      'macd_cross_down',
      'stoch_k',
      'stoch_d',
      'stoch_overbought',
      'stoch_oversold',
      'williams_r',
      'roc_5',
      'roc_10',
      'roc_20',
      'cci_20',
      'mfi_14',
      ...[7, 14, 21].flatMap((p) => [`atr_${p}`, `atr_pct_${p}`]),
      'bb_middle',
      'bb_upper',
      'bb_lower',
      'bb_width',
      'bb_position',
      'kc_middle',
      'kc_upper',
      'kc_lower',
      'kc_position',
      'hvol_10',
      'hvol_20',
      'hvol_60',
      'parkinson_vol',
      'gk_vol',
      'obv',
      'obv_sma_20',
      'volume_sma_20',
      'volume_ratio',
      'volume_zscore',
      'vwap',
      'price_to_vwap',
      'adx_14',
      'plus_di_14',
      'minus_di_14',
      'adx_strong_trend',
      'supertrend',
      'supertrend_direction',
      'hour_sin',
      'hour_cos',
      'minute_sin',
      'minute_cos',
      'dayofweek_sin',
      'dayofweek_cos',
      'session_asia',
      'session_london',
      'session_ny',
      'volatility_regime',
      'trend_regime',
      'mes_mgc_correlation_20',
      'mes_mgc_spread_zscore',
      'mes_mgc_beta',
      'mes_mgc_relative_strength',
      'close_bb_zscore',
      'close_kc_atr_dev',
    ];
    expect(original).toHaveLength(101);
    expect(original.filter((name) => !names.has(name))).toEqual([]);
  });

  it('declares a category, a flag bit and inputs for every feature; flags are binary', () => {
    for (const feature of result.specs) {
      expect(SCALING_CATEGORIES).toContain(feature.category);
      expect(feature.description.length).toBeGreaterThan(5);
      if (feature.flag) expect(feature.category, feature.name).toBe('binary');
      if (feature.family === 'cross-asset') expect(feature.inputs).toEqual({ cross: ['MES', 'MGC'] });
      else expect(feature.inputs).toBe('own');
    }
    for (const name of ['supertrend_direction', 'session_ny', 'macd_cross_up', 'is_rth', 'trend_regime']) {
      expect(result.specs.find((s) => s.name === name)?.flag, name).toBe(true);
    }
  });

  it('declared warm-ups are honest: no feature starts later than declared on a continuous series', () => {
    const late = result.specs
      .map((feature, j) => ({ name: feature.name, declared: feature.warmup, first: result.firstValid[j]! }))
      .filter(({ declared, first }) => first > declared);
    expect(late).toEqual([]);
    // The declared warm-up is also tight for the simple indicators (first valid = declared).
    for (const name of ['sma_200', 'rsi_14', 'atr_21', 'macd_signal', 'adx_14', 'return_60', 'stoch_d']) {
      const j = result.specs.findIndex((s) => s.name === name);
      expect(result.firstValid[j], name).toBe(result.specs[j]!.warmup);
    }
  });

  it('drops the warm-up so every feature is valid on the first kept row', () => {
    const table = featureTable(mes, result);
    expect(table.timestamp.length).toBe(3000 - result.warmupRows);
    expect(result.warmupRows).toBe(Math.max(...result.firstValid));
    expect(result.warmupRows).toBeLessThanOrEqual(Math.max(...result.specs.map((s) => s.warmup)));
    for (const feature of result.specs) expect(Number.isFinite(table.columns[feature.name]![0]), feature.name).toBe(true);
  });

  it('never writes ±Infinity: zero-range and zero-volume bars give NaN or finite values', () => {
    const flat = randomBars('MES', 1500, 77);
    for (let i = 600; i < 900; i++) {
      flat.open[i] = flat.high[i] = flat.low[i] = flat.close[i] = 4500;
      flat.volume[i] = 0;
    }
    flat.close[599] = 4500;
    const out = computeFeatures(flat, { ...options, partners: new Map([['MGC', mgc]]) });
    const infinite = out.specs.filter((_, j) => out.columns[j]!.some((v) => v === Infinity || v === -Infinity));
    expect(infinite).toEqual([]);
    const at = (name: string) => out.columns[out.specs.findIndex((s) => s.name === name)]![880];
    for (const name of ['williams_r', 'bb_position', 'volume_ratio', 'volume_zscore', 'close_bb_zscore', 'cci_20']) {
      expect(at(name), name).toBeNaN();
    }
    expect(at('stoch_k')).toBe(50);
    expect(at('parkinson_vol')).toBe(0);
    expect(at('hvol_10')).toBe(0);
  });

  it('registers cross-asset features per configured pair, none without partners, and no volume features without volume', () => {
    const three = defaultConfig({ symbols: ['MES', 'MGC', 'MNQ'] });
    const mnq = randomBars('MNQ', 400, 33, { startPrice: 17000 });
    const small = randomBars('MES', 400, 34);
    const names = (
      cfg: typeof three,
      bars = small,
      partners = new Map([
        ['MGC', mgc],
        ['MNQ', mnq],
      ]),
    ) =>
      computeFeatures(bars, { config: cfg.features, symbols: cfg.symbols, barMinutes: 5, trainFraction: 0.7, partners }).specs.map(
        (s) => s.name,
      );
    const cross = names(three).filter((n) => n.endsWith('_beta'));
    expect(cross).toEqual(['mes_mgc_beta', 'mes_mnq_beta']);
    expect(
      names(defaultConfig({ symbols: ['MES', 'MGC', 'MNQ'], features: { crossAsset: { pairs: [['MGC', 'MNQ']] } } })).filter((n) =>
        n.endsWith('_beta'),
      ),
    ).toEqual([]);
    expect(names(defaultConfig({ symbols: ['MES'] })).some((n) => n.includes('_beta'))).toBe(false);
    expect(names(defaultConfig({ features: { crossAsset: { enabled: false } } })).some((n) => n.includes('_beta'))).toBe(false);
    const noVolume = { ...small, volume: new Float64Array(small.volume.length) };
    const withoutVolume = names(defaultConfig(), noVolume);
    expect(withoutVolume).not.toContain('mfi_14');
    expect(withoutVolume).not.toContain('vwap');
    expect(names(defaultConfig()).length - withoutVolume.length).toBe(9);
  });

  it('rejects bars the kernels cannot use, naming the row and field', () => {
    const bars = randomBars('MES', 50, 1);
    expect(() => checkBars(bars, 'clean/MES.arrow')).not.toThrow();
    const bad = { ...bars, close: bars.close.slice() };
    bad.close[9] = Number.NaN;
    expect(() => checkBars(bad, 'clean/MES.arrow')).toThrow(/clean\/MES\.arrow, row 10, field 'close'/);
    const unordered = { ...bars, timestamp: bars.timestamp.slice() };
    unordered.timestamp[5] = unordered.timestamp[4]!;
    expect(() => checkBars(unordered, 'x')).toThrow(/row 6, field 'timestamp'/);
  });

  it('takes periods from the config: names, warm-ups and values follow', () => {
    const custom = defaultConfig({
      features: { rsi: 7, sma: [3], ema: [4, 50], atr: [5], cci: 10, higherTimeframes: [30], crossAsset: { window: 10 } },
    });
    const out = computeFeatures(mes, {
      config: custom.features,
      symbols: custom.symbols,
      barMinutes: 5,
      trainFraction: 0.7,
      partners: new Map([['MGC', mgc]]),
    });
    const spec = (name: string) => out.specs.find((s) => s.name === name);
    expect(spec('rsi_7')?.warmup).toBe(7);
    expect(spec('sma_3')?.warmup).toBe(2);
    expect(spec('atr_pct_5')?.warmup).toBe(5);
    expect(spec('cci_10')?.warmup).toBe(9);
    expect(spec('mes_mgc_correlation_10')?.warmup).toBe(11);
    expect(spec('tf30m_rsi_14')?.warmup).toBe(15 * 6 - 1);
    expect(spec('rsi_14')).toBeUndefined();
    expect(spec('tf240m_rsi_14')).toBeUndefined();
    expect(out.firstValid[out.specs.findIndex((s) => s.name === 'sma_3')]).toBe(2);
  });

  it('registers the structural-break family (AFML ch. 17) only when configured, each warm-up its first valid row', () => {
    expect(result.specs.some((s) => s.family === 'structural-breaks')).toBe(false);
    const on = defaultConfig({ features: { structuralBreaks: { window: 50, minLength: 12, lags: 2, adf: ['constant', 'quadratic'] } } });
    const small = randomBars('MES', 400, 36);
    const out = computeFeatures(small, { config: on.features, symbols: ['MES'], barMinutes: 5, trainFraction: 0.7 });
    const breaks = out.specs.map((s, j) => ({ ...s, first: out.firstValid[j] })).filter((s) => s.family === 'structural-breaks');
    expect(breaks.map((s) => [s.name, s.warmup, s.category])).toEqual([
      ['chow_df_50', 49, 'unbounded'],
      ['csw_cusum_one_50', 49, 'unbounded'],
      ['csw_cusum_two_50', 49, 'unbounded'],
      ['sadf_c_50', 14, 'unbounded'],
      ['sadf_ctt_50', 14, 'unbounded'],
      ['smt_poly1_50', 11, 'unbounded'],
      ['smt_poly2_50', 11, 'unbounded'],
      ['smt_exp_50', 11, 'unbounded'],
      ['smt_power_50', 11, 'unbounded'],
    ]);
    for (const s of breaks) expect(s.first, s.name).toBe(s.warmup);
    // The two-sided CUSUM bounds the one-sided one from above.
    const col = (name: string) => out.columns[out.specs.findIndex((s) => s.name === name)]!;
    const one = col('csw_cusum_one_50');
    const two = col('csw_cusum_two_50');
    for (let i = 49; i < 400; i++) expect(two[i]!).toBeGreaterThanOrEqual(one[i]!);
  });

  it('keeps the AFML families (entropy, microstructure) off by default and registers them when configured', () => {
    expect(result.specs.length).toBe(123);
    const on = defaultConfig({
      features: { entropy: { window: 50, encodings: ['tick', 'sigma'] }, microstructure: { window: 10, vpinWindow: 30 } },
    });
    const small = randomBars('MES', 600, 35);
    const out = computeFeatures(small, { config: on.features, symbols: ['MES'], barMinutes: 5, trainFraction: 0.7 });
    const afml = out.specs
      .map((s, j) => ({ ...s, first: out.firstValid[j] }))
      .filter((s) => s.family === 'entropy' || s.family === 'microstructure');
    expect(afml.map((s) => s.name)).toEqual([
      'entropy_shannon_tick_50',
      'entropy_plugin_tick_50',
      'entropy_lz_tick_50',
      'entropy_konto_tick_50',
      'entropy_shannon_sigma_50',
      'entropy_plugin_sigma_50',
      'entropy_lz_sigma_50',
      'entropy_konto_sigma_50',
      'roll_measure_10',
      'corwin_schultz_10',
      'bekker_parkinson_10',
      'roll_impact_10',
      'kyle_lambda_10',
      'amihud_lambda_10',
      'hasbrouck_lambda_10',
      'bvc_buy_share_10',
      'vpin_30',
    ]);
    // On gap-free random bars every declared warm-up is the first finite row.
    for (const s of afml) expect(s.first, s.name).toBe(s.warmup);
    expect(afml.find((s) => s.name === 'vpin_30')?.warmup).toBe(39);
    // Shannon entropy of a two-symbol code lies in [0, 1] bit; VPIN in [0, 1].
    const col = (name: string) => out.columns[out.specs.findIndex((s) => s.name === name)]!;
    const shannon = Array.from(col('entropy_shannon_tick_50').subarray(50));
    expect(Math.min(...shannon)).toBeGreaterThan(0.5);
    expect(Math.max(...shannon)).toBeLessThanOrEqual(1);
    const noVolume = { ...small, volume: new Float64Array(small.volume.length) };
    const dry = computeFeatures(noVolume, { config: on.features, symbols: ['MES'], barMinutes: 5, trainFraction: 0.7 });
    expect(dry.specs.filter((s) => s.family === 'microstructure').map((s) => s.name)).toEqual([
      'roll_measure_10',
      'corwin_schultz_10',
      'bekker_parkinson_10',
    ]);
  });
});
