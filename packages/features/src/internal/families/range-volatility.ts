import { rollingMean, rollingMeanStd } from '../kernels/rolling.js';
import { single, spec, type FamilyBuilder, type FeatureInput } from '../registry.js';
import { ANNUALISATION } from './common.js';

const NaN_ = Number.NaN;

/** √(x)·AF, NaN for a negative mean (Garman–Klass can go below zero on doji-heavy windows). */
function annualisedRoot(x: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    x[i] = v >= 0 ? Math.sqrt(v) * ANNUALISATION : NaN_;
  }
  return x;
}

/**
 * Range-based volatility estimators over a rolling window (default 20 bars), annualised like hvol:
 * Parkinson (1980) and Garman–Klass (1980) as the original (§4.2), plus Rogers–Satchell (1991),
 * which is unbiased under drift, and Yang–Zhang (2000), which adds the open gap.
 */
export const rangeVolatilityFamily: FamilyBuilder = ({ config }) => {
  const p = config.rangeVolatility;
  const f = spec.bind(null, 'range-volatility');
  return [
    single(f('parkinson_vol', 'volatility', p - 1, `√(mean${p}(ln(H/L)²)/(4 ln 2))·AF.`), (input) => {
      const { h, l } = logPrices(input);
      const x = new Float64Array(h.length);
      for (let i = 0; i < x.length; i++) x[i] = ((h[i] as number) - (l[i] as number)) ** 2 / (4 * Math.LN2);
      return annualisedRoot(rollingMean(x, p));
    }),
    single(f('gk_vol', 'volatility', p - 1, `√(mean${p}(½ln(H/L)² − (2ln2 − 1)ln(C/O)²))·AF; NaN if the mean is negative.`), (input) => {
      const { o, h, l, c } = logPrices(input);
      const x = new Float64Array(h.length);
      for (let i = 0; i < x.length; i++) {
        const hl = (h[i] as number) - (l[i] as number);
        const co = (c[i] as number) - (o[i] as number);
        x[i] = 0.5 * hl * hl - (2 * Math.LN2 - 1) * co * co;
      }
      return annualisedRoot(rollingMean(x, p));
    }),
    single(f('rs_vol', 'volatility', p - 1, `Rogers–Satchell: √(mean${p}(ln(H/C)ln(H/O) + ln(L/C)ln(L/O)))·AF.`), (input) =>
      annualisedRoot(rollingMean(rogersSatchell(input), p)),
    ),
    single(
      f('yz_vol', 'volatility', p, `Yang–Zhang: √(σ²open + k·σ²close + (1−k)·σ²RS)·AF over ${p} bars, k = 0.34/(1.34 + (n+1)/(n−1)).`),
      (input) => {
        const { o, c } = logPrices(input);
        const n = c.length;
        const overnight = new Float64Array(n).fill(NaN_);
        const openClose = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          if (i > 0) overnight[i] = (o[i] as number) - (c[i - 1] as number);
          openClose[i] = (c[i] as number) - (o[i] as number);
        }
        const so = rollingMeanStd(overnight, p, 1).std;
        const sc = rollingMeanStd(openClose, p, 1).std;
        const mrs = rollingMean(rogersSatchell(input), p);
        const k = 0.34 / (1.34 + (p + 1) / (p - 1));
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          out[i] = (so[i] as number) ** 2 + k * (sc[i] as number) ** 2 + (1 - k) * (mrs[i] as number);
        }
        return annualisedRoot(out);
      },
    ),
  ];
};

/** ln of each price column, once per symbol (NaN for a non-positive price): every ratio is then a difference. */
function logPrices(input: FeatureInput): { o: Float64Array; h: Float64Array; l: Float64Array; c: Float64Array } {
  const { bars } = input;
  const log = (key: 'open' | 'high' | 'low' | 'close') =>
    input.shared.get(`ln/${key}`, () => {
      const prices = bars[key];
      const out = new Float64Array(prices.length);
      for (let i = 0; i < out.length; i++) {
        const v = prices[i] as number;
        out[i] = v > 0 ? Math.log(v) : NaN_;
      }
      return out;
    });
  return { o: log('open'), h: log('high'), l: log('low'), c: log('close') };
}

/** Per-bar Rogers–Satchell term ln(H/C)·ln(H/O) + ln(L/C)·ln(L/O), shared by rs_vol and yz_vol. */
function rogersSatchell(input: FeatureInput): Float64Array {
  return input.shared.get('rogers-satchell', () => {
    const { o, h, l, c } = logPrices(input);
    const out = new Float64Array(c.length);
    for (let i = 0; i < out.length; i++) {
      const hi = h[i] as number;
      const lo = l[i] as number;
      out[i] = (hi - (c[i] as number)) * (hi - (o[i] as number)) + (lo - (c[i] as number)) * (lo - (o[i] as number));
    }
    return out;
  });
}
