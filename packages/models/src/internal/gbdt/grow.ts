// Tree growth for the 'leafwise' (LightGBM: always split the leaf with the largest gain, up to
// numLeaves) and 'depthwise' (XGBoost: split every splittable node of a level, level by level)
// policies. Rows of a node are a contiguous range of one row-index array, partitioned in place
// (stably, so every range stays in ascending row order); a split builds the histogram of its
// smaller child only and gets the larger one as parent − smaller.
import type { BinnedMatrix } from './binning.js';
import type { HistogramPool, NodeRows } from './histogram.js';
import type { NodeRunner } from './job.js';
import { leafWeight, Split, type SplitParams, type Totals } from './split.js';
import { TreeBuilder, type Tree } from './tree.js';

export interface GrowParams extends SplitParams {
  learningRate: number;
  /** 0 = no limit. */
  maxDepth: number;
  numLeaves: number;
}

export interface GrowInput {
  binned: BinnedMatrix;
  /** The tree's rows in `idx[0, count)`, ascending; partitioned in place. */
  idx: Uint32Array;
  count: number;
  features: Int32Array;
  /** Builds histograms (and finds splits) over the tree's features and class gradients. */
  runner: NodeRunner;
  pool: HistogramPool;
}

/** A leaf's rows and output, to update the training margins without walking the tree. */
interface LeafRows {
  begin: number;
  end: number;
  value: number;
}

export interface GrownTree {
  tree: Tree;
  leaves: LeafRows[];
}

/** A node while the tree grows. */
export interface GrowNode {
  id: number;
  begin: number;
  end: number;
  G: number;
  H: number;
  N: number;
  depth: number;
  hist: Float64Array | undefined;
  split: Split;
}

export function growTree(input: GrowInput, p: GrowParams, policy: 'leafwise' | 'depthwise'): GrownTree {
  const builder = new TreeBuilder();
  const root = rootNode(input, p, builder);
  const leaves: GrowNode[] = [];
  if (policy === 'depthwise') {
    let level = [root];
    while (level.length > 0) {
      const next: GrowNode[] = [];
      for (const node of level) {
        if (node.split.valid) next.push(...splitNode(input, p, builder, node, true));
        else leaves.push(node);
      }
      level = next;
    }
  } else {
    const open = [root];
    let count = 1;
    for (;;) {
      let pick = -1;
      for (let k = 0; k < open.length; k++) {
        const split = (open[k] as GrowNode).split;
        if (split.valid && (pick < 0 || split.gain > (open[pick] as GrowNode).split.gain)) pick = k;
      }
      if (pick < 0 || count >= p.numLeaves) break;
      const [node] = open.splice(pick, 1) as [GrowNode];
      // The last split's children are leaves whatever their gain: no histograms for them.
      open.push(...splitNode(input, p, builder, node, count + 1 < p.numLeaves));
      count++;
    }
    for (const node of open) {
      input.pool.release(node.hist);
      leaves.push(node);
    }
  }
  return { tree: builder.build(), leaves: leaves.map((n) => ({ begin: n.begin, end: n.end, value: builder.value[n.id] as number })) };
}

/** The root: all rows, its histogram and best split. */
function rootNode(input: GrowInput, p: GrowParams, builder: TreeBuilder): GrowNode {
  const hist = input.pool.acquire();
  const rows = { idx: input.idx, begin: 0, end: input.count };
  const { G, H } = input.runner.sums(rows);
  const id = builder.addLeaf(leafWeight(G, H, p) * p.learningRate, H, input.count);
  const node: GrowNode = { id, begin: 0, end: input.count, G, H, N: input.count, depth: 0, hist, split: new Split() };
  node.split = input.runner.run({ hist, rows, node }).node;
  keepIfSplittable(input, node);
  return node;
}

/** Keep the node's histogram only if it may split (and the pool has room). */
function keepIfSplittable(input: GrowInput, node: GrowNode): void {
  if (!node.split.valid || input.pool.full) {
    input.pool.release(node.hist);
    node.hist = undefined;
  }
}

/** Partition the node's rows by its split: left rows first, both halves in ascending order. Returns the boundary. */
export function partition(input: GrowInput, begin: number, end: number, feature: number, bin: number, defaultLeft: boolean): number {
  return input.runner.partition({ feature, bin, defaultLeft }, begin, end);
}

/**
 * Histograms (and, for the totals given, best splits) of two children: the smaller one built from
 * its rows, the larger one as parent − smaller in the parent's own array (or built too when the
 * parent's was not kept).
 */
export function childHistograms(
  input: GrowInput,
  parent: Float64Array | undefined,
  left: NodeRows,
  right: NodeRows,
  leftTotals?: Totals,
  rightTotals?: Totals,
): { hists: [Float64Array, Float64Array]; splits: [Split, Split] } {
  const leftSmaller = left.end - left.begin <= right.end - right.begin;
  const [small, big] = leftSmaller ? [left, right] : [right, left];
  const [smallTotals, bigTotals] = leftSmaller ? [leftTotals, rightTotals] : [rightTotals, leftTotals];
  const smallHist = input.pool.acquire();
  let bigHist: Float64Array;
  let smallSplit: Split;
  let bigSplit: Split;
  if (parent !== undefined) {
    const result = input.runner.run({ hist: smallHist, rows: small, parent, node: smallTotals, sibling: bigTotals });
    bigHist = parent;
    smallSplit = result.node;
    bigSplit = result.sibling;
  } else {
    smallSplit = input.runner.run({ hist: smallHist, rows: small, node: smallTotals }).node;
    bigHist = input.pool.acquire();
    bigSplit = input.runner.run({ hist: bigHist, rows: big, node: bigTotals }).node;
  }
  return leftSmaller
    ? { hists: [smallHist, bigHist], splits: [smallSplit, bigSplit] }
    : { hists: [bigHist, smallHist], splits: [bigSplit, smallSplit] };
}

/**
 * Split a node into two leaves. Their histograms (and best splits) are only made when they may
 * split again: not at maxDepth, not for the last leaves of a leaf-wise tree, and not for a child
 * too small for two children of minDataInLeaf rows — at depth 6 the deepest level's smaller
 * children alone are about a sixth of a tree's histogram work.
 */
function splitNode(input: GrowInput, p: GrowParams, builder: TreeBuilder, node: GrowNode, more: boolean): [GrowNode, GrowNode] {
  const s = node.split;
  const mid = partition(input, node.begin, node.end, s.feature, s.bin, s.defaultLeft);
  const leftId = builder.addLeaf(leafWeight(s.gl, s.hl, p) * p.learningRate, s.hl, mid - node.begin);
  const rightId = builder.addLeaf(leafWeight(s.gr, s.hr, p) * p.learningRate, s.hr, node.end - mid);
  builder.setSplit(node.id, input.binned, s.feature, s.bin, s.defaultLeft, s.gain, leftId, rightId);
  const leftRows = { idx: input.idx, begin: node.begin, end: mid };
  const rightRows = { idx: input.idx, begin: mid, end: node.end };
  const depth = node.depth + 1;
  const minRows = 2 * Math.max(p.minDataInLeaf, 1);
  const canSplit = (n: number) => more && (p.maxDepth === 0 || depth < p.maxDepth) && n >= minRows;
  let lh: Float64Array | undefined;
  let rh: Float64Array | undefined;
  let ls = new Split();
  let rs = new Split();
  const nl = mid - node.begin;
  const nr = node.end - mid;
  if (canSplit(nl) || canSplit(nr)) {
    const leftTotals = canSplit(nl) ? { G: s.gl, H: s.hl, N: nl } : undefined;
    const rightTotals = canSplit(nr) ? { G: s.gr, H: s.hr, N: nr } : undefined;
    const children = childHistograms(input, node.hist, leftRows, rightRows, leftTotals, rightTotals);
    [lh, rh] = children.hists;
    [ls, rs] = children.splits;
  } else input.pool.release(node.hist);
  node.hist = undefined;
  const left: GrowNode = {
    id: leftId,
    begin: node.begin,
    end: mid,
    G: s.gl,
    H: s.hl,
    N: mid - node.begin,
    depth,
    hist: lh,
    split: ls,
  };
  const right: GrowNode = {
    id: rightId,
    begin: mid,
    end: node.end,
    G: s.gr,
    H: s.hr,
    N: node.end - mid,
    depth,
    hist: rh,
    split: rs,
  };
  keepIfSplittable(input, left);
  keepIfSplittable(input, right);
  return [left, right];
}
