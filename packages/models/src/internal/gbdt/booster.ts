// The boosting loop: softmax over 3 classes, one tree per class per round (as XGBoost's
// multi:softprob), float32 gradients and hessians, row bagging per round and column sampling
// per tree from seeded Rng streams, train and validation log loss every round, early stopping.
import { Rng } from '@tribar/core';
import { NUM_CLASSES, type EpochLog } from '../types.js';
import { binMatrix, type BinnedMatrix } from './binning.js';
import { HistogramWorkers } from './pool.js';
import type { GbdtParams } from './card.js';
import { growSymmetric } from './grow-symmetric.js';
import { growTree, type GrownTree, type GrowInput, type GrowParams } from './grow.js';
import { HistogramPool, newScratch, SLOTS } from './histogram.js';
import { LocalRunner, type NodeRunner } from './job.js';
import { addTreeOutput, addTreeOutputBinned, type Tree } from './tree.js';

/** A trained model: the starting margins and the trees, round-major (`trees[round × 3 + class]`). */
export interface Ensemble {
  numFeatures: number;
  baseMargin: number[];
  trees: Tree[];
}

export interface BoostData {
  x: Float32Array;
  rows: number;
  cols: number;
  y: Uint8Array;
  /** The rows' final training weights (sample × class weights); undefined = 1. */
  weights?: Float32Array | undefined;
}

type StopReason = 'hook' | 'early-stopping';

export interface BoostOptions {
  validation?: BoostData | undefined;
  /** After every round; returning true stops after this round. */
  onRound?: (log: EpochLog) => boolean;
  restoreBest?: boolean;
  signal?: AbortSignal | undefined;
  /** Threads building histograms (this one included); 1 = no workers. Results are the same for any count. */
  threads?: number;
  /** Node size (rows × features) from which workers help; small nodes are built on this thread. */
  minParallelNode?: number;
}

export interface BoostResult {
  ensemble: Ensemble;
  epochs: number;
  bestEpoch: number;
  stoppedBy: StopReason | null;
  history: EpochLog[];
  binned: BinnedMatrix;
}

/** Histogram memory kept alive at once, at most (a deep tree rebuilds instead of keeping more). */
const HISTOGRAM_BUDGET_BYTES = 256 * 1024 * 1024;
/** XGBoost's floor on a hessian. */
const MIN_HESSIAN = 1e-16;

export async function boost(params: GbdtParams, data: BoostData, options: BoostOptions = {}): Promise<BoostResult> {
  const { rows, cols, y } = data;
  const w = data.weights;
  const threads = options.threads ?? 1;
  const shared = threads > 1;
  const binned = binMatrix(data.x, rows, cols, params.maxBin, shared);
  const baseMargin = initialMargins(y, w, params.boostFromAverage);
  const margins = new Float64Array(rows * NUM_CLASSES);
  for (let r = 0; r < rows; r++) for (let c = 0; c < NUM_CLASSES; c++) margins[r * NUM_CLASSES + c] = baseMargin[c] as number;
  const p = new Float64Array(rows * NUM_CLASSES);
  softmaxRows(margins, p);

  const validation = options.validation;
  const valMargins = validation !== undefined ? new Float64Array(validation.rows * NUM_CLASSES) : undefined;
  const valP = validation !== undefined ? new Float64Array(validation.rows * NUM_CLASSES) : undefined;
  if (valMargins !== undefined) for (let i = 0; i < valMargins.length; i++) valMargins[i] = baseMargin[i % NUM_CLASSES] as number;

  const rng = new Rng(params.seed);
  const bagRng = rng.fork('gbdt/bagging');
  const columnRng = rng.fork('gbdt/columns');
  const float32 = () => (shared ? new Float32Array(new SharedArrayBuffer(rows * 4)) : new Float32Array(rows));
  const grad = Array.from({ length: NUM_CLASSES }, float32);
  const hess = Array.from({ length: NUM_CLASSES }, float32);
  const sample = new Uint32Array(rows);
  const idx = shared ? new Uint32Array(new SharedArrayBuffer(rows * 4)) : new Uint32Array(rows);
  const spare = shared ? new Uint32Array(new SharedArrayBuffer(rows * 4)) : new Uint32Array(rows);
  const scratch = newScratch(rows);
  const histSize = binned.totalBins * SLOTS;
  const splitParams = {
    regAlpha: params.regAlpha,
    regLambda: params.regLambda,
    minDataInLeaf: params.minDataInLeaf,
    minSumHessianInLeaf: params.minSumHessianInLeaf,
    minGainToSplit: params.minGainToSplit,
  };
  const workers = shared
    ? await HistogramWorkers.start(threads, { binned, grad, hess, idx, spare }, splitParams, options.minParallelNode)
    : undefined;
  try {
    return await rounds();
  } finally {
    await workers?.close();
  }

  async function rounds(): Promise<BoostResult> {
    const pool = new HistogramPool(
      histSize,
      Math.max(8, Math.floor(HISTOGRAM_BUDGET_BYTES / (histSize * 8))),
      workers === undefined ? undefined : (n) => workers.allocate(n),
    );
    const grow: GrowParams = { ...splitParams, learningRate: params.learningRate, maxDepth: params.maxDepth, numLeaves: params.numLeaves };
    const runner = (features: Int32Array, g: Float32Array, h: Float32Array): NodeRunner =>
      workers !== undefined
        ? workers.runner(features, g, h)
        : new LocalRunner({ ...binned, features, featureCount: features.length, params: splitParams }, g, h, scratch.gh, idx, spare);

    const trees: Tree[] = [];
    const history: EpochLog[] = [];
    const started = performance.now();
    let bestEpoch = -1;
    let bestLoss = Number.POSITIVE_INFINITY;
    let epochs = 0;
    let stoppedBy: StopReason | null = null;
    for (let epoch = 0; epoch < params.nEstimators; epoch++) {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
      gradients(p, y, w, grad, hess);
      const count = drawRows(rows, params.subsample, bagRng, sample);
      for (let c = 0; c < NUM_CLASSES; c++) {
        const features = drawColumns(cols, params.colsampleBytree, columnRng);
        idx.set(sample.subarray(0, count));
        const input: GrowInput = {
          binned,
          idx,
          count,
          features,
          runner: runner(features, grad[c] as Float32Array, hess[c] as Float32Array),
          pool,
        };
        const grown: GrownTree = params.growPolicy === 'symmetric' ? growSymmetric(input, grow) : growTree(input, grow, params.growPolicy);
        trees.push(grown.tree);
        if (count === rows) {
          for (const leaf of grown.leaves) {
            for (let i = leaf.begin; i < leaf.end; i++) {
              const at = (idx[i] as number) * NUM_CLASSES + c;
              margins[at] = (margins[at] as number) + leaf.value;
            }
          }
        } else {
          addTreeOutputBinned(grown.tree, binned, margins, NUM_CLASSES, c);
        }
        if (validation !== undefined && valMargins !== undefined) {
          addTreeOutput(grown.tree, validation.x, validation.rows, validation.cols, valMargins, NUM_CLASSES, c);
        }
      }
      epochs = epoch + 1;
      softmaxRows(margins, p);
      const log: EpochLog = { epoch, trainLoss: logLoss(p, y, w).loss, elapsedMs: performance.now() - started };
      if (validation !== undefined && valMargins !== undefined && valP !== undefined) {
        softmaxRows(valMargins, valP);
        const { loss, accuracy } = logLoss(valP, validation.y, validation.weights);
        log.valLoss = loss;
        log.valAccuracy = accuracy;
        // Strictly lower only: ties keep the earlier (smaller) model, as XGBoost's early stopping.
        if (loss < bestLoss) {
          bestLoss = loss;
          bestEpoch = epoch;
        }
      } else {
        bestEpoch = epoch;
      }
      history.push(log);
      if (options.onRound?.(log) === true) {
        stoppedBy = 'hook';
        break;
      }
      if (validation !== undefined && params.earlyStoppingRounds > 0 && epoch - bestEpoch >= params.earlyStoppingRounds) {
        stoppedBy = epoch + 1 < params.nEstimators ? 'early-stopping' : null;
        break;
      }
      // Let timers and abort signals run between rounds.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const keep = options.restoreBest === true && validation !== undefined && bestEpoch >= 0 ? bestEpoch + 1 : epochs;
    return {
      ensemble: { numFeatures: cols, baseMargin, trees: trees.slice(0, keep * NUM_CLASSES) },
      epochs,
      bestEpoch,
      stoppedBy,
      history,
      binned,
    };
  }
}

/** Log of each class's weighted train frequency (or all 0): the margins before the first tree. */
export function initialMargins(y: Uint8Array, w: Float32Array | undefined, fromAverage: boolean): number[] {
  const out = new Array<number>(NUM_CLASSES).fill(0);
  if (!fromAverage) return out;
  const mass = new Float64Array(NUM_CLASSES);
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w === undefined ? 1 : (w[i] as number);
    mass[y[i] as number] = (mass[y[i] as number] as number) + wi;
    total += wi;
  }
  if (total <= 0) return out;
  // A class absent from the train rows starts very unlikely, not impossible.
  for (let c = 0; c < NUM_CLASSES; c++) out[c] = Math.log(Math.max((mass[c] as number) / total, 1e-6));
  return out;
}

/** Row-wise softmax of rows × 3 margins into `p` (float64). */
export function softmaxRows(margins: Float64Array, p: Float64Array): void {
  for (let i = 0; i < margins.length; i += NUM_CLASSES) {
    const a = margins[i] as number;
    const b = margins[i + 1] as number;
    const c = margins[i + 2] as number;
    const m = Math.max(a, b, c);
    const ea = Math.exp(a - m);
    const eb = Math.exp(b - m);
    const ec = Math.exp(c - m);
    const s = ea + eb + ec;
    p[i] = ea / s;
    p[i + 1] = eb / s;
    p[i + 2] = ec / s;
  }
}

/** Softmax cross-entropy gradients (p − y)·w and hessians max(2p(1 − p)·w, 1e-16), as XGBoost's softprob. */
function gradients(p: Float64Array, y: Uint8Array, w: Float32Array | undefined, grad: Float32Array[], hess: Float32Array[]): void {
  for (let c = 0; c < NUM_CLASSES; c++) {
    const g = grad[c] as Float32Array;
    const h = hess[c] as Float32Array;
    for (let r = 0; r < y.length; r++) {
      const pc = p[r * NUM_CLASSES + c] as number;
      const wr = w === undefined ? 1 : (w[r] as number);
      g[r] = (pc - (y[r] === c ? 1 : 0)) * wr;
      h[r] = Math.max(2 * pc * (1 - pc) * wr, MIN_HESSIAN);
    }
  }
}

/** Weighted mean log loss (probabilities clipped at 1e-15) and weighted accuracy. */
function logLoss(p: Float64Array, y: Uint8Array, w: Float32Array | undefined): { loss: number; accuracy: number } {
  let loss = 0;
  let hits = 0;
  let total = 0;
  for (let r = 0; r < y.length; r++) {
    const wr = w === undefined ? 1 : (w[r] as number);
    const c = y[r] as number;
    const at = r * NUM_CLASSES;
    loss -= wr * Math.log(Math.max(p[at + c] as number, 1e-15));
    let best = 0;
    for (let k = 1; k < NUM_CLASSES; k++) if ((p[at + k] as number) > (p[at + best] as number)) best = k;
    if (best === c) hits += wr;
    total += wr;
  }
  return total > 0 ? { loss: loss / total, accuracy: hits / total } : { loss: Number.NaN, accuracy: Number.NaN };
}

/** This round's rows, ascending: each row kept with probability `fraction` (all rows when 1, or when none was drawn). */
function drawRows(rows: number, fraction: number, rng: Rng, out: Uint32Array): number {
  let count = 0;
  if (fraction < 1) for (let r = 0; r < rows; r++) if (rng.next() < fraction) out[count++] = r;
  if (count > 0) return count;
  for (let r = 0; r < rows; r++) out[r] = r;
  return rows;
}

/** This tree's features, ascending: round(fraction × cols) of them (at least 1), drawn without replacement. */
function drawColumns(cols: number, fraction: number, rng: Rng): Int32Array {
  const all = Int32Array.from({ length: cols }, (_, j) => j);
  if (fraction >= 1) return all;
  const k = Math.max(1, Math.round(fraction * cols));
  return rng.shuffle(all).subarray(0, k).sort();
}

/** Margins (rows × 3, float64) of the first `rounds` rounds of an ensemble for a row-major float32 matrix. */
export function predictMargins(
  ensemble: Ensemble,
  x: Float32Array,
  rows: number,
  rounds = ensemble.trees.length / NUM_CLASSES,
): Float64Array {
  const margins = new Float64Array(rows * NUM_CLASSES);
  for (let r = 0; r < rows; r++) for (let c = 0; c < NUM_CLASSES; c++) margins[r * NUM_CLASSES + c] = ensemble.baseMargin[c] as number;
  const count = Math.min(rounds * NUM_CLASSES, ensemble.trees.length);
  for (let t = 0; t < count; t++)
    addTreeOutput(ensemble.trees[t] as Tree, x, rows, ensemble.numFeatures, margins, NUM_CLASSES, t % NUM_CLASSES);
  return margins;
}
