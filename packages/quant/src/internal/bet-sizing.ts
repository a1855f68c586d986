import { UsageError } from '@tribar/core';
import { normalCdf } from '../normal.js';

/**
 * Bet size from a predicted probability (AFML §10.3, snippet 10.1 `getSignal`): the test of
 * H0: p = 1/k against the prediction gives z = (p − 1/k) / √(p(1 − p)), and the size is
 * m = 2Φ(z) − 1 ∈ (−1, 1): zero at the uninformed probability 1/k, towards 1 as p → 1.
 * p = 1 gives 1 (z = +∞), p = 0 gives −1.
 */
export function betSizeFromProbability(p: number, numClasses: number): number {
  if (!(numClasses >= 2) || !(p >= 0 && p <= 1)) {
    throw new UsageError(`betSizeFromProbability: needs p in [0, 1] and at least 2 classes (p ${p}, classes ${numClasses})`);
  }
  if (p === 1) return 1;
  if (p === 0) return -1;
  const z = (p - 1 / numClasses) / Math.sqrt(p * (1 - p));
  return 2 * normalCdf(z) - 1;
}

/**
 * Signed bet sizes of many predictions: side_i · m(p_i) with m of `betSizeFromProbability`, where
 * p_i is the probability of the predicted outcome (the argmax class for a k-class model, the
 * probability to act for a meta-labeling model with k = 2) and side_i ∈ {−1, 0, 1}.
 */
export function betSizes(probability: ArrayLike<number>, side: ArrayLike<number>, numClasses: number): Float64Array {
  if (probability.length !== side.length) {
    throw new UsageError(`betSizes: ${probability.length} probabilities but ${side.length} sides`);
  }
  const out = new Float64Array(probability.length);
  for (let i = 0; i < out.length; i++) {
    const s = side[i] as number;
    out[i] = s === 0 ? 0 : s * betSizeFromProbability(probability[i] as number, numClasses);
  }
  return out;
}

/**
 * The average of the bets active at each bar (AFML snippet 10.2 `avgActiveSignals`): bet i is
 * active on bars [start_i, end_i] (inclusive), and the size held at bar t is the mean of the active
 * bets' signals (0 when none is active), so a new bet does not discard the ones still open.
 */
export function averageActiveBets(
  signal: ArrayLike<number>,
  start: ArrayLike<number>,
  end: ArrayLike<number>,
  barCount: number,
): Float64Array {
  if (signal.length !== start.length || start.length !== end.length) {
    throw new UsageError(`averageActiveBets: signal, start and end lengths differ (${signal.length}, ${start.length}, ${end.length})`);
  }
  const sum = new Float64Array(barCount + 1);
  const count = new Int32Array(barCount + 1);
  for (let i = 0; i < signal.length; i++) {
    const s = start[i] as number;
    const e = Math.min(end[i] as number, barCount - 1);
    if (!(s >= 0 && s <= e)) throw new UsageError(`averageActiveBets: bet ${i} spans bars [${s}, ${end[i]}], reversed or negative`);
    sum[s]! += signal[i] as number;
    sum[e + 1]! -= signal[i] as number;
    count[s]! += 1;
    count[e + 1]! -= 1;
  }
  const out = new Float64Array(barCount);
  let running = 0;
  let active = 0;
  for (let t = 0; t < barCount; t++) {
    running += sum[t] as number;
    active += count[t] as number;
    out[t] = active === 0 ? 0 : running / active;
  }
  return out;
}

/** pandas' `Series.round()`: half to even, so 0.25 / 0.5 discretises like the book's code. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Discretised sizes (AFML snippet 10.3 `discreteSignal`): round(m / step) · step, capped to [−1, 1],
 * so tiny changes of the predicted probability do not trade. A step of 0 keeps the sizes continuous.
 */
export function discretizeBetSizes(signal: ArrayLike<number>, step: number): Float64Array {
  if (!(step >= 0 && step <= 1)) throw new UsageError(`discretizeBetSizes: step must be in [0, 1], got ${step}`);
  const out = Float64Array.from(signal);
  for (let i = 0; i < out.length; i++) {
    const s = out[i] as number;
    const d = step === 0 ? s : roundHalfEven(s / step) * step;
    out[i] = d > 1 ? 1 : d < -1 ? -1 : d;
  }
  return out;
}

/**
 * The budgeting approach (AFML §10.2): at each bet's start, the number of concurrent long bets over
 * its maximum minus the concurrent short bets over theirs, m_t = c_{t,l}/max c_l − c_{t,s}/max c_s,
 * so the most crowded moment of either side takes a full position. Bets span [start, end] inclusive;
 * side is +1 (long), −1 (short) or 0 (no bet).
 */
export function budgetBetSizes(start: ArrayLike<number>, end: ArrayLike<number>, side: ArrayLike<number>, barCount: number): Float64Array {
  const longs = new Int32Array(barCount + 1);
  const shorts = new Int32Array(barCount + 1);
  for (let i = 0; i < side.length; i++) {
    const s = side[i] as number;
    if (s === 0) continue;
    const target = s > 0 ? longs : shorts;
    target[start[i] as number]! += 1;
    target[Math.min(end[i] as number, barCount - 1) + 1]! -= 1;
  }
  let maxLong = 0;
  let maxShort = 0;
  for (let t = 0, l = 0, sh = 0; t < barCount; t++) {
    longs[t] = l += longs[t] as number;
    shorts[t] = sh += shorts[t] as number;
    maxLong = Math.max(maxLong, l);
    maxShort = Math.max(maxShort, sh);
  }
  const out = new Float64Array(side.length);
  for (let i = 0; i < out.length; i++) {
    const t = start[i] as number;
    const l = maxLong === 0 ? 0 : (longs[t] as number) / maxLong;
    const sh = maxShort === 0 ? 0 : (shorts[t] as number) / maxShort;
    out[i] = l - sh;
  }
  return out;
}

/**
 * Dynamic sizing by price divergence (AFML snippet 10.4): the sigmoid size x / √(w + x²) of a
 * divergence x = forecast − price, with w the width that gives size `size` at divergence `x`:
 * w = x² (size⁻² − 1).
 */
export function sigmoidBetSize(width: number, divergence: number): number {
  return divergence / Math.sqrt(width + divergence * divergence);
}

/** The width w of `sigmoidBetSize` that makes divergence x give the size m (snippet 10.4 `getW`). */
export function sigmoidWidth(divergence: number, size: number): number {
  if (!(size > 0 && size < 1)) throw new UsageError(`sigmoidWidth: size must be in (0, 1), got ${size}`);
  return divergence * divergence * (size ** -2 - 1);
}
