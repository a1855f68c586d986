import { safeDivide } from '../kernels/elementwise.js';
import { rollingMeanStd } from '../kernels/rolling.js';
import { spec, single, type FamilyBuilder, type FeatureGroup } from '../registry.js';
import { sharedAtr, sharedEma, sharedHvol } from './common.js';

/**
 * ATR and ATR %, Bollinger and Keltner bands (with the original's later z-score and ATR-deviation
 * columns) and historical volatility (§4.2). `bb_width` uses the middle band, not the std (§17.4).
 */
export const volatilityFamily: FamilyBuilder = ({ config }) => {
  const bb = config.bollinger;
  const kc = config.keltner;
  const f = spec.bind(null, 'volatility');
  const groups: FeatureGroup[] = [
    ...config.atr.map((p): FeatureGroup => ({
      family: 'volatility',
      features: [
        f(`atr_${p}`, 'volatility', p, `Wilder average true range over ${p} bars.`),
        f(`atr_pct_${p}`, 'volatility', p, `atr_${p} over close, in percent.`),
      ],
      compute: (input) => {
        const atr = sharedAtr(input, p);
        const c = input.bars.close;
        const pct = new Float64Array(c.length);
        for (let i = 0; i < pct.length; i++) pct[i] = 100 * safeDivide(atr[i] as number, c[i] as number);
        return [atr, pct];
      },
    })),
    {
      family: 'volatility',
      features: [
        f('bb_middle', 'price_level', bb.period - 1, `Rolling ${bb.period}-bar mean of close.`),
        f('bb_upper', 'price_level', bb.period - 1, `bb_middle + ${bb.std}·rolling std (ddof 1).`),
        f('bb_lower', 'price_level', bb.period - 1, `bb_middle − ${bb.std}·rolling std (ddof 1).`),
        // The original's later version divided by std, a constant 2·k (§17.4); the band width is relative to the middle.
        f('bb_width', 'volatility', bb.period - 1, '(bb_upper − bb_lower)/bb_middle.'),
        f('bb_position', 'oscillator', bb.period - 1, '(C − bb_lower)/(bb_upper − bb_lower); NaN on a flat window.'),
        f('close_bb_zscore', 'unbounded', bb.period - 1, '(C − bb_middle)/rolling std.'),
      ],
      compute: (input) => {
        const c = input.bars.close;
        const { mean, std } = rollingMeanStd(c, bb.period, 1);
        const n = c.length;
        const upper = new Float64Array(n);
        const lower = new Float64Array(n);
        const width = new Float64Array(n);
        const position = new Float64Array(n);
        const z = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const m = mean[i] as number;
          const s = std[i] as number;
          upper[i] = m + bb.std * s;
          lower[i] = m - bb.std * s;
          width[i] = safeDivide((upper[i] as number) - (lower[i] as number), m);
          position[i] = safeDivide((c[i] as number) - (lower[i] as number), (upper[i] as number) - (lower[i] as number));
          z[i] = safeDivide((c[i] as number) - m, s);
        }
        return [mean, upper, lower, width, position, z];
      },
    },
    {
      family: 'volatility',
      features: [
        f('kc_middle', 'price_level', kc.period - 1, `EMA${kc.period} of close.`),
        f('kc_upper', 'price_level', kc.period, `kc_middle + ${kc.atrMultiple}·ATR${kc.period}.`),
        f('kc_lower', 'price_level', kc.period, `kc_middle − ${kc.atrMultiple}·ATR${kc.period}.`),
        f('kc_position', 'volatility', kc.period, '(C − kc_lower)/(kc_upper − kc_lower).'),
        f('close_kc_atr_dev', 'volatility', kc.period, `(C − kc_middle)/ATR${kc.period}.`),
      ],
      compute: (input) => {
        const c = input.bars.close;
        const mid = sharedEma(input, kc.period);
        const atr = sharedAtr(input, kc.period);
        const n = c.length;
        const upper = new Float64Array(n);
        const lower = new Float64Array(n);
        const position = new Float64Array(n);
        const dev = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const a = atr[i] as number;
          upper[i] = (mid[i] as number) + kc.atrMultiple * a;
          lower[i] = (mid[i] as number) - kc.atrMultiple * a;
          position[i] = safeDivide((c[i] as number) - (lower[i] as number), (upper[i] as number) - (lower[i] as number));
          dev[i] = safeDivide((c[i] as number) - (mid[i] as number), a);
        }
        return [mid, upper, lower, position, dev];
      },
    },
    ...config.historicalVolatility.map((p) =>
      single(f(`hvol_${p}`, 'volatility', p, `Rolling ${p}-bar std of log returns × √(252·78).`), (input) => sharedHvol(input, p)),
    ),
  ];
  return groups;
};
