import type { Bars } from '@tribar/market';
import { pctChange, safeDivide, shift } from '../kernels/elementwise.js';
import { rollingCorrBeta, rollingMeanStd, rollingSum } from '../kernels/rolling.js';
import { spec, type FamilyBuilder, type FeatureGroup, type FeatureInput } from '../registry.js';

const NaN_ = Number.NaN;

/** The configured pairs, or every pair of configured symbols in their order when `pairs` is null. */
export function crossPairs(symbols: readonly string[], pairs: readonly (readonly [string, string])[] | null): [string, string][] {
  if (pairs !== null) return pairs.map(([a, b]) => [a, b]);
  const out: [string, string][] = [];
  for (let i = 0; i < symbols.length; i++)
    for (let j = i + 1; j < symbols.length; j++) out.push([symbols[i] as string, symbols[j] as string]);
  return out;
}

/**
 * A partner's closes on the own bars' timestamps by an as-of join: the partner's last bar that
 * started at or before the own bar's start, used only when it started at the same instant or at
 * most `maxFillBars` bars earlier (default 0: exact matches only). A partner bar that started
 * earlier has closed by the own bar's start, so no value from after the own bar is ever read;
 * where the partner has no usable bar the value is NaN (and the rolling windows holding it too).
 */
export function alignCloses(own: Float64Array, partner: Bars, maxFillMs: number): Float64Array {
  const n = own.length;
  const out = new Float64Array(n).fill(NaN_);
  const ts = partner.timestamp;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const t = own[i] as number;
    while (j < ts.length && (ts[j] as number) <= t) j++;
    if (j === 0) continue;
    const at = ts[j - 1] as number;
    if (t - at <= maxFillMs) out[i] = partner.close[j - 1] as number;
  }
  return out;
}

function closesOf(input: FeatureInput, symbol: string, maxFillMs: number): Float64Array {
  if (symbol === input.bars.symbol) return input.bars.close;
  const partner = input.partners.get(symbol);
  if (partner === undefined) return new Float64Array(input.bars.timestamp.length).fill(NaN_);
  return input.shared.get(`aligned/${symbol}`, () => alignCloses(input.bars.timestamp, partner, maxFillMs));
}

/**
 * Rolling correlation, beta, spread z-score and relative strength for every configured pair that
 * holds this symbol (the original hard-coded MES/MGC, §4.2). Values are shifted one bar as in the
 * original's later version; the spread z-score is NaN in its warm-up (the original wrote 0.0, §17.3)
 * and zero variances give NaN (the original's 0.0).
 */
export const crossAssetFamily: FamilyBuilder = ({ config, symbol, symbols, barMinutes }) => {
  const { enabled, pairs, window: w, maxFillBars } = config.crossAsset;
  if (!enabled) return [];
  const maxFillMs = maxFillBars * barMinutes * 60_000;
  return crossPairs(symbols, pairs)
    .filter(([a, b]) => a !== b && (a === symbol || b === symbol))
    .map(([a, b]): FeatureGroup => {
      const prefix = `${a.toLowerCase()}_${b.toLowerCase()}`;
      const inputs = { cross: [a, b] as const };
      const f = (name: string, warmup: number, text: string, category: 'unbounded' | 'oscillator' = 'unbounded') =>
        spec('cross-asset', name, category, warmup, text, { inputs });
      return {
        family: 'cross-asset',
        features: [
          f(
            `${prefix}_correlation_${w}`,
            w + 1,
            `Rolling ${w}-bar Pearson correlation of ${a} and ${b} one-bar returns, previous bar.`,
            'oscillator',
          ),
          f(`${prefix}_beta`, w + 1, `Rolling ${w}-bar OLS slope of ${a} returns on ${b} returns, previous bar.`),
          f(`${prefix}_spread_zscore`, 2 * w - 1, `z-score over ${w} bars of z(${a} close) − z(${b} close), previous bar.`),
          f(`${prefix}_relative_strength`, w + 1, `Σ${w} ${a} returns − Σ${w} ${b} returns, previous bar.`),
        ],
        compute: (input) => {
          const ca = closesOf(input, a, maxFillMs);
          const cb = closesOf(input, b, maxFillMs);
          const ra = pctChange(ca, 1);
          const rb = pctChange(cb, 1);
          const { corr, beta } = rollingCorrBeta(ra, rb, w);
          const za = zscore(ca, w);
          const zb = zscore(cb, w);
          const spread = new Float64Array(ca.length);
          for (let i = 0; i < spread.length; i++) spread[i] = (za[i] as number) - (zb[i] as number);
          const sa = rollingSum(ra, w);
          const sb = rollingSum(rb, w);
          const strength = new Float64Array(ca.length);
          for (let i = 0; i < strength.length; i++) strength[i] = (sa[i] as number) - (sb[i] as number);
          return [shift(corr, 1), shift(beta, 1), shift(zscore(spread, w), 1), shift(strength, 1)];
        },
      };
    });
};

function zscore(x: Float64Array, w: number): Float64Array {
  const { mean, std } = rollingMeanStd(x, w, 1);
  const out = new Float64Array(x.length);
  for (let i = 0; i < out.length; i++) out[i] = safeDivide((x[i] as number) - (mean[i] as number), std[i] as number);
  return out;
}
