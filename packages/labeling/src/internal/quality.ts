import { INVALID_LABEL } from '@tribar/quant';
import { percentileOf } from '@tribar/quant';

/**
 * Label quality scores and tiered sample weights: the original stage 6 (`compute_quality_scores`,
 * `assign_sample_weights`, original-system.md §7), with two fixes:
 * - −99 rows are excluded everywhere (quality NaN, weight 0); the original scored them as labels.
 * - the percentiles that scale the components and cut the tiers come from the rows passed as
 *   `percentileRows` (the stage passes the train rows whose label window ends inside train), not
 *   from the whole history, so nothing from validation or test leaks into training weights.
 */
export interface QualityWeights {
  speed: number;
  mae: number;
  mfe: number;
  painToGain: number;
  drawdown: number;
}

export interface QualityOptions {
  horizon: number;
  /** Ideal bars to hit = this × horizon (original 1.5). */
  idealSpeedPerHorizon: number;
  /** twdd divides bars by this × horizon (original 3, whatever maxBars was). */
  drawdownBarsPerHorizonBar: number;
  weights: QualityWeights;
  /** Percentile that scales each component to [0, 1] (original 95). */
  scalePercentile: number;
  /** 1 where a row may set percentiles; default every valid row (the original used all rows). */
  percentileRows?: Uint8Array;
}

export interface LabelColumns {
  label: Int8Array;
  barsToHit: Int32Array;
  mae: Float64Array;
  mfe: Float64Array;
}

export interface QualityScores {
  quality: Float64Array;
  speed: Float64Array;
  maeScore: Float64Array;
  mfeScore: Float64Array;
  /** Raw pain-to-gain ratio (written as `pain_to_gain_h{h}`). */
  painToGain: Float64Array;
  painToGainScore: Float64Array;
  /** Raw time-weighted drawdown (written as `time_weighted_dd_h{h}`). */
  timeWeightedDd: Float64Array;
  timeWeightedDdScore: Float64Array;
  /** The scales used (NaN when no row could set one and the original's fallback applied). */
  scales: { mae: number; mfe: number; painToGain: number; timeWeightedDd: number };
  /** Rows that set the percentiles. */
  percentileRowCount: number;
}

const clip01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

export function qualityScores(columns: LabelColumns, options: QualityOptions): QualityScores {
  const { label, barsToHit, mae, mfe } = columns;
  const n = label.length;
  const { horizon, weights } = options;
  const ideal = options.idealSpeedPerHorizon * horizon;
  const drawdownBars = options.drawdownBarsPerHorizonBar * horizon;
  const rows = options.percentileRows;
  const valid = (i: number) => (label[i] as number) !== INVALID_LABEL && (rows === undefined || rows[i] === 1);
  let percentileRowCount = 0;
  for (let i = 0; i < n; i++) if (valid(i)) percentileRowCount++;

  const absMae = new Float64Array(n);
  const absMfe = new Float64Array(n);
  const painToGain = new Float64Array(n);
  const timeWeightedDd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const l = label[i] as number;
    const a = Math.abs(mae[i] as number);
    const f = mfe[i] as number;
    const bars = barsToHit[i] as number;
    absMae[i] = a;
    absMfe[i] = Math.abs(f);
    if (l === INVALID_LABEL) {
      painToGain[i] = Number.NaN;
      timeWeightedDd[i] = Number.NaN;
      continue;
    }
    painToGain[i] = l === 1 ? a / Math.max(f, 1e-6) : l === -1 ? Math.max(f, 0) / Math.max(a, 1e-6) : 1.0;
    timeWeightedDd[i] = l !== 0 && bars > 0 ? (bars / drawdownBars) * Math.min(f > 0 ? a / f : 1.0, 2.0) : 0.5;
  }

  const q = options.scalePercentile;
  const maeScale = percentileOf(absMae, q, (i) => valid(i) && (absMae[i] as number) > 0);
  const mfeScale = percentileOf(absMfe, q, (i) => valid(i) && (absMfe[i] as number) > 0);
  const directional = (i: number) => valid(i) && (label[i] as number) !== 0;
  const ptgScale = percentileOf(painToGain, q, directional);
  const twddScale = percentileOf(timeWeightedDd, q, directional);
  // The original's fallbacks: scale 1 for mae/mfe without a non-zero value; a score of 1 for
  // pain-to-gain and drawdown without a directional label or with a zero percentile.
  const m95 = Number.isNaN(maeScale) ? 1 : maeScale;
  const f95 = Number.isNaN(mfeScale) ? 1 : mfeScale;
  const ptgOnes = !(ptgScale > 0);
  const twddOnes = !(twddScale > 0);

  const quality = new Float64Array(n);
  const speed = new Float64Array(n);
  const maeScore = new Float64Array(n);
  const mfeScore = new Float64Array(n);
  const painToGainScore = new Float64Array(n);
  const timeWeightedDdScore = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if ((label[i] as number) === INVALID_LABEL) {
      quality[i] = speed[i] = maeScore[i] = mfeScore[i] = painToGainScore[i] = timeWeightedDdScore[i] = Number.NaN;
      continue;
    }
    const bars = barsToHit[i] as number;
    const s = bars <= 0 ? 0 : Math.exp(-((Math.abs(bars - ideal) / ideal) ** 2));
    const ms = 1 - clip01((absMae[i] as number) / m95);
    const fs = clip01((absMfe[i] as number) / f95);
    const ps = ptgOnes ? 1 : 1 - clip01((painToGain[i] as number) / ptgScale);
    const ts = twddOnes ? 1 : 1 - clip01((timeWeightedDd[i] as number) / twddScale);
    speed[i] = s;
    maeScore[i] = ms;
    mfeScore[i] = fs;
    painToGainScore[i] = ps;
    timeWeightedDdScore[i] = ts;
    quality[i] = weights.speed * s + weights.mae * ms + weights.mfe * fs + weights.painToGain * ps + weights.drawdown * ts;
  }
  return {
    quality,
    speed,
    maeScore,
    mfeScore,
    painToGain,
    painToGainScore,
    timeWeightedDd,
    timeWeightedDdScore,
    scales: { mae: maeScale, mfe: mfeScale, painToGain: ptgScale, timeWeightedDd: twddScale },
    percentileRowCount,
  };
}

export interface TierOptions {
  lowPercentile: number;
  highPercentile: number;
  lowWeight: number;
  midWeight: number;
  highWeight: number;
  /** 1 where a row may set the cut points; default every row with a quality. */
  percentileRows?: Uint8Array;
}

export interface TieredWeights {
  weights: Float64Array;
  /** Quality below which a row weighs `lowWeight`, and at or above which it weighs `highWeight`; NaN without rows. */
  lowCut: number;
  highCut: number;
}

/**
 * The original's `assign_sample_weights`: high if q ≥ P80, mid if P20 ≤ q < P80, low below P20.
 * Rows without a quality (−99) weigh 0; without any row to set the cuts every row weighs mid.
 */
export function tieredSampleWeights(quality: Float64Array, options: TierOptions): TieredWeights {
  const rows = options.percentileRows;
  const keep = (i: number) => rows === undefined || rows[i] === 1;
  const lowCut = percentileOf(quality, options.lowPercentile, keep);
  const highCut = percentileOf(quality, options.highPercentile, keep);
  const weights = new Float64Array(quality.length);
  for (let i = 0; i < quality.length; i++) {
    const q = quality[i] as number;
    if (Number.isNaN(q)) weights[i] = 0;
    else if (Number.isNaN(lowCut)) weights[i] = options.midWeight;
    else weights[i] = q >= highCut ? options.highWeight : q >= lowCut ? options.midWeight : options.lowWeight;
  }
  return { weights, lowCut, highCut };
}

/**
 * Rows that may set percentiles feeding training: valid labels of bars before the calendar train
 * cut whose label window (ending at bar `endIndex[i]`, −1 for none) also ends before it (the rows the splits stage keeps in train after
 * purging), so validation and test prices never shape a training weight.
 */
export function trainPercentileRows(label: Int8Array, timestamp: Float64Array, endIndex: Int32Array, trainEnd: number): Uint8Array {
  const rows = new Uint8Array(label.length);
  for (let i = 0; i < label.length; i++) {
    const end = endIndex[i] as number;
    const endTime = end < 0 ? Number.NaN : (timestamp[end] as number);
    rows[i] = (label[i] as number) !== INVALID_LABEL && (timestamp[i] as number) < trainEnd && endTime < trainEnd ? 1 : 0;
  }
  return rows;
}
