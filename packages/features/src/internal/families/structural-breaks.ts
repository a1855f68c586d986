import { logPrices } from './fracdiff.js';
import {
  chowDickeyFuller,
  chuStinchcombeWhite,
  martingaleTest,
  sadf,
  type AdfSpecification,
  type MartingaleSpecification,
} from '../kernels/structural-breaks.js';
import { spec, type FamilyBuilder, type FeatureGroup, type FeatureInput } from '../registry.js';

const ADF_SUFFIX: Record<AdfSpecification, string> = { constant: 'c', linear: 'ct', quadratic: 'ctt' };
const MARTINGALE_SUFFIX: Record<MartingaleSpecification, string> = {
  polynomial: 'poly1',
  'polynomial-log': 'poly2',
  exponential: 'exp',
  power: 'power',
};
const MARTINGALE_MODEL: Record<MartingaleSpecification, string> = {
  polynomial: 'C = α + γt + βt²',
  'polynomial-log': 'ln C = α + γt + βt²',
  exponential: 'ln C = α + βt',
  power: 'ln C = α + β ln t',
};

function logClose(input: FeatureInput): Float64Array {
  return input.shared.get('log_close', () => logPrices(input.bars.close));
}

/**
 * AFML ch. 17 structural breaks over log closes, each over a bounded backward window: Chow-type
 * Dickey–Fuller, Chu–Stinchcombe–White CUSUM (one- and two-sided), SADF for each ADF
 * specification and the sub/super-martingale tests. Registered only when
 * `features.structuralBreaks` is present (off by default). Every statistic is a t-like number
 * with no natural bound: 'unbounded'.
 */
export const structuralBreaksFamily: FamilyBuilder = ({ config }) => {
  const options = config.structuralBreaks;
  if (options === undefined) return [];
  const { window: w, minLength, lags, phi } = options;
  const f = spec.bind(null, 'structural-breaks');
  const groups: FeatureGroup[] = [];
  if (options.chow) {
    groups.push({
      family: 'structural-breaks',
      features: [
        f(
          `chow_df_${w}`,
          'unbounded',
          w - 1,
          `Chow-type Dickey–Fuller: sup over the break of the t-statistic of δ in ΔlnC = δ·lnC₋₁·D (last ${w} bars, ≥ ${minLength} rows each side).`,
        ),
      ],
      compute: (input) => [chowDickeyFuller(logClose(input), w, minLength)],
    });
  }
  if (options.cusum) {
    groups.push({
      family: 'structural-breaks',
      features: [
        f(
          `csw_cusum_one_${w}`,
          'unbounded',
          w - 1,
          `Chu–Stinchcombe–White CUSUM, one-sided: sup of (lnC_t − lnC_n)/(σ̂√(t − n)) over the last ${w} bars.`,
        ),
        f(`csw_cusum_two_${w}`, 'unbounded', w - 1, `Chu–Stinchcombe–White CUSUM, two-sided: the same supremum of |lnC_t − lnC_n|.`),
      ],
      compute: (input) => [chuStinchcombeWhite(logClose(input), w, false), chuStinchcombeWhite(logClose(input), w, true)],
    });
  }
  const window = { minLength, maxLength: w };
  for (const specification of options.adf) {
    groups.push({
      family: 'structural-breaks',
      features: [
        f(
          `sadf_${ADF_SUFFIX[specification]}_${w}`,
          'unbounded',
          lags + minLength,
          `SADF (${specification} ADF specification, ${lags} lag${lags === 1 ? '' : 's'}): sup of the ADF statistic over starts ${minLength}–${w} bars back.`,
        ),
      ],
      compute: (input) => [sadf(logClose(input), specification, lags, window)],
    });
  }
  for (const specification of options.martingale) {
    groups.push({
      family: 'structural-breaks',
      features: [
        f(
          `smt_${MARTINGALE_SUFFIX[specification]}_${w}`,
          'unbounded',
          minLength - 1,
          `Sub/super-martingale test ${MARTINGALE_MODEL[specification]}: sup of |β̂|/(σ̂_β·(t − t₀)^${phi}) over starts ${minLength}–${w} bars back.`,
        ),
      ],
      compute: (input) => [martingaleTest(input.bars.close, specification, phi, window)],
    });
  }
  return groups;
};
