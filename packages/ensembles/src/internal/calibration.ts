import { UsageError } from '@tribar/core';
import { NUM_CLASSES } from '@tribar/models';

/** How class probabilities are recalibrated: one temperature, a logistic map per class, or a monotone step map per class. */
export type CalibrationMethod = 'temperature' | 'platt' | 'isotonic';

/** A fitted calibrator, plain JSON (saved with the model, written in the run's metrics). */
export type Calibrator =
  | { method: 'temperature'; temperature: number }
  | { method: 'platt'; slope: number[]; intercept: number[] }
  | { method: 'isotonic'; thresholds: number[][]; values: number[][] };

const EPS = 1e-7;

function checkProba(proba: ArrayLike<number>, y: ArrayLike<number>, caller: string): number {
  const rows = y.length;
  if (proba.length !== rows * NUM_CLASSES)
    throw new UsageError(`${caller}: ${proba.length / NUM_CLASSES} probability rows for ${rows} labels`);
  if (rows === 0)
    throw new UsageError(`${caller}: no rows to fit on`, { hint: 'The validation split is empty: calibration needs validation rows.' });
  for (let r = 0; r < rows; r++) {
    const c = y[r] as number;
    if (!(c >= 0 && c < NUM_CLASSES)) throw new UsageError(`${caller}: row ${r} has class ${c}, not 0…${NUM_CLASSES - 1}`);
  }
  return rows;
}

/** Multi-class log loss of logits / T (softmax), the temperature objective. */
function temperatureLoss(proba: ArrayLike<number>, y: ArrayLike<number>, temperature: number): number {
  let loss = 0;
  const z = new Float64Array(NUM_CLASSES);
  for (let r = 0; r < y.length; r++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < NUM_CLASSES; c++)
      max = Math.max(max, (z[c] = Math.log(Math.max(proba[r * NUM_CLASSES + c] as number, EPS)) / temperature));
    let sum = 0;
    for (let c = 0; c < NUM_CLASSES; c++) sum += Math.exp((z[c] as number) - max);
    loss -= (z[y[r] as number] as number) - max - Math.log(sum);
  }
  return loss / y.length;
}

/** Temperature scaling (Guo et al. 2017): T minimising validation log loss, by golden-section search on log T ∈ [log 0.05, log 20] (the loss is unimodal in 1/T). */
function fitTemperature(proba: ArrayLike<number>, y: ArrayLike<number>): number {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = Math.log(0.05);
  let b = Math.log(20);
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = temperatureLoss(proba, y, Math.exp(c));
  let fd = temperatureLoss(proba, y, Math.exp(d));
  for (let iteration = 0; iteration < 80 && b - a > 1e-9; iteration++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = temperatureLoss(proba, y, Math.exp(c));
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = temperatureLoss(proba, y, Math.exp(d));
    }
  }
  return Math.exp((a + b) / 2);
}

const logit = (p: number): number => {
  const q = Math.min(Math.max(p, EPS), 1 - EPS);
  return Math.log(q / (1 - q));
};

/**
 * Platt scaling of one class, one-vs-rest: σ(a·logit(p) + b) fitted by Newton's method on the log
 * loss, with Platt's (1999) smoothed targets (N₊+1)/(N₊+2) and 1/(N₋+2), which keep it finite when the
 * classes separate.
 */
function fitPlatt(score: Float64Array, target: Uint8Array): { slope: number; intercept: number } {
  let positives = 0;
  for (const t of target) positives += t;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (target.length - positives + 2);
  const loss = (a: number, b: number): number => {
    let total = 0;
    for (let i = 0; i < score.length; i++) {
      const z = a * (score[i] as number) + b;
      const t = target[i] ? hi : lo;
      // log(1 + e^z) − t·z, computed without overflow.
      total += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - t * z;
    }
    return total;
  };
  let a = 1;
  let b = 0;
  let current = loss(a, b);
  for (let iteration = 0; iteration < 100; iteration++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < score.length; i++) {
      const s = score[i] as number;
      const p = 1 / (1 + Math.exp(-(a * s + b)));
      const t = target[i] ? hi : lo;
      const w = p * (1 - p);
      ga += (p - t) * s;
      gb += p - t;
      haa += w * s * s;
      hab += w * s;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    // Newton's step, halved until the loss does not rise (Lin, Lin & Weng 2007's safeguard).
    let step = 1;
    let next = loss(a - da, b - db);
    while (next > current && step > 1e-8) {
      step /= 2;
      next = loss(a - step * da, b - step * db);
    }
    if (next > current) break;
    a -= step * da;
    b -= step * db;
    const improved = current - next;
    current = next;
    if (improved < 1e-12 * Math.max(1, Math.abs(current))) break;
  }
  return { slope: a, intercept: b };
}

/** Pool-adjacent-violators: the non-decreasing least-squares fit of targets sorted by score; returns the blocks' score means and values. */
function fitIsotonic(score: Float64Array, target: Uint8Array): { thresholds: number[]; values: number[] } {
  const order = Array.from(score.keys()).sort((i, j) => (score[i] as number) - (score[j] as number) || i - j);
  const x: number[] = [];
  const v: number[] = [];
  const w: number[] = [];
  for (const i of order) {
    x.push(score[i] as number);
    v.push(target[i] as number);
    w.push(1);
    while (v.length > 1 && (v[v.length - 2] as number) >= (v[v.length - 1] as number)) {
      const w2 = w.pop()!;
      const v2 = v.pop()!;
      const x2 = x.pop()!;
      const w1 = w[w.length - 1]!;
      v[v.length - 1] = (w1 * v[v.length - 1]! + w2 * v2) / (w1 + w2);
      x[x.length - 1] = (w1 * x[x.length - 1]! + w2 * x2) / (w1 + w2);
      w[w.length - 1] = w1 + w2;
    }
  }
  return { thresholds: x, values: v };
}

/** Linear interpolation in a step fit, clipped at its ends (sklearn's `IsotonicRegression(out_of_bounds='clip')`). */
function interpolate(thresholds: readonly number[], values: readonly number[], s: number): number {
  const n = thresholds.length;
  if (s <= thresholds[0]!) return values[0]!;
  if (s >= thresholds[n - 1]!) return values[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (thresholds[mid]! <= s) lo = mid;
    else hi = mid;
  }
  const span = thresholds[hi]! - thresholds[lo]!;
  return span === 0 ? values[hi]! : values[lo]! + ((values[hi]! - values[lo]!) * (s - thresholds[lo]!)) / span;
}

/**
 * Fits a calibrator on validation probabilities and classes only (the caller passes nothing else:
 * train rows fitted the model, test rows judge it). rows × 3 row-major probabilities.
 */
export function fitCalibrator(method: CalibrationMethod, proba: ArrayLike<number>, y: ArrayLike<number>): Calibrator {
  const rows = checkProba(proba, y, 'fitCalibrator');
  if (method === 'temperature') return { method, temperature: fitTemperature(proba, y) };
  const perClass = Array.from({ length: NUM_CLASSES }, (_, c) => {
    const score = new Float64Array(rows);
    const target = new Uint8Array(rows);
    for (let r = 0; r < rows; r++) {
      const p = proba[r * NUM_CLASSES + c] as number;
      score[r] = method === 'platt' ? logit(p) : p;
      target[r] = y[r] === c ? 1 : 0;
    }
    return { score, target };
  });
  if (method === 'platt') {
    const fits = perClass.map(({ score, target }) => fitPlatt(score, target));
    return { method, slope: fits.map((f) => f.slope), intercept: fits.map((f) => f.intercept) };
  }
  const fits = perClass.map(({ score, target }) => fitIsotonic(score, target));
  return { method, thresholds: fits.map((f) => f.thresholds), values: fits.map((f) => f.values) };
}

/** Calibrated probabilities (rows × 3, each row summing to 1); per-class maps are renormalised, an all-zero row becomes uniform. */
export function applyCalibrator(calibrator: Calibrator, proba: ArrayLike<number>): Float32Array {
  const rows = proba.length / NUM_CLASSES;
  const out = new Float32Array(proba.length);
  const q = new Float64Array(NUM_CLASSES);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < NUM_CLASSES; c++) {
      const p = proba[r * NUM_CLASSES + c] as number;
      if (calibrator.method === 'temperature') q[c] = Math.log(Math.max(p, EPS)) / calibrator.temperature;
      else if (calibrator.method === 'platt') q[c] = 1 / (1 + Math.exp(-(calibrator.slope[c]! * logit(p) + calibrator.intercept[c]!)));
      else q[c] = interpolate(calibrator.thresholds[c]!, calibrator.values[c]!, p);
    }
    if (calibrator.method === 'temperature') {
      const max = Math.max(...q);
      for (let c = 0; c < NUM_CLASSES; c++) q[c] = Math.exp(q[c]! - max);
    }
    let sum = 0;
    for (let c = 0; c < NUM_CLASSES; c++) sum += q[c]!;
    for (let c = 0; c < NUM_CLASSES; c++) out[r * NUM_CLASSES + c] = sum > 0 ? q[c]! / sum : 1 / NUM_CLASSES;
  }
  return out;
}
