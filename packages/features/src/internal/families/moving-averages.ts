import { ratio } from '../kernels/elementwise.js';
import { spec, type FamilyBuilder, type FeatureGroup } from '../registry.js';
import { sharedEma, sharedSma } from './common.js';

/** `sma_p`/`price_to_sma_p` and `ema_p`/`price_to_ema_p` (numba SMA/EMA, §4.2–4.3). */
export const movingAveragesFamily: FamilyBuilder = ({ config }) => [
  ...config.sma.map((p): FeatureGroup => ({
    family: 'moving-averages',
    features: [
      spec('moving-averages', `sma_${p}`, 'price_level', p - 1, `Simple moving average of close over ${p} bars.`),
      spec('moving-averages', `price_to_sma_${p}`, 'returns', p - 1, `Close over sma_${p} − 1.`),
    ],
    compute: (input) => {
      const sma = sharedSma(input, p);
      return [sma, ratio(input.bars.close, sma, 1)];
    },
  })),
  ...config.ema.map((p): FeatureGroup => ({
    family: 'moving-averages',
    features: [
      spec('moving-averages', `ema_${p}`, 'price_level', p - 1, `EMA of close, α = 2/(${p}+1), seeded by the first ${p}-bar mean.`),
      spec('moving-averages', `price_to_ema_${p}`, 'returns', p - 1, `Close over ema_${p} − 1.`),
    ],
    compute: (input) => {
      const ema = sharedEma(input, p);
      return [ema, ratio(input.bars.close, ema, 1)];
    },
  })),
];
