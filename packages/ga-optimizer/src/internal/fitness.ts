import { UsageError } from '@tribar/core';
import { tripleBarrierInto, type SameBarRule, type TripleBarrierResult } from '@tribar/quant';
import { buildRangeIndex, tallyBarriers } from './barrier-scan.js';
import { emptyTally, type LabelTally } from './fitness-tally.js';
/**
 * The barrier fitness (README "Fitness"): every individual that meets the constraints scores in
 * [−VALID_LIMIT, VALID_LIMIT]; every one that misses them scores below INVALID_SCORE, so a valid
 * individual always beats an invalid one. The original's cost term divided a price fraction by
 * ATR points and compared it with ticks, so an individual inside the neutral band scored
 * ≈ −10³…−10⁴ and one outside ≈ −950: its GA converged to invalid parameters (§6, §17.6).
 */
export const INVALID_SCORE = -1e6;
/** Per-trade ratio cap; with the bounded bonuses a valid score stays well above INVALID_SCORE. */
const RATIO_LIMIT = 10;
/** Weight of the original's dimensionless shaping terms (neutral, balance, speed, asymmetry). */
export const BONUS_WEIGHT = 0.1;
/** Invalid individuals: INVALID_SCORE − VIOLATION_SLOPE × violation, so nearer the constraints ranks higher. */
const VIOLATION_SLOPE = 1000;

export type AsymmetryRule = 'symmetric' | 'upperWider';

/** The constraints and preferences a label set is scored against. */
export interface FitnessRules {
  horizon: number;
  /** Hard: neutral share of labeled rows in [min, max]. */
  neutralBand: readonly [number, number];
  /** Rewarded most: neutral share in [min, max]. */
  neutralTarget: readonly [number, number];
  /** Hard: long and short each at least this share of labeled rows. */
  minClassShare: number;
  /** Hard: at least this many long + short labels. */
  minTrades: number;
  asymmetry: AsymmetryRule;
}

export interface BarrierParams {
  kUp: number;
  kDown: number;
  maxBars: number;
}

export interface FitnessBreakdown {
  score: number;
  valid: boolean;
  /** Sum of constraint shortfalls (shares, and missing trades as a fraction of minTrades); 0 when valid. */
  violation: number;
  labeled: number;
  long: number;
  short: number;
  neutral: number;
  neutralShare: number;
  longShare: number;
  shortShare: number;
  trades: number;
  /** Mean and standard deviation of the per-trade net price return (fraction of the entry price). */
  meanNetReturn: number;
  stdNetReturn: number;
  /** meanNetReturn / stdNetReturn, capped at ±RATIO_LIMIT. */
  ratio: number;
  bonus: { neutral: number; balance: number; speed: number; asymmetry: number };
}

/** Genes [kUp, kDown, maxBarsPerHorizonBar] → barrier parameters; maxBars = clamp(round(h·mult), lo·h, hi·h). */
export function decodeBarrier(genes: readonly number[], horizon: number, multBounds: readonly [number, number]): BarrierParams {
  const [kUp, kDown, mult] = genes as [number, number, number];
  const low = Math.max(1, Math.round(multBounds[0] * horizon));
  const high = Math.max(low, Math.round(multBounds[1] * horizon));
  return { kUp, kDown, maxBars: Math.min(high, Math.max(low, Math.round(horizon * mult))) };
}

/** The symbol's asymmetry preference (§6, both rules in ATR multiples, which are dimensionless). */
export function asymmetryTerm(kUp: number, kDown: number, rule: AsymmetryRule): number {
  const gap = Math.abs(kUp - kDown);
  const mean = (kUp + kDown) / 2;
  if (rule === 'symmetric') return gap > 0.1 * mean ? -5 * gap : 0.5;
  if (kDown > kUp) return -3 * (kDown - kUp);
  return gap > 0.6 * mean ? -2 * gap : 0;
}

const clip = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/**
 * Score one label set. `costReturn[i]` is the round-trip cost as a fraction of the entry price
 * at row i (cost in price units / close[i]), so every term is a price return.
 */
export function scoreLabels(
  labels: Pick<TripleBarrierResult, 'label' | 'forwardReturn' | 'barsToHit'>,
  count: number,
  costReturn: Float64Array,
  params: BarrierParams,
  rules: FitnessRules,
): FitnessBreakdown {
  const { label, forwardReturn, barsToHit } = labels;
  const tally = emptyTally();
  for (let i = 0; i < count; i++) {
    const value = label[i] as number;
    if (value === 0) tally.neutral++;
    else if (value === 1 || value === -1) {
      if (value === 1) tally.long++;
      else tally.short++;
      const net = value * (forwardReturn[i] as number) - (costReturn[i] as number);
      tally.sum += net;
      tally.sumSquares += net * net;
      tally.barsSum += barsToHit[i] as number;
    }
  }
  return scoreTally(tally, params, rules);
}

/** The score of a tally (README "Fitness"). */
function scoreTally(tally: LabelTally, params: BarrierParams, rules: FitnessRules): FitnessBreakdown {
  const { long, short, neutral, sum, sumSquares, barsSum } = tally;
  const trades = long + short;
  const labeled = trades + neutral;
  const share = (part: number) => (labeled > 0 ? part / labeled : 0);
  const neutralShare = share(neutral);
  const longShare = share(long);
  const shortShare = share(short);
  const [bandLow, bandHigh] = rules.neutralBand;
  const violation =
    labeled === 0
      ? 5
      : Math.max(0, bandLow - neutralShare) +
        Math.max(0, neutralShare - bandHigh) +
        Math.max(0, rules.minClassShare - longShare) +
        Math.max(0, rules.minClassShare - shortShare) +
        Math.max(0, (rules.minTrades - trades) / rules.minTrades);
  const mean = trades > 0 ? sum / trades : 0;
  const std = trades > 0 ? Math.sqrt(Math.max(0, sumSquares / trades - mean * mean)) : 0;
  const ratio = std > 1e-15 ? clip(mean / std, -RATIO_LIMIT, RATIO_LIMIT) : Math.sign(mean) * RATIO_LIMIT;
  // The original's shaping terms, unchanged in form: all are shares, ratios or ATR multiples.
  const [targetLow, targetHigh] = rules.neutralTarget;
  const distance = Math.max(0, targetLow - neutralShare, neutralShare - targetHigh);
  const up = trades > 0 ? long / trades : 0.5;
  const bonus = {
    neutral: clip(3 - 15 * distance, -12, 3),
    balance: 2 - 8 * Math.abs(up - 0.5) - (up < 0.3 || up > 0.7 ? 3 : 0),
    speed: trades > 0 ? clip(1 - barsSum / trades / (2 * rules.horizon), -2, 1.5) : -2,
    asymmetry: asymmetryTerm(params.kUp, params.kDown, rules.asymmetry),
  };
  const valid = violation === 0;
  const shaped = BONUS_WEIGHT * (bonus.neutral + bonus.balance + bonus.speed + Math.max(-10, bonus.asymmetry));
  const score = valid ? ratio + shaped : INVALID_SCORE - VIOLATION_SLOPE * violation;
  return {
    score,
    valid,
    violation,
    labeled,
    long,
    short,
    neutral,
    neutralShare,
    longShare,
    shortShare,
    trades,
    meanNetReturn: mean,
    stdNetReturn: std,
    ratio,
    bonus,
  };
}

/** Everything a fitness worker needs: the optimisation block and the rules (structured-cloneable). */
export interface BarrierFitnessInit {
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  atr: Float64Array;
  /** Round-trip cost in price units: (commission + 2 × slippage) ticks × tick size. */
  costPrice: number;
  /** Passed to the kernel: widen the barriers by the cost (labels.costAware). */
  costAwareLabels: boolean;
  sameBarRule: SameBarRule;
  /** Bounds of the third gene, for decoding maxBars. */
  maxBarsPerHorizonBar: readonly [number, number];
  rules: FitnessRules;
}

/** Round-trip cost as a fraction of each row's entry close. */
export function costReturns(close: Float64Array, costPrice: number): Float64Array {
  const out = new Float64Array(close.length);
  for (let i = 0; i < close.length; i++) out[i] = costPrice / (close[i] as number);
  return out;
}

/**
 * How labels are found: `scan` (default) is the GA's fast path (`barrier-scan.ts`, equal labels
 * by test); `kernel` calls `tripleBarrier` from `@tribar/quant`, the reference.
 */
export type LabelEngine = 'scan' | 'kernel';

/**
 * A reusable barrier fitness: labels the block and scores the labels, with all per-block work
 * (cost fractions, range tables or label buffers) done once. `evaluate(genes)` returns the breakdown.
 */
export function barrierFitness(
  init: BarrierFitnessInit,
  engine: LabelEngine = 'scan',
): (genes: readonly number[]) => FitnessBreakdown & { params: BarrierParams } {
  const n = init.close.length;
  if (n === 0) throw new UsageError('the barrier fitness needs a non-empty optimisation block');
  const costs = costReturns(init.close, init.costPrice);
  const labelCost = init.costAwareLabels ? init.costPrice : 0;
  const decode = (genes: readonly number[]) => decodeBarrier(genes, init.rules.horizon, init.maxBarsPerHorizonBar);
  if (engine === 'kernel') {
    // Only what scoreLabels reads: the kernel then skips the excursions and their writes.
    const buffers = { label: new Int8Array(n), barsToHit: new Int32Array(n), forwardReturn: new Float64Array(n) };
    const input = { open: init.open, high: init.high, low: init.low, close: init.close, atr: init.atr };
    return (genes) => {
      const params = decode(genes);
      tripleBarrierInto(input, { ...params, sameBarRule: init.sameBarRule, costPrice: labelCost }, buffers);
      return { ...scoreLabels(buffers, n, costs, params, init.rules), params };
    };
  }
  const longest = Math.max(1, Math.round(init.maxBarsPerHorizonBar[1] * init.rules.horizon));
  const index = buildRangeIndex(init.high, init.low, longest);
  return (genes) => {
    const params = decode(genes);
    const tally = tallyBarriers(init, index, { ...params, sameBarRule: init.sameBarRule, costPrice: labelCost }, costs);
    return { ...scoreTally(tally, params, init.rules), params };
  };
}

/**
 * The evaluator-module entry the worker pool loads by name: `(init) => (genes) => score`.
 * @public (imported by name at run time, so static analysis sees no importer)
 */
export function createEvaluator(init: BarrierFitnessInit): (genes: readonly number[]) => number {
  const evaluate = barrierFitness(init);
  return (genes) => evaluate(genes).score;
}
