// Element-wise helpers whose one job is the NaN policy: a zero or non-finite denominator gives
// NaN, never ±Infinity (the original let `volume_ratio` reach inf, §4.4).

const NaN_ = Number.NaN;

/** a / b, NaN where b is 0 or either side is not finite. */
export function safeDivide(a: number, b: number): number {
  if (b === 0) return NaN_;
  const r = a / b;
  return Number.isFinite(r) ? r : NaN_;
}

/** Element-wise a / b − offset with the NaN policy of `safeDivide`. */
export function ratio(a: Float64Array, b: Float64Array, offset = 0): Float64Array {
  const n = a.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = safeDivide(a[i] as number, b[i] as number) - offset;
  return out;
}

/** x shifted forward by k bars (out[i] = x[i−k]); the first k values are NaN. */
export function shift(x: Float64Array, k: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN_);
  for (let i = k; i < n; i++) out[i] = x[i - k] as number;
  return out;
}

/** ln(x[i]/x[i−p]), NaN where not positive. */
export function logReturn(x: Float64Array, p: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN_);
  for (let i = p; i < n; i++) {
    const r = safeDivide(x[i] as number, x[i - p] as number);
    out[i] = r > 0 ? Math.log(r) : NaN_;
  }
  return out;
}

/** x[i]/x[i−p] − 1 (pandas pct_change). */
export function pctChange(x: Float64Array, p: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN_);
  for (let i = p; i < n; i++) out[i] = safeDivide(x[i] as number, x[i - p] as number) - 1;
  return out;
}

/** 1/0 flag of a comparison, NaN where the compared value is NaN (the original's NaN → 0 hid warm-up). */
export function flag(x: Float64Array, test: (v: number) => boolean): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    out[i] = v !== v ? NaN_ : test(v) ? 1 : 0;
  }
  return out;
}

/** Index of the first finite value, or n when there is none. */
export function firstFinite(x: Float64Array): number {
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (v - v === 0) return i;
  }
  return x.length;
}

/** Replace any ±Infinity by NaN in place (the last guard before output). */
export function finiteOrNaN(x: Float64Array): Float64Array {
  // v − v is 0 for every finite v and NaN for ±Infinity and NaN: one subtraction, no call.
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (v - v !== 0) x[i] = NaN_;
  }
  return x;
}
