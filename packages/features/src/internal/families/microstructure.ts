import { barLambdas, bulkVolume, corwinSchultz, rollMeasure } from '../kernels/microstructure.js';
import { spec, type FamilyBuilder, type FeatureGroup } from '../registry.js';

/**
 * AFML ch. 19 from bars: Roll's measure and impact, the Corwin–Schultz spread and Bekker–Parkinson
 * volatility, Kyle / Amihud / Hasbrouck λ, bulk-volume buy share and VPIN. Registered only when
 * `features.microstructure` is present (off by default); the volume-based ones only when the
 * bars carry volume.
 */
export const microstructureFamily: FamilyBuilder = ({ config, hasVolume }) => {
  const options = config.microstructure;
  if (options === undefined) return [];
  const p = options.window;
  const q = options.vpinWindow;
  const f = spec.bind(null, 'microstructure');
  const groups: FeatureGroup[] = [
    {
      family: 'microstructure',
      features: [
        f(`roll_measure_${p}`, 'volatility', p + 1, `2·√|cov(ΔC_t, ΔC_t−1)| over ${p} bars (Roll's effective spread, price units).`),
        f(`corwin_schultz_${p}`, 'volatility', p, `Corwin–Schultz high–low spread estimate, β averaged over ${p} bars (snippet 19.1).`),
        f(`bekker_parkinson_${p}`, 'volatility', p, `Bekker–Parkinson volatility from the same β and γ (snippet 19.3).`),
      ],
      compute: ({ bars }) => {
        const cs = corwinSchultz(bars.high, bars.low, p);
        return [rollMeasure(bars.close, p), cs.spread, cs.sigma];
      },
    },
  ];
  if (!hasVolume) return groups;
  groups.push({
    family: 'microstructure',
    features: [
      f(`roll_impact_${p}`, 'unbounded', p + 1, `roll_measure_${p} / (C·V): Roll's measure per dollar traded; NaN without volume.`),
      f(`kyle_lambda_${p}`, 'unbounded', p, `Mean over ${p} bars of ΔC / (b·V), b the tick-rule sign.`),
      f(`amihud_lambda_${p}`, 'unbounded', p, `Mean over ${p} bars of |ln(C_t/C_t−1)| / (C·V).`),
      f(`hasbrouck_lambda_${p}`, 'unbounded', p, `Mean over ${p} bars of ln(C_t/C_t−1) / (b·√(C·V)).`),
      f(`bvc_buy_share_${p}`, 'oscillator', p, `Bulk-volume buy share Z(ΔC / σ), σ the std of the last ${p} changes.`),
      f(`vpin_${q}`, 'oscillator', p + q - 1, `Σ V·|2·buy share − 1| / ΣV over the last ${q} bars (VPIN, each bar a bucket).`),
    ],
    compute: ({ bars }) => {
      const { close, volume } = bars;
      const roll = rollMeasure(close, p);
      const impact = new Float64Array(close.length);
      for (let i = 0; i < impact.length; i++) {
        const dollars = (close[i] as number) * (volume[i] as number);
        impact[i] = dollars > 0 ? (roll[i] as number) / dollars : Number.NaN;
      }
      const lambdas = barLambdas(close, volume, p);
      const bvc = bulkVolume(close, volume, p, q);
      return [impact, lambdas.kyle, lambdas.amihud, lambdas.hasbrouck, bvc.buyShare, bvc.vpin];
    },
  });
  return groups;
};
