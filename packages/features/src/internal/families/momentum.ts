import { flag, safeDivide, shift } from '../kernels/elementwise.js';
import { rollingMean, rollingMeanAbsDev, rollingSum } from '../kernels/rolling.js';
import { ema, rsi } from '../kernels/smoothing.js';
import { single, spec, type FamilyBuilder, type FeatureGroup } from '../registry.js';
import { highestHigh, lowestLow, sharedEma, typicalPrice } from './common.js';

const NaN_ = Number.NaN;

/**
 * Crossing flag evaluated on the previous bar, as the original's later version shifted every
 * crossing/threshold flag by one (§4.2 [BASE+]): out[i] = a crossed above b between i−2 and i−1.
 */
function crossFlag(a: Float64Array, b: Float64Array, up: boolean): Float64Array {
  const n = a.length;
  const out = new Float64Array(n).fill(NaN_);
  for (let i = 2; i < n; i++) {
    const a1 = a[i - 1] as number;
    const b1 = b[i - 1] as number;
    const a2 = a[i - 2] as number;
    const b2 = b[i - 2] as number;
    if (a1 !== a1 || b1 !== b1 || a2 !== a2 || b2 !== b2) continue;
    out[i] = up ? (a1 > b1 && a2 <= b2 ? 1 : 0) : a1 < b1 && a2 >= b2 ? 1 : 0;
  }
  return out;
}

export const momentumFamily: FamilyBuilder = ({ config, hasVolume }) => {
  const f = (name: string, category: 'oscillator' | 'returns' | 'binary', warmup: number, text: string, isFlag = false) =>
    spec('momentum', name, category, warmup, text, { flag: isFlag });
  const r = config.rsi;
  const { fast, slow, signal } = config.macd;
  const { k: kp, d: dp } = config.stochastic;
  const groups: FeatureGroup[] = [
    {
      family: 'momentum',
      features: [
        f(`rsi_${r}`, 'oscillator', r, `Wilder RSI over ${r} bars.`),
        f('rsi_overbought', 'binary', r + 1, `1 if rsi_${r} > 70 on the previous bar.`, true),
        f('rsi_oversold', 'binary', r + 1, `1 if rsi_${r} < 30 on the previous bar.`, true),
      ],
      compute: (input) => {
        const values = rsi(input.bars.close, r);
        return [
          values,
          shift(
            flag(values, (v) => v > 70),
            1,
          ),
          shift(
            flag(values, (v) => v < 30),
            1,
          ),
        ];
      },
    },
    {
      family: 'momentum',
      features: [
        f('macd_line', 'returns', slow - 1, `EMA${fast}(C) − EMA${slow}(C).`),
        f('macd_signal', 'returns', slow + signal - 2, `EMA${signal} of macd_line.`),
        f('macd_hist', 'returns', slow + signal - 2, 'macd_line − macd_signal.'),
        f('macd_cross_up', 'binary', slow + signal, 'macd_line crossed above its signal on the previous bar.', true),
        f('macd_cross_down', 'binary', slow + signal, 'macd_line crossed below its signal on the previous bar.', true),
      ],
      compute: (input) => {
        const fastEma = sharedEma(input, fast);
        const slowEma = sharedEma(input, slow);
        const line = new Float64Array(fastEma.length);
        for (let i = 0; i < line.length; i++) line[i] = (fastEma[i] as number) - (slowEma[i] as number);
        const sig = ema(line, signal);
        const hist = new Float64Array(line.length);
        for (let i = 0; i < hist.length; i++) hist[i] = (line[i] as number) - (sig[i] as number);
        return [line, sig, hist, crossFlag(line, sig, true), crossFlag(line, sig, false)];
      },
    },
    {
      family: 'momentum',
      features: [
        f('stoch_k', 'oscillator', kp - 1, `100·(C − LL${kp})/(HH${kp} − LL${kp}); 50 on a flat window as the original.`),
        f('stoch_d', 'oscillator', kp + dp - 2, `Mean of the last ${dp} stoch_k.`),
        f('stoch_overbought', 'binary', kp, '1 if stoch_k > 80 on the previous bar.', true),
        f('stoch_oversold', 'binary', kp, '1 if stoch_k < 20 on the previous bar.', true),
      ],
      compute: (input) => {
        const { close } = input.bars;
        const hh = highestHigh(input, kp);
        const ll = lowestLow(input, kp);
        const k = new Float64Array(close.length);
        for (let i = 0; i < k.length; i++) {
          const range = (hh[i] as number) - (ll[i] as number);
          // The original's numba kernel defines a flat window as 50 (neutral), not a division by zero.
          k[i] = range === 0 ? 50 : range === range ? (100 * ((close[i] as number) - (ll[i] as number))) / range : NaN_;
        }
        return [
          k,
          rollingMean(k, dp),
          shift(
            flag(k, (v) => v > 80),
            1,
          ),
          shift(
            flag(k, (v) => v < 20),
            1,
          ),
        ];
      },
    },
    single(f('williams_r', 'oscillator', config.williams - 1, `−100·(HH − C)/(HH − LL) over ${config.williams} bars.`), (input) => {
      const { close } = input.bars;
      const hh = highestHigh(input, config.williams);
      const ll = lowestLow(input, config.williams);
      const out = new Float64Array(close.length);
      for (let i = 0; i < out.length; i++) {
        out[i] = -100 * safeDivide((hh[i] as number) - (close[i] as number), (hh[i] as number) - (ll[i] as number));
      }
      return out;
    }),
    ...config.roc.map((p) =>
      single(f(`roc_${p}`, 'returns', p, `Rate of change over ${p} bars, in percent.`), (input) => {
        const c = input.bars.close;
        const out = new Float64Array(c.length).fill(NaN_);
        for (let i = p; i < c.length; i++) out[i] = 100 * safeDivide((c[i] as number) - (c[i - p] as number), c[i - p] as number);
        return out;
      }),
    ),
    single(f(`cci_${config.cci}`, 'oscillator', config.cci - 1, 'Commodity channel index: (TP − SMA(TP))/(0.015·MAD(TP)).'), (input) => {
      const tp = typicalPrice(input);
      const mean = rollingMean(tp, config.cci);
      const mad = rollingMeanAbsDev(tp, mean, config.cci);
      const out = new Float64Array(tp.length);
      for (let i = 0; i < out.length; i++) out[i] = safeDivide((tp[i] as number) - (mean[i] as number), 0.015 * (mad[i] as number));
      return out;
    }),
  ];
  if (hasVolume) {
    const p = config.mfi;
    groups.push(
      single(f(`mfi_${p}`, 'oscillator', p - 1, 'Money flow index: 100 − 100/(1 + Σpositive MF/Σnegative MF).'), (input) => {
        const tp = typicalPrice(input);
        const v = input.bars.volume;
        const n = tp.length;
        const pos = new Float64Array(n);
        const neg = new Float64Array(n);
        for (let i = 1; i < n; i++) {
          const mf = (tp[i] as number) * (v[i] as number);
          if ((tp[i] as number) > (tp[i - 1] as number)) pos[i] = mf;
          else if ((tp[i] as number) < (tp[i - 1] as number)) neg[i] = mf;
        }
        const sp = rollingSum(pos, p);
        const sn = rollingSum(neg, p);
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const a = sp[i] as number;
          const b = sn[i] as number;
          // §4.2: no negative flow with positive flow → 100; no flow at all → NaN.
          out[i] = b === 0 ? (a > 0 ? 100 : NaN_) : 100 - 100 / (1 + a / b);
        }
        return out;
      }),
    );
  }
  return groups;
};
