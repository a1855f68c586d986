// Recursive indicators exactly as the original's numba kernels (original-system.md §4.3), except
// where a comment names a fix. All loops are causal: value i reads inputs at ≤ i only.

const NaN_ = Number.NaN;

/**
 * EMA with α = 2/(p+1), seeded by the mean of the first p values after the first non-NaN one
 * (numba EMA, §4.3); a NaN input carries the previous value forward.
 */
export function ema(x: Float64Array, p: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN_);
  let first = 0;
  while (first < n && (x[first] as number) !== (x[first] as number)) first++;
  const seed = first + p - 1;
  if (seed >= n) return out;
  let s = 0;
  for (let i = first; i <= seed; i++) s += x[i] as number;
  // A NaN inside the seed window makes the seed NaN, as numba's mean would.
  let value = s / p;
  out[seed] = value;
  const alpha = 2 / (p + 1);
  for (let i = seed + 1; i < n; i++) {
    const v = x[i] as number;
    if (v === v) value = alpha * v + (1 - alpha) * value;
    out[i] = value;
  }
  return out;
}

/** True range from bar 1 on: max(H−L, |H−C₋₁|, |L−C₋₁|); bar 0 has no previous close (NaN). */
export function trueRange(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  const n = close.length;
  const out = new Float64Array(n).fill(NaN_);
  for (let i = 1; i < n; i++) {
    const h = high[i] as number;
    const l = low[i] as number;
    const pc = close[i - 1] as number;
    out[i] = Math.max(h - l, Math.abs(h - pc), Math.abs(l - pc));
  }
  return out;
}

/**
 * Wilder smoothing of x[1..]: out[p] = mean(x[1..p]), then out[i] = (out[i−1]·(p−1) + x[i])/p
 * (numba ATR, §4.3). Used for ATR on the true range.
 */
export function wilderMean(x: Float64Array, p: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN_);
  if (p >= n) return out;
  let s = 0;
  for (let i = 1; i <= p; i++) s += x[i] as number;
  let value = s / p;
  out[p] = value;
  for (let i = p + 1; i < n; i++) {
    value = (value * (p - 1) + (x[i] as number)) / p;
    out[i] = value;
  }
  return out;
}

export function atr(high: Float64Array, low: Float64Array, close: Float64Array, p: number): Float64Array {
  return wilderMean(trueRange(high, low, close), p);
}

/** Wilder RSI (numba, §4.3): first value at index p; 100 when the average loss is 0. */
export function rsi(close: Float64Array, p: number): Float64Array {
  const n = close.length;
  const out = new Float64Array(n).fill(NaN_);
  if (p >= n) return out;
  let ag = 0;
  let al = 0;
  for (let i = 1; i <= p; i++) {
    const d = (close[i] as number) - (close[i - 1] as number);
    if (d > 0) ag += d;
    else al -= d;
  }
  ag /= p;
  al /= p;
  out[p] = al === 0 ? 100 : 100 - 100 / (1 + ag / al);
  for (let i = p + 1; i < n; i++) {
    const d = (close[i] as number) - (close[i - 1] as number);
    ag = (ag * (p - 1) + (d > 0 ? d : 0)) / p;
    al = (al * (p - 1) + (d < 0 ? -d : 0)) / p;
    out[i] = al === 0 ? 100 : 100 - 100 / (1 + ag / al);
  }
  return out;
}

/**
 * Wilder ADX with ±DI (numba, §4.3): Wilder sums S[p] = Σx[1..p], S[i] = S[i−1] − S[i−1]/p + x[i];
 * ADX[2p−1] = mean(DX[p..2p−1]). A zero true-range sum gives NaN DI (the original left 0).
 */
export function adx(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  p: number,
): { adx: Float64Array; plusDi: Float64Array; minusDi: Float64Array } {
  const n = close.length;
  const plusDi = new Float64Array(n).fill(NaN_);
  const minusDi = new Float64Array(n).fill(NaN_);
  const dx = new Float64Array(n).fill(NaN_);
  const out = new Float64Array(n).fill(NaN_);
  let sTr = 0;
  let sPlus = 0;
  let sMinus = 0;
  for (let i = 1; i < n; i++) {
    const h = high[i] as number;
    const l = low[i] as number;
    const pc = close[i - 1] as number;
    const up = h - (high[i - 1] as number);
    const dn = (low[i - 1] as number) - l;
    const tr = Math.max(h - l, Math.abs(h - pc), Math.abs(l - pc));
    const pdm = up > dn && up > 0 ? up : 0;
    const mdm = dn > up && dn > 0 ? dn : 0;
    if (i <= p) {
      sTr += tr;
      sPlus += pdm;
      sMinus += mdm;
    } else {
      sTr = sTr - sTr / p + tr;
      sPlus = sPlus - sPlus / p + pdm;
      sMinus = sMinus - sMinus / p + mdm;
    }
    if (i >= p && sTr > 0) {
      const pdi = (100 * sPlus) / sTr;
      const mdi = (100 * sMinus) / sTr;
      plusDi[i] = pdi;
      minusDi[i] = mdi;
      const sum = pdi + mdi;
      dx[i] = sum > 0 ? (100 * Math.abs(pdi - mdi)) / sum : NaN_;
    }
  }
  const start = 2 * p - 1;
  if (start < n) {
    // Seed: mean of DX[p..2p−1] (numba). A NaN DX (no directional movement, or flat bars) is
    // skipped rather than poisoning every later ADX: the seed averages the finite DX values of its
    // window, later NaN DX values carry the previous ADX, and with no finite DX yet the first one
    // starts the recursion.
    let s = 0;
    let count = 0;
    for (let i = p; i <= start; i++) {
      const d = dx[i] as number;
      if (d === d) {
        s += d;
        count++;
      }
    }
    let value = count > 0 ? s / count : NaN_;
    out[start] = value;
    for (let i = start + 1; i < n; i++) {
      const d = dx[i] as number;
      if (d === d) value = value === value ? (value * (p - 1) + d) / p : d;
      out[i] = value;
    }
  }
  return { adx: out, plusDi, minusDi };
}

/**
 * Supertrend with the standard band-carry rule (Seban's definition, as TradingView and the
 * trading-signals package compute it): the final upper band only falls, unless the previous close
 * broke above it, in which case it resets to the basic band; the lower band mirrors it. An up
 * trend holds while the close stays at or above the final lower band, a down trend while it stays
 * at or below the final upper band. The original (§4.3, §17.4) clamped both bands to the previous
 * Supertrend value, so its direction stuck at −1.
 */
export function supertrend(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  atrValues: Float64Array,
  multiplier: number,
): { value: Float64Array; direction: Float64Array } {
  const n = close.length;
  const value = new Float64Array(n).fill(NaN_);
  const direction = new Float64Array(n).fill(NaN_);
  let upper = NaN_;
  let lower = NaN_;
  let up = false;
  let started = false;
  for (let i = 0; i < n; i++) {
    const a = atrValues[i] as number;
    if (a !== a) continue;
    const mid = ((high[i] as number) + (low[i] as number)) / 2;
    const basicUpper = mid + multiplier * a;
    const basicLower = mid - multiplier * a;
    const c = close[i] as number;
    if (!started) {
      upper = basicUpper;
      lower = basicLower;
      up = c > upper;
      started = true;
    } else {
      const prevClose = close[i - 1] as number;
      upper = basicUpper < upper || prevClose > upper ? basicUpper : upper;
      lower = basicLower > lower || prevClose < lower ? basicLower : lower;
      up = up ? c >= lower : c > upper;
    }
    value[i] = up ? lower : upper;
    direction[i] = up ? 1 : -1;
  }
  return { value, direction };
}
