import { NUM_CLASSES } from '@tribar/models';

/** One bin of a reliability curve over the top-class confidence. */
export interface ReliabilityBin {
  /** Bin bounds [lower, upper) of the confidence (the last bin includes 1). */
  lower: number;
  upper: number;
  rows: number;
  /** Mean top-class probability of the bin's rows (null when empty). */
  confidence: number | null;
  /** Share of the bin's rows whose top class was right (null when empty). */
  accuracy: number | null;
}

export interface CalibrationReport {
  rows: number;
  /** Multi-class Brier score: mean over rows of Σ_c (p_c − 1[y = c])², 0 best, 2 worst. */
  brier: number;
  /** Expected calibration error over the top-class confidence: Σ_b (n_b / n) |accuracy_b − confidence_b| (Guo et al. 2017). */
  ece: number;
  reliability: ReliabilityBin[];
}

/** Brier score, ECE and the reliability curve (`bins` equal-width bins of [0, 1], default 10) of rows × 3 probabilities. */
export function calibrationReport(proba: ArrayLike<number>, y: ArrayLike<number>, bins = 10): CalibrationReport {
  const rows = y.length;
  const count = new Float64Array(bins);
  const confidence = new Float64Array(bins);
  const correct = new Float64Array(bins);
  let brier = 0;
  for (let r = 0; r < rows; r++) {
    let top = 0;
    for (let c = 0; c < NUM_CLASSES; c++) {
      const p = proba[r * NUM_CLASSES + c] as number;
      brier += (p - (y[r] === c ? 1 : 0)) ** 2;
      if (p > (proba[r * NUM_CLASSES + top] as number)) top = c;
    }
    const p = proba[r * NUM_CLASSES + top] as number;
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b]! += 1;
    confidence[b]! += p;
    if (y[r] === top) correct[b]! += 1;
  }
  let ece = 0;
  const reliability: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const n = count[b]!;
    if (n > 0) ece += (n / rows) * Math.abs(correct[b]! / n - confidence[b]! / n);
    reliability.push({
      lower: b / bins,
      upper: (b + 1) / bins,
      rows: n,
      confidence: n > 0 ? confidence[b]! / n : null,
      accuracy: n > 0 ? correct[b]! / n : null,
    });
  }
  return { rows, brier: rows > 0 ? brier / rows : Number.NaN, ece: rows > 0 ? ece : Number.NaN, reliability };
}
