// The oracle: validation's statistics as they were before they were made fast — the correlation
// screen as one `pearson` (two passes through the train-row index array, finiteness tested per row)
// per pair and view, and the mutual-information bin edges read off a full sort of the values. Tests
// assert the stage's code gives the same pairs, the same |r| and the same scores bit for bit; the
// benchmark times these as "previous version".
import { pearson } from '@tribar/quant';
import type { LinkedPair, TrainView } from '../src/internal/correlation.js';

/** Per pair, views in order, Pearson on pairwise-finite train rows, stopping at the first |r| below the threshold. */
export function referenceLinkedPairs(candidates: readonly string[], views: readonly TrainView[], threshold: number): LinkedPair[] {
  const out: LinkedPair[] = [];
  for (let a = 0; a < candidates.length; a++) {
    for (let b = a + 1; b < candidates.length; b++) {
      let weakest = Infinity;
      let seen = 0;
      for (const view of views) {
        const ca = view.columns[candidates[a] as string];
        const cb = view.columns[candidates[b] as string];
        if (ca === undefined || cb === undefined) continue;
        const r = pearson(ca, cb, view.trainRows);
        if (r !== r) continue;
        seen++;
        weakest = Math.min(weakest, Math.abs(r));
        if (weakest < threshold) break;
      }
      if (seen > 0 && weakest >= threshold) out.push({ a, b, weakest });
    }
  }
  return out;
}

/** Mutual information with quantile bin edges from a full sort (Miller–Madow corrected, floored at 0). */
export function referenceMutualInformation(x: Float64Array, label: Float64Array, rows: Int32Array, bins: number): number {
  const values: number[] = [];
  const classes: number[] = [];
  for (const i of rows) {
    const v = x[i] as number;
    const l = label[i] as number;
    if (Number.isFinite(v) && (l === -1 || l === 0 || l === 1)) {
      values.push(v);
      classes.push(l + 1);
    }
  }
  const n = values.length;
  if (n < bins * 3) return 0;
  const sorted = Float64Array.from(values).sort();
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    const edge = sorted[Math.floor((b * n) / bins)] as number;
    if (edges.length === 0 || edge > (edges[edges.length - 1] as number)) edges.push(edge);
  }
  const nb = edges.length + 1;
  const joint = new Float64Array(nb * 3);
  for (let k = 0; k < n; k++) {
    const v = values[k] as number;
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v < (edges[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    const cell = lo * 3 + (classes[k] as number);
    joint[cell] = (joint[cell] as number) + 1;
  }
  const px = new Float64Array(nb);
  const py = new Float64Array(3);
  for (let b = 0; b < nb; b++) {
    for (let c = 0; c < 3; c++) {
      const j = joint[b * 3 + c] as number;
      px[b] = (px[b] as number) + j;
      py[c] = (py[c] as number) + j;
    }
  }
  let mi = 0;
  for (let b = 0; b < nb; b++) {
    for (let c = 0; c < 3; c++) {
      const j = joint[b * 3 + c] as number;
      if (j > 0) mi += (j / n) * Math.log((j * n) / ((px[b] as number) * (py[c] as number)));
    }
  }
  const usedBins = px.filter((p) => p > 0).length;
  const usedClasses = py.filter((p) => p > 0).length;
  return Math.max(0, mi - ((usedBins - 1) * (usedClasses - 1)) / (2 * n));
}
