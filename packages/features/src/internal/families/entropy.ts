import { logReturn } from '../kernels/elementwise.js';
import {
  kontoyiannis,
  lempelZiv,
  pluginEntropy,
  quantileCodes,
  shannonEntropy,
  sigmaCodes,
  slideSorted,
  tickRuleCodes,
} from '../kernels/entropy.js';
import { spec, type FamilyBuilder, type FeatureInput } from '../registry.js';

const NaN_ = Number.NaN;

type Encoding = 'tick' | 'quantile' | 'sigma';

/** The four estimators over one encoding, rolling over `window` one-bar log returns ending at each bar. */
function rollingEntropy(
  input: FeatureInput,
  encoding: Encoding,
  options: { window: number; quantiles: number; sigmaStep: number; wordLength: number },
): Float64Array[] {
  const { close } = input.bars;
  const n = close.length;
  const { window: w, wordLength } = options;
  const ret = input.shared.get('log_return_1', () => logReturn(close, 1));
  const out = [0, 1, 2, 3].map(() => new Float64Array(n).fill(NaN_));
  const [shannon, plugin, lz, konto] = out as [Float64Array, Float64Array, Float64Array, Float64Array];
  const tick = encoding === 'tick' ? tickRuleCodes(ret) : undefined;
  const msg = new Int32Array(w);
  const scratch = new Float64Array(w);
  const sorted = new Float64Array(w);
  let counts = new Float64Array(2);
  let trie = new Int32Array((w + 1) * 2);
  let nanRun = 0; // bars since the last non-finite return (a window must hold none)
  for (let t = 0; t < n; t++) {
    const r = ret[t] as number;
    nanRun = Number.isFinite(r) ? nanRun + 1 : 0;
    if (nanRun < w) continue;
    const from = t - w + 1;
    let k: number;
    if (tick !== undefined) {
      if ((tick[from] as number) < 0) continue; // no non-zero change yet
      msg.set(tick.subarray(from, t + 1));
      k = 2;
    } else if (encoding === 'quantile') {
      // The sorted window is rebuilt when a window first fills, then slid one bar at a time.
      if (nanRun === w) {
        sorted.set(ret.subarray(from, t + 1));
        sorted.sort();
      } else {
        slideSorted(sorted, w, ret[from - 1] as number, r);
      }
      k = quantileCodes(ret, from, t + 1, options.quantiles, msg, sorted);
    } else {
      k = sigmaCodes(ret, from, t + 1, options.sigmaStep, msg);
    }
    if (counts.length < k) counts = new Float64Array(k);
    if (trie.length < (w + 1) * k) trie = new Int32Array((w + 1) * k);
    shannon[t] = shannonEntropy(msg, 0, w, k, counts);
    plugin[t] = k ** wordLength < 2 ** 52 ? pluginEntropy(msg, 0, w, wordLength, k, scratch) : NaN_;
    lz[t] = lempelZiv(msg, 0, w, k, trie);
    konto[t] = kontoyiannis(msg, 0, w);
  }
  return out;
}

/**
 * AFML ch. 18: Shannon, plug-in, Lempel–Ziv and Kontoyiannis entropy of one-bar log returns,
 * encoded by the tick rule, by quantiles or by sigma steps, over a rolling window; registered only
 * when `features.entropy` is present (off by default).
 */
export const entropyFamily: FamilyBuilder = ({ config }) => {
  const options = config.entropy;
  if (options === undefined) return [];
  const w = options.window;
  const f = spec.bind(null, 'entropy');
  return options.encodings.map((encoding) => ({
    family: 'entropy' as const,
    features: [
      f(`entropy_shannon_${encoding}_${w}`, 'oscillator', w, `Shannon entropy (bits) of the ${encoding}-encoded last ${w} log returns.`),
      f(
        `entropy_plugin_${encoding}_${w}`,
        'oscillator',
        w,
        `Plug-in entropy rate (words of ${options.wordLength}) of the ${encoding}-encoded last ${w} log returns (snippet 18.1).`,
      ),
      f(
        `entropy_lz_${encoding}_${w}`,
        'oscillator',
        w,
        `Lempel–Ziv library size / length of the ${encoding}-encoded last ${w} log returns (snippet 18.2).`,
      ),
      f(
        `entropy_konto_${encoding}_${w}`,
        'oscillator',
        w,
        `Kontoyiannis entropy rate (expanding window) of the ${encoding}-encoded last ${w} log returns (snippet 18.4).`,
      ),
    ],
    compute: (input: FeatureInput) => rollingEntropy(input, encoding, options),
  }));
};
