import { ffdWeights, fracDiff } from '../kernels/fracdiff.js';
import { single, spec, type FamilyBuilder } from '../registry.js';

/** ln(close), NaN for a non-positive price. */
export function logPrices(close: Float64Array): Float64Array {
  const out = new Float64Array(close.length);
  for (let i = 0; i < out.length; i++) {
    const c = close[i] as number;
    out[i] = c > 0 ? Math.log(c) : Number.NaN;
  }
  return out;
}

/**
 * Fixed-width fractionally differenced log close (AFML ch. 5): stationary for the chosen d while
 * keeping most of the price's memory, unlike returns (d = 1). d is resolved before registration
 * (from config, or chosen on the train part), so its window width is the declared warm-up.
 */
export const fracdiffFamily: FamilyBuilder = ({ config, fracdiff }) => {
  const { d } = fracdiff;
  const { threshold, maxWidth } = config.fracdiff;
  return [
    single(
      spec(
        'fracdiff',
        'fracdiff_log_close',
        'unbounded',
        fracdiff.width - 1,
        `FFD of ln(close), d = ${d}, weights cut below ${threshold}.`,
      ),
      ({ bars }) => fracDiff(logPrices(bars.close), ffdWeights(d, threshold, maxWidth)),
    ),
  ];
};
