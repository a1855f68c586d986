// Rolling-window kernels over Float64Array, O(n) each. Window semantics follow pandas
// `rolling(p)` as the original used it: a value needs p non-NaN inputs, so any NaN inside the
// window gives NaN, and the window includes the current bar. Every output at i depends only on
// inputs at ≤ i, and each is computed by the same arithmetic whatever follows (no look-ahead).

const NaN_ = Number.NaN;

/** Rolling sum by a running total of the window's finite values (a NaN is never added, so it cannot poison the total). */
export function rollingSum(x: Float64Array, p: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN_);
  let sum = 0;
  let nans = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    if (v !== v) nans++;
    else sum += v;
    if (i >= p) {
      const old = x[i - p] as number;
      if (old !== old) nans--;
      else sum -= old;
    }
    if (i >= p - 1 && nans === 0) out[i] = sum;
  }
  return out;
}

/** Simple moving average: the original's numba SMA (§4.3) and pandas rolling mean. */
export function rollingMean(x: Float64Array, p: number): Float64Array {
  const out = rollingMeanStd(x, p, 1).mean;
  return out;
}

/**
 * Rolling mean and standard deviation (ddof as pandas: 1 by default) by windowed Welford updates.
 * A window whose p values are all identical gets exactly 0 variance (tracked by the run length of
 * equal values), so "divide by std" features give NaN on flat windows instead of a 1e-13 residue
 * blown up to ±1e10.
 */
export function rollingMeanStd(x: Float64Array, p: number, ddof = 1): { mean: Float64Array; std: Float64Array } {
  const n = x.length;
  const mean = new Float64Array(n).fill(NaN_);
  const std = new Float64Array(n).fill(NaN_);
  let m = 0;
  let m2 = 0;
  let count = 0; // non-NaN values since the last NaN, capped at p
  let run = 0; // length of the current run of identical values
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    if (v !== v) {
      count = 0;
      m = 0;
      m2 = 0;
      run = 0;
      continue;
    }
    run = i > 0 && x[i - 1] === v ? run + 1 : 1;
    if (count < p) {
      count++;
      const delta = v - m;
      m += delta / count;
      m2 += delta * (v - m);
    } else {
      const old = x[i - p] as number;
      const oldMean = m;
      m += (v - old) / p;
      m2 += (v - old) * (v - m + old - oldMean);
    }
    if (count === p) {
      mean[i] = run >= p ? v : m;
      const variance = run >= p ? 0 : Math.max(m2, 0) / (p - ddof);
      std[i] = p - ddof > 0 ? Math.sqrt(variance) : NaN_;
    }
  }
  return { mean, std };
}

export function rollingStd(x: Float64Array, p: number, ddof = 1): Float64Array {
  return rollingMeanStd(x, p, ddof).std;
}

/**
 * Rolling max (or min with `sign = -1`) by a monotonic deque of indices: each index enters and
 * leaves once. The deque lives in an n-slot array with head/tail cursors (no ring modulo).
 */
function rollingExtreme(x: Float64Array, p: number, sign: 1 | -1): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN_);
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0; // exclusive
  let lastNan = -1;
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    if (v !== v) {
      lastNan = i;
      head = tail;
      continue;
    }
    if (head < tail && (deque[head] as number) <= i - p) head++;
    const sv = sign * v;
    while (tail > head && sign * (x[deque[tail - 1] as number] as number) <= sv) tail--;
    deque[tail++] = i;
    if (i - lastNan >= p) out[i] = x[deque[head] as number] as number;
  }
  return out;
}

export function rollingMax(x: Float64Array, p: number): Float64Array {
  return rollingExtreme(x, p, 1);
}

export function rollingMin(x: Float64Array, p: number): Float64Array {
  return rollingExtreme(x, p, -1);
}

/**
 * Rolling mean absolute deviation about the window mean (CCI's MAD, §4.2). The deviation is
 * about each window's own mean, so no running-sum form exists; this is O(n·p) in one tight loop
 * (p = 20: 7 M adds for 350,000 bars, ≈ 10 ms) where the original's pandas `apply` took 194 s.
 */
export function rollingMeanAbsDev(x: Float64Array, mean: Float64Array, p: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN_);
  for (let i = p - 1; i < n; i++) {
    const m = mean[i] as number;
    if (m !== m) continue;
    let s = 0;
    for (let j = i - p + 1; j <= i; j++) s += Math.abs((x[j] as number) - m);
    out[i] = s / p;
  }
  return out;
}

/**
 * Rolling median over a sorted copy of the window (binary search + shift): O(n·p) moves in the
 * worst case but with p ≈ 100 a memmove-sized shift, far cheaper than a heap pair in JS.
 */
export function rollingMedian(x: Float64Array, p: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN_);
  const sorted = new Float64Array(p);
  let size = 0;
  let nans = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    if (i >= p) {
      const old = x[i - p] as number;
      if (old !== old) nans--;
      else {
        const at = lowerBound(sorted, size, old);
        sorted.copyWithin(at, at + 1, size);
        size--;
      }
    }
    if (v !== v) nans++;
    else {
      const at = lowerBound(sorted, size, v);
      sorted.copyWithin(at + 1, at, size);
      sorted[at] = v;
      size++;
    }
    if (i >= p - 1 && nans === 0) {
      const mid = p >> 1;
      out[i] = p % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
    }
  }
  return out;
}

function lowerBound(a: Float64Array, size: number, v: number): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((a[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Rolling Pearson correlation and OLS slope of y on x by running co-moment sums (windowed
 * Welford for two series). A zero variance gives NaN, not the original's 0.0 (§4.3).
 */
export function rollingCorrBeta(y: Float64Array, x: Float64Array, p: number): { corr: Float64Array; beta: Float64Array } {
  const n = y.length;
  const corr = new Float64Array(n).fill(NaN_);
  const beta = new Float64Array(n).fill(NaN_);
  let mx = 0;
  let my = 0;
  let cxx = 0;
  let cyy = 0;
  let cxy = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i] as number;
    const b = y[i] as number;
    if (a !== a || b !== b) {
      count = 0;
      mx = my = cxx = cyy = cxy = 0;
      continue;
    }
    if (count < p) {
      count++;
      const dx = a - mx;
      const dy = b - my;
      mx += dx / count;
      my += dy / count;
      cxx += dx * (a - mx);
      cyy += dy * (b - my);
      cxy += dx * (b - my);
    } else {
      const oa = x[i - p] as number;
      const ob = y[i - p] as number;
      const omx = mx;
      const omy = my;
      mx += (a - oa) / p;
      my += (b - ob) / p;
      cxx += (a - oa) * (a - mx + oa - omx);
      cyy += (b - ob) * (b - my + ob - omy);
      // Σ(x−x̄)(y−ȳ) after swapping (oa, ob) for (a, b): (a−oa)(b−ȳ') + (oa−x̄)(b−ob), which
      // expands to ab − oa·ob − p(x̄'ȳ' − x̄ȳ); the centred form keeps precision.
      cxy += (a - oa) * (b - my) + (oa - omx) * (b - ob);
    }
    if (count === p) {
      const vx = cxx > 1e-300 ? cxx : 0;
      const vy = cyy > 1e-300 ? cyy : 0;
      beta[i] = vx > 0 ? cxy / vx : NaN_;
      corr[i] = vx > 0 && vy > 0 ? Math.max(-1, Math.min(1, cxy / Math.sqrt(vx * vy))) : NaN_;
    }
  }
  return { corr, beta };
}
