import { rollingMedian } from '../kernels/rolling.js';
import { spec, single, type FamilyBuilder } from '../registry.js';
import { sharedHvol, sharedSma } from './common.js';

const NaN_ = Number.NaN;

/** The original's two regime flags (§4.2), NaN (not 0) until their inputs exist. */
export const regimeFamily: FamilyBuilder = ({ config }) => {
  const lookback = config.regimeLookback;
  const hv = config.historicalVolatility.includes(20) ? 20 : (config.historicalVolatility[0] as number);
  const [fastP, slowP] = config.sma.includes(50) && config.sma.includes(200) ? [50, 200] : [20, 50];
  return [
    single(
      spec('regime', 'volatility_regime', 'binary', hv + lookback - 1, `1 if hvol_${hv} > its rolling ${lookback}-bar median.`, {
        flag: true,
      }),
      (input) => {
        const vol = sharedHvol(input, hv);
        const median = rollingMedian(vol, lookback);
        const out = new Float64Array(vol.length);
        for (let i = 0; i < out.length; i++) {
          const m = median[i] as number;
          out[i] = m === m ? ((vol[i] as number) > m ? 1 : 0) : NaN_;
        }
        return out;
      },
    ),
    single(
      spec(
        'regime',
        'trend_regime',
        'binary',
        slowP - 1,
        `1 if C > sma_${fastP} > sma_${slowP}, −1 if C < sma_${fastP} < sma_${slowP}, else 0.`,
        {
          flag: true,
        },
      ),
      (input) => {
        const c = input.bars.close;
        const fast = sharedSma(input, fastP);
        const slow = sharedSma(input, slowP);
        const out = new Float64Array(c.length);
        for (let i = 0; i < out.length; i++) {
          const a = c[i] as number;
          const b = fast[i] as number;
          const s = slow[i] as number;
          out[i] = s !== s || b !== b ? NaN_ : a > b && b > s ? 1 : a < b && b < s ? -1 : 0;
        }
        return out;
      },
    ),
  ];
};
