// Microstructure estimators of AFML ch. 19 computed from bars (first and second generation), each
// an O(n) or O(n·p) loop whose value at bar i reads bars ≤ i only. Where the book gives code
// (Corwin–Schultz, snippets 19.1–19.3) it is followed; the bar-based λ's follow mlfinlab's
// `get_bar_based_*_lambda`, the usual reading of § 19.4 for bars.

import { normalCdf } from '@tribar/quant';

const NaN_ = Number.NaN;

/**
 * Roll's measure (§ 19.3.1) as mlfinlab's `get_roll_measure`: 2·√|cov(Δp_t, Δp_{t−1})| over the
 * last p pairs (sample covariance). First value at bar p + 1.
 */
export function rollMeasure(close: Float64Array, p: number): Float64Array {
  const n = close.length;
  const out = new Float64Array(n).fill(NaN_);
  for (let i = p + 1; i < n; i++) {
    let sx = 0;
    let sy = 0;
    for (let j = i - p + 1; j <= i; j++) {
      sx += (close[j] as number) - (close[j - 1] as number);
      sy += (close[j - 1] as number) - (close[j - 2] as number);
    }
    const mx = sx / p;
    const my = sy / p;
    let c = 0;
    for (let j = i - p + 1; j <= i; j++) {
      c += ((close[j] as number) - (close[j - 1] as number) - mx) * ((close[j - 1] as number) - (close[j - 2] as number) - my);
    }
    out[i] = 2 * Math.sqrt(Math.abs(c / (p - 1)));
  }
  return out;
}

/**
 * Corwin–Schultz spread and Bekker–Parkinson volatility (snippets 19.1–19.3, `sl` = p): β = mean
 * over p bars of the two-bar sums of ln(H/L)², γ = ln(max(H_t, H_{t−1}) / min(L_t, L_{t−1}))²,
 * α = max(0, (√2 − 1)√β / (3 − 2√2) − √(γ / (3 − 2√2))), spread = 2(e^α − 1)/(1 + e^α), and
 * σ = max(0, (2^−½ − 1)√β / (k₂(3 − 2√2)) + √(γ / (k₂²(3 − 2√2)))), k₂ = √(8/π). First value at bar p.
 */
export function corwinSchultz(high: Float64Array, low: Float64Array, p: number): { spread: Float64Array; sigma: Float64Array } {
  const n = high.length;
  const spread = new Float64Array(n).fill(NaN_);
  const sigma = new Float64Array(n).fill(NaN_);
  const den = 3 - 2 * Math.SQRT2;
  const k2 = Math.sqrt(8 / Math.PI);
  const hl = new Float64Array(n);
  for (let i = 0; i < n; i++) hl[i] = Math.log((high[i] as number) / (low[i] as number)) ** 2;
  for (let i = p; i < n; i++) {
    let beta = 0;
    for (let j = i - p + 1; j <= i; j++) beta += (hl[j] as number) + (hl[j - 1] as number);
    beta /= p;
    const h2 = Math.max(high[i] as number, high[i - 1] as number);
    const l2 = Math.min(low[i] as number, low[i - 1] as number);
    const gamma = Math.log(h2 / l2) ** 2;
    const alpha = Math.max(0, ((Math.SQRT2 - 1) * Math.sqrt(beta)) / den - Math.sqrt(gamma / den));
    spread[i] = (2 * (Math.exp(alpha) - 1)) / (1 + Math.exp(alpha));
    sigma[i] = Math.max(0, ((Math.SQRT1_2 - 1) * Math.sqrt(beta)) / (k2 * den) + Math.sqrt(gamma / (k2 * k2 * den)));
  }
  return { spread, sigma };
}

/** Mean over the last p values, NaN when any is not finite. */
function rollingFiniteMean(x: Float64Array, p: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN_);
  let sum = 0;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    if (Number.isFinite(v)) sum += v;
    else bad++;
    if (i >= p) {
      const old = x[i - p] as number;
      if (Number.isFinite(old)) sum -= old;
      else bad--;
    }
    // Re-sum every p bars so the running total carries no drift.
    if (i % p === 0 && bad === 0 && i >= p - 1) {
      sum = 0;
      for (let j = i - p + 1; j <= i; j++) sum += x[j] as number;
    }
    if (i >= p - 1 && bad === 0) out[i] = sum / p;
  }
  return out;
}

/**
 * Kyle's, Amihud's and Hasbrouck's λ from bars (§ 19.4, mlfinlab's bar-based forms), each the
 * rolling p-bar mean of a per-bar ratio; the trade sign b is the tick rule (a zero change keeps
 * the previous sign) and the dollar volume is close × volume:
 * - Kyle: Δp / (b·V);
 * - Amihud: |ln(p_t / p_{t−1})| / (p·V);
 * - Hasbrouck: ln(p_t / p_{t−1}) / (b·√(p·V)).
 * A bar without volume (or before the first non-zero change) has no ratio, and a window holding
 * one is NaN. First value at bar p.
 */
export function barLambdas(
  close: Float64Array,
  volume: Float64Array,
  p: number,
): { kyle: Float64Array; amihud: Float64Array; hasbrouck: Float64Array } {
  const n = close.length;
  const kyle = new Float64Array(n).fill(NaN_);
  const amihud = new Float64Array(n).fill(NaN_);
  const hasbrouck = new Float64Array(n).fill(NaN_);
  let sign = 0;
  for (let i = 1; i < n; i++) {
    const c = close[i] as number;
    const prev = close[i - 1] as number;
    const d = c - prev;
    if (d > 0) sign = 1;
    else if (d < 0) sign = -1;
    const v = volume[i] as number;
    if (!(v > 0)) continue;
    const r = Math.log(c / prev);
    const dollars = c * v;
    amihud[i] = Math.abs(r) / dollars;
    if (sign === 0) continue;
    kyle[i] = d / (sign * v);
    hasbrouck[i] = r / (sign * Math.sqrt(dollars));
  }
  return { kyle: rollingFiniteMean(kyle, p), amihud: rollingFiniteMean(amihud, p), hasbrouck: rollingFiniteMean(hasbrouck, p) };
}

/**
 * Bulk-volume classification (§ 19.3.2) and VPIN (§ 19.5.2) with each bar as one volume bucket:
 * the buy share of bar t is Z(Δp_t / σ), σ the sample std of the last p price changes (bar t's
 * included), and VPIN = Σ|V^B − V^S| / ΣV = Σ V·|2·share − 1| / ΣV over the last q bars. First
 * buy share at bar p, first VPIN at bar p + q − 1 (NaN while the q bars hold no volume).
 */
export function bulkVolume(
  close: Float64Array,
  volume: Float64Array,
  p: number,
  q: number,
): { buyShare: Float64Array; vpin: Float64Array } {
  const n = close.length;
  const buyShare = new Float64Array(n).fill(NaN_);
  const vpin = new Float64Array(n).fill(NaN_);
  for (let i = p; i < n; i++) {
    let s = 0;
    for (let j = i - p + 1; j <= i; j++) s += (close[j] as number) - (close[j - 1] as number);
    const m = s / p;
    let ss = 0;
    for (let j = i - p + 1; j <= i; j++) ss += ((close[j] as number) - (close[j - 1] as number) - m) ** 2;
    const sd = Math.sqrt(ss / (p - 1));
    if (sd > 0) buyShare[i] = normalCdf(((close[i] as number) - (close[i - 1] as number)) / sd);
  }
  for (let i = p + q - 1; i < n; i++) {
    let imbalance = 0;
    let total = 0;
    let ok = true;
    for (let j = i - q + 1; j <= i; j++) {
      const share = buyShare[j] as number;
      if (share !== share) {
        ok = false;
        break;
      }
      const v = volume[j] as number;
      imbalance += v * Math.abs(2 * share - 1);
      total += v;
    }
    if (ok && total > 0) vpin[i] = imbalance / total;
  }
  return { buyShare, vpin };
}
