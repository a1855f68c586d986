// Split finding on a node's histogram: XGBoost's second-order gain with L1/L2 regularisation,
//   score(G, H) = T_α(G)² / (H + λ),   weight = −T_α(G) / (H + λ),   T_α(g) = sign(g)·max(|g| − α, 0)
//   gain = score(G_L, H_L) + score(G_R, H_R) − score(G, H)
// (XGBoost's and LightGBM's code; the paper's ½[…] − γ is the same split order with γ doubled). A
// split is made when its gain exceeds `minGainToSplit` (XGBoost's gamma) and both children keep
// `minDataInLeaf` rows and `minSumHessianInLeaf` hessian. Histograms hold no row counts: as
// LightGBM (feature_histogram.hpp, cnt_factor), a side's rows are estimated as its hessian share of
// the node's rows, round(H_side · N / H) — exact when the rows' hessians are equal — so
// "≥ minDataInLeaf rows" is "H_side ≥ (minDataInLeaf − ½) · H / N". Missing values (bin 0) are
// tried on both sides; the better side becomes the node's default direction.
import { SLOTS } from './histogram.js';

/** Where each feature's bins sit in a histogram (a `BinnedMatrix`, or its copy in a worker). */
export interface BinLayout {
  binOffset: ArrayLike<number>;
  binCount: ArrayLike<number>;
}

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
  /** Rows of each side, estimated from the hessian share (the partition then gives the exact ones). */
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
 * The best split over `features[start, end)` of a node's histogram. Ties keep the earlier feature,
 * bin and direction (missing right first), so the result never depends on anything but the data —
 * and the best of consecutive feature ranges, ties to the earlier range, is the best over all.
 */
export function findBestSplit(
  hist: Float64Array,
  binned: BinLayout,
  features: Int32Array,
  node: Totals,
  p: SplitParams,
  start = 0,
  end = features.length,
): Split {
  const best = new Split();
  const { G, H, N } = node;
  const parent = leafScore(G, H, p);
  const floor = Math.max(p.minGainToSplit, MIN_GAIN);
  const minHess = sideHessianFloor(node, p);
  const rowsPerHessian = H > 0 ? N / H : 0;
  // Without L1, score(g, h) is g²/(h + λ): written out in the loop (the same float operations as leafScore).
  const plain = p.regAlpha === 0;
  const lambda = p.regLambda;
  let bestGain = floor;
  for (let k = start; k < end; k++) {
    const f = features[k] as number;
    const o = (binned.binOffset[f] as number) * SLOTS;
    const nb = binned.binCount[f] as number;
    const gm = hist[o] as number;
    const hm = hist[o + 1] as number;
    // Every row's hessian is at least 1e-16, so the missing bin has rows exactly when hm > 0.
    const missing = hm > 0;
    let cg = 0;
    let ch = 0;
    // Value bins 1..s go left; s = nb − 1 puts every value left and only the missing rows right.
    for (let s = 1; s < nb; s++) {
      const b = o + s * SLOTS;
      cg += hist[b] as number;
      ch += hist[b + 1] as number;
      if (s < nb - 1 || missing) {
        // Missing right.
        const hr = H - ch;
        if (ch >= minHess && hr >= minHess) {
          const gr = G - cg;
          const dl = ch + lambda;
          const dr = hr + lambda;
          const gain = plain
            ? (dl > 0 ? (cg * cg) / dl : 0) + (dr > 0 ? (gr * gr) / dr : 0) - parent
            : leafScore(cg, ch, p) + leafScore(gr, hr, p) - parent;
          if (gain > bestGain) {
            bestGain = gain;
            set(best, f, s, false, gain, cg, ch, G - cg, hr, N, rowsPerHessian);
          }
        }
      }
      if (missing && s < nb - 1) {
        // Missing left.
        const gl = cg + gm;
        const hl = ch + hm;
        const hr = H - hl;
        if (hl >= minHess && hr >= minHess) {
          const gain = leafScore(gl, hl, p) + leafScore(G - gl, hr, p) - parent;
          if (gain > bestGain) {
            bestGain = gain;
            set(best, f, s, true, gain, gl, hl, G - gl, hr, N, rowsPerHessian);
          }
        }
      }
    }
  }
  return best;
}

/**
 * The least hessian a child of this node may hold: minSumHessianInLeaf, and the hessian share of
 * minDataInLeaf rows (at least one row's: an empty side is never a split).
 */
export function sideHessianFloor(node: Totals, p: SplitParams): number {
  const minData = Math.max(p.minDataInLeaf, 1);
  const forRows = node.N > 0 ? ((minData - 0.5) * node.H) / node.N : 0;
  return Math.max(p.minSumHessianInLeaf, forRows);
}

function set(
  s: Split,
  f: number,
  bin: number,
  dl: boolean,
  gain: number,
  gl: number,
  hl: number,
  gr: number,
  hr: number,
  n: number,
  rowsPerHessian: number,
): void {
  s.feature = f;
  s.bin = bin;
  s.defaultLeft = dl;
  s.gain = gain;
  s.gl = gl;
  s.hl = hl;
  s.nl = Math.min(n, Math.round(hl * rowsPerHessian));
  s.gr = gr;
  s.hr = hr;
  s.nr = n - s.nl;
}

/** Float64 slots of one split in a shared results array. */
export const SPLIT_FIELDS = 8;

/** Write a split into `out[at, at + SPLIT_FIELDS)` (feature −1: none). */
export function writeSplit(s: Split, out: Float64Array, at: number): void {
  out[at] = s.gain;
  out[at + 1] = s.feature;
  out[at + 2] = s.bin;
  out[at + 3] = s.defaultLeft ? 1 : 0;
  out[at + 4] = s.gl;
  out[at + 5] = s.hl;
  out[at + 6] = s.gr;
  out[at + 7] = s.hr;
}

/**
 * Merge one range's split (written by `writeSplit`) into `best` when its gain is strictly higher:
 * ranges merged in feature order give exactly `findBestSplit` over all features.
 */
export function mergeSplit(best: Split, from: Float64Array, at: number, node: Totals): void {
  const feature = from[at + 1] as number;
  if (feature < 0 || !((from[at] as number) > best.gain)) return;
  const rowsPerHessian = node.H > 0 ? node.N / node.H : 0;
  set(
    best,
    feature,
    from[at + 2] as number,
    from[at + 3] === 1,
    from[at] as number,
    from[at + 4] as number,
    from[at + 5] as number,
    from[at + 6] as number,
    from[at + 7] as number,
    node.N,
    rowsPerHessian,
  );
}
