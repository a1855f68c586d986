/** One bin of a reliability curve over the top-class confidence. */
export interface ReliabilityBin {
  /** Bin bounds [lower, upper) of the confidence (the last bin includes 1). */
  lower: number;
  upper: number;
  rows: number;
  /** Mean top-class probability of the bin's rows (null when empty). */
  confidence: number | null;
  /** Share of the bin's rows whose top class was the true class (null when empty). */
  accuracy: number | null;
}

/**
 * The reliability curve of row-major probabilities (`rows × classes`): each row's top class (the first on a tie)
 * and its probability, binned in `bins` equal-width bins of [0, 1] (the last one closed). Rows whose top
 * probability is not finite are left out. Sums run in row order, so the bins are the same bits wherever used
 * (the ensembles' calibration report, the run report's diagnostics).
 */
export function reliabilityCurve(proba: ArrayLike<number>, classes: number, label: ArrayLike<number>, bins = 10): ReliabilityBin[] {
  const count = new Float64Array(bins);
  const confidence = new Float64Array(bins);
  const correct = new Float64Array(bins);
  for (let r = 0; r < label.length; r++) {
    let top = 0;
    for (let c = 1; c < classes; c++) if ((proba[r * classes + c] as number) > (proba[r * classes + top] as number)) top = c;
    const p = proba[r * classes + top] as number;
    if (!Number.isFinite(p)) continue;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    count[b]! += 1;
    confidence[b]! += p;
    if (label[r] === top) correct[b]! += 1;
  }
  return Array.from(count, (n, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    rows: n,
    confidence: n > 0 ? confidence[b]! / n : null,
    accuracy: n > 0 ? correct[b]! / n : null,
  }));
}

/** Expected calibration error of a reliability curve: Σ_b (n_b / n) |accuracy_b − confidence_b| (Guo et al. 2017). */
export function expectedCalibrationError(curve: readonly ReliabilityBin[], rows: number): number {
  let ece = 0;
  for (const bin of curve) if (bin.rows > 0) ece += (bin.rows / rows) * Math.abs(bin.accuracy! - bin.confidence!);
  return ece;
}
