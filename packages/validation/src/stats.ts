// Small numeric helpers for the validation checks: moments, Pearson correlation on pairwise
// finite rows, quantile-binned mutual information and an ADF test (constant, fixed lag).

/** Moments of the finite values of `x` at `rows` (or every row). */
export interface Moments {
  count: number;
  nan: number;
  inf: number;
  mean: number;
  /** Sample variance (ddof 1). */
  variance: number;
  std: number;
  min: number;
  max: number;
  /** Fisher–Pearson skewness g1 (as scipy.stats.skew, biased). */
  skew: number;
  beyond3: number;
  beyond5: number;
  beyond10: number;
}

export function moments(x: Float64Array, rows?: Int32Array): Moments {
  const n = rows ? rows.length : x.length;
  let count = 0;
  let nan = 0;
  let inf = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < n; k++) {
    const v = x[rows ? (rows[k] as number) : k] as number;
    if (v !== v) nan++;
    else if (v === Infinity || v === -Infinity) inf++;
    else {
      count++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const mean = count > 0 ? sum / count : Number.NaN;
  let m2 = 0;
  let m3 = 0;
  for (let k = 0; k < n; k++) {
    const v = x[rows ? (rows[k] as number) : k] as number;
    if (!Number.isFinite(v)) continue;
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  const variance = count > 1 ? m2 / (count - 1) : Number.NaN;
  const std = Math.sqrt(variance);
  const pop = count > 0 ? m2 / count : 0;
  const skew = pop > 1e-300 ? m3 / count / pop ** 1.5 : 0;
  let beyond3 = 0;
  let beyond5 = 0;
  let beyond10 = 0;
  if (std > 0) {
    for (let k = 0; k < n; k++) {
      const v = x[rows ? (rows[k] as number) : k] as number;
      if (!Number.isFinite(v)) continue;
      const z = Math.abs(v - mean) / std;
      if (z > 3) beyond3++;
      if (z > 5) beyond5++;
      if (z > 10) beyond10++;
    }
  }
  return {
    count,
    nan,
    inf,
    mean,
    variance,
    std,
    min: count > 0 ? min : Number.NaN,
    max: count > 0 ? max : Number.NaN,
    skew,
    beyond3,
    beyond5,
    beyond10,
  };
}

/** Finite values of `x` at `rows` more than `sigma` standard deviations from `mean`. */
export function countBeyond(x: Float64Array, rows: Int32Array, mean: number, std: number, sigma: number): number {
  if (!(std > 0)) return 0;
  let count = 0;
  for (const i of rows) {
    const v = x[i] as number;
    if (Number.isFinite(v) && Math.abs(v - mean) / std > sigma) count++;
  }
  return count;
}

/** Pearson correlation over the rows where both values are finite; NaN when either is constant there. */
export function pearson(a: Float64Array, b: Float64Array, rows: Int32Array): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (const i of rows) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isFinite(x) && Number.isFinite(y)) {
      n++;
      sa += x;
      sb += y;
    }
  }
  if (n < 3) return Number.NaN;
  const ma = sa / n;
  const mb = sb / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (const i of rows) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isFinite(x) && Number.isFinite(y)) {
      const dx = x - ma;
      const dy = y - mb;
      sab += dx * dy;
      saa += dx * dx;
      sbb += dy * dy;
    }
  }
  if (saa <= 0 || sbb <= 0) return Number.NaN;
  return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
}

/** `count` evenly spaced entries of `rows` (all of them when there are fewer). Deterministic. */
export function evenSample(rows: Int32Array, count: number): Int32Array {
  if (rows.length <= count) return rows;
  const out = new Int32Array(count);
  const step = rows.length / count;
  for (let k = 0; k < count; k++) out[k] = rows[Math.floor(k * step)] as number;
  return out;
}

/**
 * Mutual information (nats) between a feature cut into `bins` quantile bins and a discrete label,
 * over `rows` where the feature is finite and the label is one of −1, 0, 1. Miller–Madow bias
 * correction ((B−1)(K−1)/2N) is subtracted, so an unrelated feature scores about 0 (floored at 0).
 */
export function mutualInformation(x: Float64Array, label: Float64Array, rows: Int32Array, bins: number): number {
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
