// 'symmetric' growth (CatBoost's oblivious trees): every level makes ONE split, the same feature,
// threshold and missing direction for every node of the level, chosen by the sum of its gains over
// the level's nodes. A tree of depth d is a complete binary tree whose leaf is read from d
// comparisons (fast inference, `Tree.obliviousDepth`). A node where the shared split leaves a
// child below minDataInLeaf / minSumHessianInLeaf (as split finding: rows estimated from the
// hessian share, `sideHessianFloor`) adds no gain, and such a child keeps its parent's value.
import { SLOTS } from './histogram.js';
import { childHistograms, partition, type GrowInput, type GrowNode, type GrownTree, type GrowParams } from './grow.js';
import { leafScore, leafWeight, MIN_GAIN, sideHessianFloor, Split } from './split.js';
import { TreeBuilder } from './tree.js';

export function growSymmetric(input: GrowInput, p: GrowParams): GrownTree {
  const { binned, features } = input;
  const builder = new TreeBuilder();
  const rootHist = input.pool.acquire();
  const rootRows = { idx: input.idx, begin: 0, end: input.count };
  const { G, H } = input.runner.sums(rootRows);
  input.runner.run({ hist: rootHist, rows: rootRows });
  const rootId = builder.addLeaf(leafWeight(G, H, p) * p.learningRate, H, input.count);
  let level: GrowNode[] = [{ id: rootId, begin: 0, end: input.count, G, H, N: input.count, depth: 0, hist: rootHist, split: new Split() }];
  const gains = new Float64Array(binned.totalBins * 2);
  const valid = new Uint8Array(binned.totalBins * 2);
  let depth = 0;
  const maxDepth = p.maxDepth === 0 ? 6 : p.maxDepth;
  while (depth < maxDepth) {
    gains.fill(0);
    valid.fill(0);
    for (const node of level) if (node.N > 0) accumulateGains(node, input, p, gains, valid);
    // The best shared split: slot (binOffset[f] + s)·2 + (1 if missing goes left).
    let best = -1;
    let bestGain = Math.max(p.minGainToSplit, MIN_GAIN);
    for (let k = 0; k < features.length; k++) {
      const f = features[k] as number;
      const start = (binned.binOffset[f] as number) * 2;
      const stop = start + (binned.binCount[f] as number) * 2;
      for (let j = start; j < stop; j++) {
        if (valid[j] === 1 && (gains[j] as number) > bestGain) {
          bestGain = gains[j] as number;
          best = j;
        }
      }
    }
    if (best < 0) break;
    const defaultLeft = (best & 1) === 1;
    const slot = best >> 1;
    let feature = 0;
    while (feature + 1 < binned.cols && (binned.binOffset[feature + 1] as number) <= slot) feature++;
    const bin = slot - (binned.binOffset[feature] as number);
    const next: GrowNode[] = [];
    for (const node of level) {
      // An empty node (no rows) has no histogram: its children are empty too.
      const hist = node.hist;
      const o = (binned.binOffset[feature] as number) * SLOTS;
      let gl = 0;
      let hl = 0;
      if (hist !== undefined) {
        if (defaultLeft) {
          gl = hist[o] as number;
          hl = hist[o + 1] as number;
        }
        for (let s = 1; s <= bin; s++) {
          gl += hist[o + s * SLOTS] as number;
          hl += hist[o + s * SLOTS + 1] as number;
        }
      }
      const mid = partition(input, node.begin, node.end, feature, bin, defaultLeft);
      const nl = mid - node.begin;
      const nr = node.end - mid;
      const gr = node.G - gl;
      const hr = node.H - hl;
      const parentValue = builder.value[node.id] as number;
      const floor = sideHessianFloor(node, p);
      const leftOk = nl > 0 && hl >= floor;
      const rightOk = nr > 0 && hr >= floor;
      const lv = leftOk ? leafWeight(gl, hl, p) * p.learningRate : parentValue;
      const rv = rightOk ? leafWeight(gr, hr, p) * p.learningRate : parentValue;
      const gain = leftOk && rightOk ? leafScore(gl, hl, p) + leafScore(gr, hr, p) - leafScore(node.G, node.H, p) : 0;
      const leftId = builder.addLeaf(lv, hl, nl);
      const rightId = builder.addLeaf(rv, hr, nr);
      builder.setSplit(node.id, binned, feature, bin, defaultLeft, gain, leftId, rightId);
      const d = node.depth + 1;
      const lastLevel = depth + 1 >= maxDepth;
      let lh: Float64Array | undefined;
      let rh: Float64Array | undefined;
      if (!lastLevel && hist !== undefined) {
        [lh, rh] = childHistograms(
          input,
          hist,
          { idx: input.idx, begin: node.begin, end: mid },
          { idx: input.idx, begin: mid, end: node.end },
        ).hists;
        if (nl === 0) input.pool.release(lh);
        if (nr === 0) input.pool.release(rh);
        if (nl === 0) lh = undefined;
        if (nr === 0) rh = undefined;
      } else input.pool.release(hist);
      next.push({ id: leftId, begin: node.begin, end: mid, G: gl, H: hl, N: nl, depth: d, hist: lh, split: new Split() });
      next.push({ id: rightId, begin: mid, end: node.end, G: gr, H: hr, N: nr, depth: d, hist: rh, split: new Split() });
    }
    level = next;
    depth++;
  }
  for (const node of level) input.pool.release(node.hist);
  return {
    tree: builder.build(depth),
    leaves: level.map((n) => ({ begin: n.begin, end: n.end, value: builder.value[n.id] as number })),
  };
}

/** Add one node's gain of every candidate split into `gains`, marking the candidates valid at this node. */
function accumulateGains(node: GrowNode, input: GrowInput, p: GrowParams, gains: Float64Array, valid: Uint8Array): void {
  const { binned, features } = input;
  const hist = node.hist as Float64Array;
  const { G, H } = node;
  const parent = leafScore(G, H, p);
  const floor = sideHessianFloor(node, p);
  for (let k = 0; k < features.length; k++) {
    const f = features[k] as number;
    const o = (binned.binOffset[f] as number) * SLOTS;
    const nb = binned.binCount[f] as number;
    const slot = (binned.binOffset[f] as number) * 2;
    const gm = hist[o] as number;
    const hm = hist[o + 1] as number;
    const missing = hm > 0;
    let cg = 0;
    let ch = 0;
    for (let s = 1; s < nb; s++) {
      cg += hist[o + s * SLOTS] as number;
      ch += hist[o + s * SLOTS + 1] as number;
      if ((s < nb - 1 || missing) && ch >= floor && H - ch >= floor) {
        gains[slot + 2 * s] = (gains[slot + 2 * s] as number) + leafScore(cg, ch, p) + leafScore(G - cg, H - ch, p) - parent;
        valid[slot + 2 * s] = 1;
      }
      if (missing && s < nb - 1 && ch + hm >= floor && H - ch - hm >= floor) {
        const gl = cg + gm;
        const hl = ch + hm;
        gains[slot + 2 * s + 1] = (gains[slot + 2 * s + 1] as number) + leafScore(gl, hl, p) + leafScore(G - gl, H - hl, p) - parent;
        valid[slot + 2 * s + 1] = 1;
      }
    }
  }
}
