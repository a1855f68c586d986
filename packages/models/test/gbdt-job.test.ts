import { describe, expect, it } from 'vitest';
import { binMatrix } from '../src/internal/gbdt/binning.js';
import { buildHistogram, newScratch, SLOTS, subtractHistogram } from '../src/internal/gbdt/histogram.js';
import { assemblePartition, LocalRunner, partitionBlock, partitionRows } from '../src/internal/gbdt/job.js';
import { findBestSplit, type SplitParams } from '../src/internal/gbdt/split.js';
import { anchorMatrix } from './xgboost-fixtures.js';

const ROWS = 1_000;
const COLS = 19; // three chunks of eight features, the last one short
const data = anchorMatrix(ROWS, COLS, 5, 7);
for (let i = 0; i < data.x.length; i += 13) data.x[i] = Number.NaN;
const binned = binMatrix(data.x, ROWS, COLS, 64);
const grad = Float32Array.from({ length: ROWS }, (_, r) => (data.y[r] === 0 ? -0.6 : 0.3) + ((r * 7) % 11) / 50);
const hess = Float32Array.from({ length: ROWS }, (_, r) => 0.1 + ((r * 3) % 5) / 20);
const params: SplitParams = { regAlpha: 0, regLambda: 1, minDataInLeaf: 5, minSumHessianInLeaf: 1, minGainToSplit: 0 };
const features = Int32Array.from([0, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);

describe('node jobs in chunks', () => {
  it('build, subtract and split chunk by chunk exactly as the whole-node functions do', () => {
    const idx = Uint32Array.from({ length: ROWS }, (_, r) => r);
    const spare = new Uint32Array(ROWS);
    const space = { ...binned, features, featureCount: features.length, params };
    const runner = new LocalRunner(space, grad, hess, newScratch(ROWS).gh, idx, spare);
    const size = binned.totalBins * SLOTS;
    // The parent: every row; the node: rows 0..399 (ascending), the sibling the rest.
    const parent = new Float64Array(size);
    const totals = buildHistogram(parent, binned, features, { idx, begin: 0, end: ROWS }, grad, hess, newScratch(ROWS));
    const expectedParent = Float64Array.from(parent);
    const node = { idx, begin: 0, end: 400 };
    const expectedNode = new Float64Array(size);
    const nodeSums = buildHistogram(expectedNode, binned, features, node, grad, hess, newScratch(ROWS));
    const expectedSibling = new Float64Array(size);
    subtractHistogram(expectedSibling, expectedParent, expectedNode, binned, features);
    const nodeTotals = { ...nodeSums, N: 400 };
    const siblingTotals = { G: totals.G - nodeSums.G, H: totals.H - nodeSums.H, N: ROWS - 400 };

    const hist = new Float64Array(size);
    const result = runner.run({ hist, rows: node, parent, node: nodeTotals, sibling: siblingTotals });
    expect(hist).toEqual(expectedNode);
    expect(parent).toEqual(expectedSibling);
    const wantNode = findBestSplit(expectedNode, binned, features, nodeTotals, params);
    const wantSibling = findBestSplit(expectedSibling, binned, features, siblingTotals, params);
    expect(wantNode.valid && wantSibling.valid).toBe(true);
    expect({ ...result.node }).toEqual({ ...wantNode });
    expect({ ...result.sibling }).toEqual({ ...wantSibling });
  });

  it('partition row blocks in parallel pieces to the same stable order as one pass', () => {
    for (const split of [
      { feature: 3, bin: 20, defaultLeft: false },
      { feature: 3, bin: 20, defaultLeft: true },
      { feature: 11, bin: 1, defaultLeft: true },
    ]) {
      // A node: an ascending subset of the rows (as after earlier splits), partitioned in its middle.
      const rows = Uint32Array.from({ length: ROWS }, (_, r) => r).filter((r) => r % 3 !== 1);
      const begin = 50;
      const end = rows.length - 40;
      const expected = Uint32Array.from(rows);
      const mid = partitionRows(binned.bins, ROWS, split, expected, new Uint32Array(ROWS), begin, end);
      const idx = Uint32Array.from(rows);
      const spare = new Uint32Array(ROWS);
      const block = 64;
      const lefts = new Int32Array(Math.ceil((end - begin) / block));
      // Blocks in any order (threads take them as they come).
      for (let b = lefts.length - 1; b >= 0; b--) {
        const from = begin + b * block;
        lefts[b] = partitionBlock(binned.bins, ROWS, split, idx, spare, from, Math.min(from + block, end));
      }
      expect(assemblePartition(idx, spare, begin, end, lefts, block)).toBe(mid);
      expect(idx).toEqual(expected);
      expect(mid - begin).toBeGreaterThan(0);
      expect(end - mid).toBeGreaterThan(0);
    }
  });
});
