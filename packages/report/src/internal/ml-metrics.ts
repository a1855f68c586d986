/**
 * The classifier views of the report, from a split's labels and class probabilities: one-vs-rest ROC and
 * precision–recall curves with their areas, confusion counts and a reliability curve. scikit-learn's
 * definitions: `roc_auc_score` (trapezoid over the ROC points, ties as one step), `average_precision_score`
 * (Σ (Rₖ − Rₖ₋₁) Pₖ, no interpolation), `confusion_matrix` (rows = true class), and a reliability curve of the
 * top-class confidence in equal-width bins (`calibration_curve`'s uniform strategy on the max probability).
 */
import { reliabilityCurve, type ReliabilityBin } from '@tribar/quant';

export interface CurvePoint {
  x: number;
  y: number;
}

export interface ClassCurves {
  /** False-positive rate → true-positive rate, from (0, 0) to (1, 1). */
  roc: CurvePoint[];
  /** Recall → precision, one point per distinct threshold (highest first). */
  pr: CurvePoint[];
  /** NaN when the class or its complement has no row. */
  rocAuc: number;
  /** Average precision; NaN when the class has no row. */
  averagePrecision: number;
  positives: number;
}

/** One class against the rest: `positive[i]` whether row i is of the class, `score[i]` its probability. */
export function classCurves(positive: ArrayLike<boolean>, score: ArrayLike<number>): ClassCurves {
  const n = score.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (score[b] as number) - (score[a] as number) || a - b);
  let positives = 0;
  for (let i = 0; i < n; i++) if (positive[i]) positives++;
  const negatives = n - positives;
  const roc: CurvePoint[] = [{ x: 0, y: 0 }];
  const pr: CurvePoint[] = [];
  let tp = 0;
  let fp = 0;
  let auc = 0;
  let ap = 0;
  let lastRecall = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    if (positive[i]) tp++;
    else fp++;
    // Rows with equal scores are one threshold: only the last of them makes a point.
    if (k < n - 1 && score[order[k + 1] as number] === score[i]) continue;
    const tpr = positives > 0 ? tp / positives : Number.NaN;
    const fpr = negatives > 0 ? fp / negatives : Number.NaN;
    const previous = roc[roc.length - 1] as CurvePoint;
    auc += ((fpr - previous.x) * (tpr + previous.y)) / 2;
    roc.push({ x: fpr, y: tpr });
    const recall = tpr;
    const precision = tp / (tp + fp);
    ap += (recall - lastRecall) * precision;
    lastRecall = recall;
    pr.push({ x: recall, y: precision });
  }
  return {
    roc,
    pr,
    rocAuc: positives > 0 && negatives > 0 ? auc : Number.NaN,
    averagePrecision: positives > 0 ? ap : Number.NaN,
    positives,
  };
}

/** confusion[true][predicted] counts over `classes` classes; labels or predictions outside 0…classes − 1 are skipped. */
export function confusionCounts(label: ArrayLike<number>, predicted: ArrayLike<number>, classes = 3): number[][] {
  const out = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < label.length; i++) {
    const t = label[i] as number;
    const p = predicted[i] as number;
    if (Number.isInteger(t) && Number.isInteger(p) && t >= 0 && t < classes && p >= 0 && p < classes) (out[t] as number[])[p]!++;
  }
  return out;
}

/**
 * Reliability of the top-class probability in `bins` equal-width bins over [0, 1] (the last bin closed), from
 * per-class probability columns: quant's `reliabilityCurve` (the one the calibration report uses) over the rows.
 */
export function columnReliability(label: ArrayLike<number>, proba: readonly ArrayLike<number>[], bins = 10): ReliabilityBin[] {
  const classes = proba.length;
  const rows = new Float64Array(label.length * classes);
  for (let i = 0; i < label.length; i++) for (let c = 0; c < classes; c++) rows[i * classes + c] = proba[c]![i] as number;
  return reliabilityCurve(rows, classes, label, bins);
}

/** At most `limit` points of a curve, evenly strided, the first and last kept (the chart's size stays bounded). */
export function thinCurve(points: readonly CurvePoint[], limit = 200): CurvePoint[] {
  if (points.length <= limit) return [...points];
  const stride = (points.length - 1) / (limit - 1);
  return Array.from({ length: limit }, (_, k) => points[Math.round(k * stride)] as CurvePoint);
}
