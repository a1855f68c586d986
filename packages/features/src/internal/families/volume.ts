import { safeDivide } from '../kernels/elementwise.js';
import { rollingMean, rollingMeanStd } from '../kernels/rolling.js';
import { spec, type FamilyBuilder } from '../registry.js';
import { typicalPrice } from './common.js';

const NaN_ = Number.NaN;
const DAY_MS = 86_400_000;

/** On-balance volume, volume averages and the daily VWAP (§4.2); registered only when volume is present. */
export const volumeFamily: FamilyBuilder = ({ config, hasVolume }) => {
  if (!hasVolume) return [];
  const p = config.volume;
  const f = spec.bind(null, 'volume');
  return [
    {
      family: 'volume',
      features: [
        f('obv', 'volume', 0, 'Cumulative sign(ΔC)·V over the whole history.'),
        f(`obv_sma_${p}`, 'volume', p - 1, `Rolling ${p}-bar mean of obv.`),
        f(`volume_sma_${p}`, 'volume', p - 1, `Rolling ${p}-bar mean of volume.`),
        f('volume_ratio', 'volume', p - 1, `V/volume_sma_${p}; NaN (not the original's inf) when the mean is 0.`),
        f('volume_zscore', 'volume', p - 1, `(V − mean${p})/std${p}; NaN on constant volume.`),
      ],
      compute: ({ bars }) => {
        const { close, volume } = bars;
        const n = close.length;
        const obv = new Float64Array(n);
        let total = 0;
        for (let i = 0; i < n; i++) {
          // pandas' first diff is NaN and the original filled it with 0.
          const d = i > 0 ? (close[i] as number) - (close[i - 1] as number) : 0;
          total += d > 0 ? (volume[i] as number) : d < 0 ? -(volume[i] as number) : 0;
          obv[i] = total;
        }
        const { mean, std } = rollingMeanStd(volume, p, 1);
        const ratio = new Float64Array(n);
        const z = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          ratio[i] = safeDivide(volume[i] as number, mean[i] as number);
          z[i] = safeDivide((volume[i] as number) - (mean[i] as number), std[i] as number);
        }
        return [obv, rollingMean(obv, p), mean, ratio, z];
      },
    },
    {
      family: 'volume',
      features: [
        f('vwap', 'price_level', 0, 'Σ(TP·V)/ΣV since the start of the UTC calendar day; NaN while ΣV = 0.'),
        f('price_to_vwap', 'returns', 0, 'C/vwap − 1.'),
      ],
      compute: (input) => {
        const { timestamp, close, volume } = input.bars;
        const tp = typicalPrice(input);
        const n = close.length;
        const vwap = new Float64Array(n);
        const toVwap = new Float64Array(n);
        let day = NaN_;
        let pv = 0;
        let vol = 0;
        for (let i = 0; i < n; i++) {
          const d = Math.floor((timestamp[i] as number) / DAY_MS);
          if (d !== day) {
            day = d;
            pv = 0;
            vol = 0;
          }
          pv += (tp[i] as number) * (volume[i] as number);
          vol += volume[i] as number;
          vwap[i] = safeDivide(pv, vol);
          toVwap[i] = safeDivide(close[i] as number, vwap[i] as number) - 1;
        }
        return [vwap, toVwap];
      },
    },
  ];
};
