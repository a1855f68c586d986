import { flag } from '../kernels/elementwise.js';
import { adx, supertrend } from '../kernels/smoothing.js';
import { spec, type FamilyBuilder } from '../registry.js';
import { sharedAtr } from './common.js';

/** Wilder ADX/±DI and Supertrend (§4.3), the latter with the standard band-carry rule (§17.4). */
export const trendFamily: FamilyBuilder = ({ config }) => {
  const p = config.adx;
  const st = config.supertrend;
  const f = spec.bind(null, 'trend');
  return [
    {
      family: 'trend',
      features: [
        f(`adx_${p}`, 'oscillator', 2 * p - 1, `Wilder ADX over ${p} bars.`),
        f(`plus_di_${p}`, 'oscillator', p, `+DI over ${p} bars.`),
        f(`minus_di_${p}`, 'oscillator', p, `−DI over ${p} bars.`),
        f('adx_strong_trend', 'binary', 2 * p - 1, `1 if adx_${p} > 25.`, { flag: true }),
      ],
      compute: ({ bars }) => {
        const out = adx(bars.high, bars.low, bars.close, p);
        return [out.adx, out.plusDi, out.minusDi, flag(out.adx, (v) => v > 25)];
      },
    },
    {
      family: 'trend',
      features: [
        f('supertrend', 'price_level', st.period, `Supertrend line (ATR${st.period} × ${st.multiplier}), standard band carry.`),
        f('supertrend_direction', 'binary', st.period, '+1 in an up trend, −1 in a down trend.', { flag: true }),
      ],
      compute: (input) => {
        const { high, low, close } = input.bars;
        const out = supertrend(high, low, close, sharedAtr(input, st.period), st.multiplier);
        return [out.value, out.direction];
      },
    },
  ];
};
