// Split finding on a node's histogram: XGBoost's second-order gain with L1/L2 regularisation,
//   score(G, H) = T_α(G)² / (H + λ),   weight = −T_α(G) / (H + λ),   T_α(g) = sign(g)·max(|g| − α, 0)
//   gain = score(G_L, H_L) + score(G_R, H_R) − score(G, H)
// (XGBoost's and LightGBM's code; the paper's ½[…] − γ is the same split order with γ doubled). A
// split is made when its gain exceeds `minGainToSplit` (XGBoost's gamma) and both children keep
// `minDataInLeaf` rows and `minSumHessianInLeaf` hessian. Missing values (bin 0) are tried on both
// sides; the better side becomes the node's default direction.
import type { BinnedMatrix } from './binning.js';
import { SLOTS } from './histogram.js';

export interface SplitParams {
  regAlpha: number;
  regLambda: number;
  minDataInLeaf: number;
  minSumHessianInLeaf: number;
  minGainToSplit: number;
}

/** Splits gaining less than this are noise (XGBoost's kRtEps). */
export const MIN_GAIN = 1e-6;

export function thresholdL1(g: number, alpha: number): number {
  if (g > alpha) return g - alpha;
  if (g < -alpha) return g + alpha;
  return 0;
}

export function leafScore(G: number, H: number, p: SplitParams): number {
  const t = thresholdL1(G, p.regAlpha);
  const d = H + p.regLambda;
  return d > 0 ? (t * t) / d : 0;
}

/** The optimal leaf weight before shrinkage. */
export function leafWeight(G: number, H: number, p: SplitParams): number {
  const d = H + p.regLambda;
  return d > 0 ? -thresholdL1(G, p.regAlpha) / d : 0;
}

/** The best split of a node (or `gain = −∞` when none is allowed). */
export class Split {
  gain = Number.NEGATIVE_INFINITY;
  feature = -1;
  /** Left holds value bins 1..bin (and missing when defaultLeft). */
  bin = 0;
  defaultLeft = false;
  gl = 0;
  hl = 0;
  nl = 0;
  gr = 0;
  hr = 0;
  nr = 0;

  /** Whether the split may be made. */
  get valid(): boolean {
    return this.feature >= 0;
  }
}

/** Node totals: gradient, hessian and row count. */
export interface Totals {
  G: number;
  H: number;
  N: number;
}

/**
 * The best split over `features` of a node's histogram. Ties keep the earlier feature, bin and
 * direction (missing right first), so the result never depends on anything but the data.
 */
export function findBestSplit(hist: Float64Array, binned: BinnedMatrix, features: Int32Array, node: Totals, p: SplitParams): Split {
  const best = new Split();
  const { G, H, N } = node;
  const parent = leafScore(G, H, p);
  const floor = Math.max(p.minGainToSplit, MIN_GAIN);
  const minData = Math.max(p.minDataInLeaf, 1);
  const minHess = p.minSumHessianInLeaf;
  let bestGain = floor;
  for (let k = 0; k < features.length; k++) {
    const f = features[k] as number;
    const o = (binned.binOffset[f] as number) * SLOTS;
    const nb = binned.binCount[f] as number;
    const gm = hist[o] as number;
    const hm = hist[o + 1] as number;
    const nm = hist[o + 2] as number;
    let cg = 0;
    let ch = 0;
    let cn = 0;
    // Value bins 1..s go left; s = nb − 1 puts every value left and only the missing rows right.
    for (let s = 1; s < nb; s++) {
      const b = o + s * SLOTS;
      cg += hist[b] as number;
      ch += hist[b + 1] as number;
      cn += hist[b + 2] as number;
      if (s < nb - 1 || nm > 0) {
        // Missing right.
        const nr = N - cn;
        const hr = H - ch;
        if (cn >= minData && nr >= minData && ch >= minHess && hr >= minHess) {
          const gain = leafScore(cg, ch, p) + leafScore(G - cg, hr, p) - parent;
          if (gain > bestGain) {
            bestGain = gain;
            set(best, f, s, false, gain, cg, ch, cn, G - cg, hr, nr);
          }
        }
      }
      if (nm > 0 && s < nb - 1) {
        // Missing left.
        const gl = cg + gm;
        const hl = ch + hm;
        const nl = cn + nm;
        const nr = N - nl;
        const hr = H - hl;
        if (nl >= minData && nr >= minData && hl >= minHess && hr >= minHess) {
          const gain = leafScore(gl, hl, p) + leafScore(G - gl, hr, p) - parent;
          if (gain > bestGain) {
            bestGain = gain;
            set(best, f, s, true, gain, gl, hl, nl, G - gl, hr, nr);
          }
        }
      }
    }
  }
  return best;
}

function set(
  s: Split,
  f: number,
  bin: number,
  dl: boolean,
  gain: number,
  gl: number,
  hl: number,
  nl: number,
  gr: number,
  hr: number,
  nr: number,
): void {
  s.feature = f;
  s.bin = bin;
  s.defaultLeft = dl;
  s.gain = gain;
  s.gl = gl;
  s.hl = hl;
  s.nl = nl;
  s.gr = gr;
  s.hr = hr;
  s.nr = nr;
}
