// One regression tree of the ensemble, as parallel node arrays (node 0 is the root; a node with
// left = −1 is a leaf). Internal nodes send a row left when its value is below `threshold`
// (a float32 cut), and a missing value (NaN) to `defaultLeft`; every node keeps its weight
// (already shrunk by the learning rate; a leaf's is its output), gain, hessian sum and row count.
import type { BinnedMatrix } from './binning.js';

export interface Tree {
  feature: Int32Array;
  /** Training-time split in bin numbers: value bins 1..bin go left. */
  bin: Int32Array;
  threshold: Float32Array;
  defaultLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  gain: Float64Array;
  hess: Float64Array;
  count: Float64Array;
  /** Symmetric (oblivious) trees: the level count; leaves then sit in BFS order after the 2^depth − 1 internal nodes. */
  obliviousDepth?: number;
}

/** The threshold of a split that sends every value left and only missing rows right. */
const ALL_VALUES_LEFT = 3.4028234663852886e38;

/** Grows a tree node by node. */
export class TreeBuilder {
  readonly feature: number[] = [];
  readonly bin: number[] = [];
  readonly threshold: number[] = [];
  readonly defaultLeft: number[] = [];
  readonly left: number[] = [];
  readonly right: number[] = [];
  readonly value: number[] = [];
  readonly gain: number[] = [];
  readonly hess: number[] = [];
  readonly count: number[] = [];

  /** A new leaf; returns its id. */
  addLeaf(value: number, hess: number, count: number): number {
    this.feature.push(-1);
    this.bin.push(0);
    this.threshold.push(0);
    this.defaultLeft.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(value);
    this.gain.push(0);
    this.hess.push(hess);
    this.count.push(count);
    return this.value.length - 1;
  }

  /** Turn leaf `id` into a split on `feature` at `bin`, with the given children. */
  setSplit(
    id: number,
    binned: BinnedMatrix,
    feature: number,
    bin: number,
    defaultLeft: boolean,
    gain: number,
    left: number,
    right: number,
  ): void {
    const cuts = binned.cuts[feature] as Float32Array;
    this.feature[id] = feature;
    this.bin[id] = bin;
    this.threshold[id] = bin - 1 < cuts.length ? (cuts[bin - 1] as number) : ALL_VALUES_LEFT;
    this.defaultLeft[id] = defaultLeft ? 1 : 0;
    this.gain[id] = gain;
    this.left[id] = left;
    this.right[id] = right;
  }

  build(obliviousDepth?: number): Tree {
    return {
      feature: Int32Array.from(this.feature),
      bin: Int32Array.from(this.bin),
      threshold: Float32Array.from(this.threshold),
      defaultLeft: Uint8Array.from(this.defaultLeft),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
      gain: Float64Array.from(this.gain),
      hess: Float64Array.from(this.hess),
      count: Float64Array.from(this.count),
      ...(obliviousDepth !== undefined ? { obliviousDepth } : {}),
    };
  }
}

/** Add the tree's output for every row of a row-major float32 matrix to `margins[r × stride + offset]`. */
export function addTreeOutput(
  tree: Tree,
  x: Float32Array,
  rows: number,
  cols: number,
  margins: Float64Array,
  stride: number,
  offset: number,
): void {
  const { feature, threshold, defaultLeft, left, right, value } = tree;
  if (tree.obliviousDepth !== undefined) {
    // Oblivious: level d's split is node 2^d − 1's; the leaf is the bits of the level decisions.
    const depth = tree.obliviousDepth;
    const firstLeaf = (1 << depth) - 1;
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      let leaf = 0;
      for (let d = 0; d < depth; d++) {
        const node = (1 << d) - 1;
        const v = x[base + (feature[node] as number)] as number;
        const goLeft = v !== v ? defaultLeft[node] === 1 : v < (threshold[node] as number);
        leaf = (leaf << 1) | (goLeft ? 0 : 1);
      }
      margins[r * stride + offset] = (margins[r * stride + offset] as number) + (value[firstLeaf + leaf] as number);
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let node = 0;
    while ((left[node] as number) >= 0) {
      const v = x[base + (feature[node] as number)] as number;
      const goLeft = v !== v ? defaultLeft[node] === 1 : v < (threshold[node] as number);
      node = goLeft ? (left[node] as number) : (right[node] as number);
    }
    margins[r * stride + offset] = (margins[r * stride + offset] as number) + (value[node] as number);
  }
}

/** The same on the binned training matrix (bin comparisons, identical decisions for those rows). */
export function addTreeOutputBinned(tree: Tree, binned: BinnedMatrix, margins: Float64Array, stride: number, offset: number): void {
  const { feature, bin, defaultLeft, left, right, value } = tree;
  const { rows, bins } = binned;
  for (let r = 0; r < rows; r++) {
    let node = 0;
    while ((left[node] as number) >= 0) {
      const b = bins[(feature[node] as number) * rows + r] as number;
      const goLeft = b === 0 ? defaultLeft[node] === 1 : b <= (bin[node] as number);
      node = goLeft ? (left[node] as number) : (right[node] as number);
    }
    margins[r * stride + offset] = (margins[r * stride + offset] as number) + (value[node] as number);
  }
}
