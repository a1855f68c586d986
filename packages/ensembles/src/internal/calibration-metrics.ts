import { NUM_CLASSES } from '@tribar/models';
import { expectedCalibrationError, reliabilityCurve, type ReliabilityBin } from '@tribar/quant';

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
  let brier = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < NUM_CLASSES; c++) brier += ((proba[r * NUM_CLASSES + c] as number) - (y[r] === c ? 1 : 0)) ** 2;
  }
  const reliability = reliabilityCurve(proba, NUM_CLASSES, y, bins);
  return {
    rows,
    brier: rows > 0 ? brier / rows : Number.NaN,
    ece: rows > 0 ? expectedCalibrationError(reliability, rows) : Number.NaN,
    reliability,
  };
}
