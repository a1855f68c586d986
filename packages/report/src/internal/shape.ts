import {
  SPLIT_CODE_NAMES,
  type CleanSymbolReportFile,
  type GaConvergenceRow,
  type IngestSymbolReportFile,
  type OutlierReportFile,
  type RepairReportFile,
  type RollEventFile,
  type RunState,
  SPLIT_TEST,
} from '@tribar/artifacts';
import { contractFor, type RunConfig } from '@tribar/config';
import { backtestMetrics, countCode, oracleTrades, type BacktestMetrics, type CostModel } from '../backtest.js';
import type { RunData, SymbolColumns } from './run-data.js';

/** Pure reshaping of run artifacts into the rows the tables and charts show. */

export const SPLIT_ZONES: Readonly<Record<number, string>> = SPLIT_CODE_NAMES;

export interface LabelMixRow {
  symbol: string;
  horizon: number;
  label: 'short' | 'neutral' | 'long' | 'invalid';
  count: number;
  share: number;
}

export function labelMixRows(symbol: string, horizon: number, label: ArrayLike<number>): LabelMixRow[] {
  const counts = { short: 0, neutral: 0, long: 0, invalid: 0 };
  for (let i = 0; i < label.length; i++) {
    const value = label[i];
    if (value === 1) counts.long++;
    else if (value === -1) counts.short++;
    else if (value === 0) counts.neutral++;
    else counts.invalid++;
  }
  const total = label.length || 1;
  return (['short', 'neutral', 'long', 'invalid'] as const).map((name) => ({
    symbol,
    horizon,
    label: name,
    count: counts[name],
    share: counts[name] / total,
  }));
}

export interface HistogramBin {
  start: number;
  end: number;
  count: number;
}

/**
 * Counts of the finite values in `bins` equal bins over [min, max] (the data's range when not
 * given); the last bin is closed so the maximum lands in it.
 */
export function histogram(
  values: ArrayLike<number>,
  bins: number,
  range?: { min: number; max: number },
  keep?: (i: number) => boolean,
): HistogramBin[] {
  let min = range?.min ?? Number.POSITIVE_INFINITY;
  let max = range?.max ?? Number.NEGATIVE_INFINITY;
  if (!range) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (Number.isFinite(v) && (keep === undefined || keep(i))) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max === min) max = min + 1;
  const width = (max - min) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v) || v < min || v > max || (keep !== undefined && !keep(i))) continue;
    const bin = Math.min(bins - 1, Math.floor((v - min) / width));
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts.map((count, b) => ({ start: min + b * width, end: min + (b + 1) * width, count }));
}

export interface SeriesHistogramRow extends HistogramBin {
  series: string;
  symbol: string;
  horizon: number;
}

/** Bars to hit of the labels that touched a barrier (±1), in whole-bar bins. */
export function barsToHitRows(columns: readonly SymbolColumns[], horizons: readonly number[]): SeriesHistogramRow[] {
  const rows: SeriesHistogramRow[] = [];
  for (const c of columns) {
    for (const h of horizons) {
      const bars = c.barsToHit.get(h);
      const label = c.label.get(h);
      if (!bars || !label) continue;
      const keep = (i: number) => label[i] === 1 || label[i] === -1;
      let max = 1;
      for (let i = 0; i < bars.length; i++) if (keep(i) && (bars[i] as number) > max) max = bars[i] as number;
      const bins = Math.min(60, Math.ceil(max));
      for (const bin of histogram(bars, bins, { min: 0.5, max: max + 0.5 }, keep))
        rows.push({ series: `${c.symbol} H${h}`, symbol: c.symbol, horizon: h, ...bin });
    }
  }
  return rows;
}

/** Quality scores of the valid labels, 25 bins over [0, 1] widened to the data. */
export function qualityRows(columns: readonly SymbolColumns[], horizons: readonly number[]): SeriesHistogramRow[] {
  const rows: SeriesHistogramRow[] = [];
  for (const c of columns) {
    for (const h of horizons) {
      const quality = c.quality.get(h);
      if (!quality) continue;
      let min = 0;
      let max = 1;
      for (const q of quality) {
        if (Number.isFinite(q)) {
          if (q < min) min = q;
          if (q > max) max = q;
        }
      }
      for (const bin of histogram(quality, 25, { min, max }))
        rows.push({ series: `${c.symbol} H${h}`, symbol: c.symbol, horizon: h, ...bin });
    }
  }
  return rows;
}

export interface ConvergenceRow {
  series: string;
  generation: number;
  measure: 'best' | 'mean of valid';
  fitness: number;
  validShare: number | null;
}

/** GA fitness per generation; penalised values (≤ −1e5, no valid individual) are left out as the GA's own chart does. */
export function convergenceRows(
  ga: ReadonlyMap<string, { convergence: ReadonlyArray<Pick<GaConvergenceRow, 'generation' | 'best' | 'meanValid' | 'validShare'>> }>,
): ConvergenceRow[] {
  const rows: ConvergenceRow[] = [];
  for (const [name, report] of ga) {
    for (const { generation, best, meanValid, validShare } of report.convergence) {
      const series = name.replace('_h', ' H');
      if (best > -1e5) rows.push({ series, generation, measure: 'best', fitness: best, validShare });
      if (meanValid !== null && meanValid > -1e5)
        rows.push({ series, generation, measure: 'mean of valid', fitness: meanValid, validShare });
    }
  }
  return rows;
}

export interface SplitSegment {
  track: string;
  zone: string;
  code: number;
  start: number;
  end: number;
  rows: number;
}

/** Runs of equal split codes as time segments (end = the next run's first timestamp, or the last one). */
export function splitSegments(track: string, timestamp: ArrayLike<number>, split: ArrayLike<number>): SplitSegment[] {
  const segments: SplitSegment[] = [];
  const n = Math.min(timestamp.length, split.length);
  let first = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && split[i] === split[first]) continue;
    const code = split[first] as number;
    const end = i < n ? (timestamp[i] as number) : (timestamp[n - 1] as number);
    segments.push({ track, zone: SPLIT_ZONES[code] ?? `code ${code}`, code, start: timestamp[first] as number, end, rows: i - first });
    first = i;
  }
  return segments;
}

export interface CorrelationCell {
  x: string;
  y: string;
  r: number | null;
}

/** Pearson correlation of every pair over rows where both are finite, on at most `maxRows` evenly strided rows. */
export function correlationCells(features: ReadonlyMap<string, ArrayLike<number>>, maxRows = 4000): CorrelationCell[] {
  const names = [...features.keys()];
  const cells: CorrelationCell[] = [];
  const columns = names.map((name) => features.get(name) as ArrayLike<number>);
  const n = Math.min(...columns.map((c) => c.length));
  const stride = Math.max(1, Math.ceil(n / maxRows));
  for (let a = 0; a < names.length; a++) {
    for (let b = 0; b < names.length; b++) {
      const xs = columns[a] as ArrayLike<number>;
      const ys = columns[b] as ArrayLike<number>;
      let count = 0;
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let i = 0; i < n; i += stride) {
        const x = xs[i] as number;
        const y = ys[i] as number;
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        count++;
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
      }
      const cov = sxy - (sx * sy) / count;
      const vx = sxx - (sx * sx) / count;
      const vy = syy - (sy * sy) / count;
      const r = count > 1 && vx > 0 && vy > 0 ? Math.max(-1, Math.min(1, cov / Math.sqrt(vx * vy))) : null;
      cells.push({ x: names[a] as string, y: names[b] as string, r });
    }
  }
  return cells;
}

export interface HealthRow {
  symbol: string;
  barsIn: number | null;
  barsOut: number | null;
  repairs: number | null;
  filledGaps: number | null;
  filledBars: number | null;
  longGaps: number | null;
  longGapBars: number | null;
  rolls: number;
  rollDetails: string[];
  /** How rolls were adjusted (the clean report's `rollAdjustment`): `back (difference)`, `forward (ratio)`, `none`. */
  rollAdjustment: string | null;
  outliersFlagged: number | null;
}

/** What the health table reads of the ingest report (`IngestReportFile`). */
export interface HealthIngest {
  symbols: ReadonlyArray<Pick<IngestSymbolReportFile, 'symbol'> & { repair: Pick<RepairReportFile, 'rowsIn' | 'totalFixes'> }>;
}

/** What the health table reads of the clean report (`CleanReportFile`). */
export interface HealthClean {
  symbols: ReadonlyArray<
    Pick<CleanSymbolReportFile, 'symbol' | 'inputBars' | 'gaps' | 'rollAdjustment'> & {
      output: Pick<CleanSymbolReportFile['output'], 'bars'>;
      rolls: ReadonlyArray<Pick<RollEventFile, 'time' | 'gap' | 'source'>>;
      outliers: Pick<OutlierReportFile, 'flagged'>;
    }
  >;
}

/** The roll mode in words: `forward` is the causal one (nothing before a roll changes). */
function rollAdjustmentText({ method, direction }: CleanSymbolReportFile['rollAdjustment']): string {
  return method === 'none' ? 'none' : `${direction} (${method})`;
}

/** One line naming each symbol's roll mode, e.g. `Roll adjustment: MES back (difference), MGC forward (difference).` */
export function rollAdjustmentLine(rows: readonly HealthRow[]): string | undefined {
  const known = rows.filter((r) => r.rollAdjustment !== null);
  if (known.length === 0) return undefined;
  return `Roll adjustment: ${known.map((r) => `${r.symbol} ${r.rollAdjustment}`).join(', ')} (forward is causal: nothing before a roll changes; back moves every earlier price).`;
}

/** Repairs from the ingest report, gaps, rolls and outliers from the clean report, per symbol. */
export function healthRows(symbols: readonly string[], ingest: HealthIngest | undefined, clean: HealthClean | undefined): HealthRow[] {
  const ingestBy = new Map(ingest?.symbols.map((entry) => [entry.symbol, entry]));
  const cleanBy = new Map(clean?.symbols.map((entry) => [entry.symbol, entry]));
  return symbols.map((symbol) => {
    const repair = ingestBy.get(symbol)?.repair;
    const c = cleanBy.get(symbol);
    return {
      symbol,
      barsIn: repair?.rowsIn ?? c?.inputBars ?? null,
      barsOut: c?.output.bars ?? null,
      repairs: repair?.totalFixes ?? null,
      filledGaps: c?.gaps.filledGaps ?? null,
      filledBars: c?.gaps.filledBars ?? null,
      longGaps: c?.gaps.longGaps ?? null,
      longGapBars: c?.gaps.longGapBars ?? null,
      rolls: c?.rolls.length ?? 0,
      rollDetails: c?.rolls.map((roll) => `${roll.time} gap ${roll.gap} (${roll.source})`) ?? [],
      rollAdjustment: c ? rollAdjustmentText(c.rollAdjustment) : null,
      outliersFlagged: c?.outliers.flagged ?? null,
    };
  });
}

export interface StageRow {
  name: string;
  status: string;
  outputs: number;
}

export function stageRows(state: Pick<RunState, 'order' | 'stages'> | undefined): StageRow[] {
  if (state === undefined) return [];
  return state.order.map((name) => {
    const stage = state.stages[name];
    // No durations: the report's bytes are the same for two runs of one config + seed; times stay in state.json.
    return {
      name,
      status: stage?.status ?? 'not run',
      outputs: stage?.outputs?.length ?? 0,
    };
  });
}

export interface BacktestRow extends BacktestMetrics {
  symbol: string;
  horizon: number;
  testRows: number;
  cost: CostModel;
  /** Cumulative net USD after each trade. */
  equity: number[];
}

/** The bar length: `timeframes.targetMinutes`, else the median timestamp step. */
export function barMinutes(config: Pick<RunConfig, 'timeframes'> | undefined, timestamp: ArrayLike<number>): number {
  const configured = config?.timeframes.targetMinutes;
  if (configured !== undefined && configured > 0) return configured;
  const steps: number[] = [];
  for (let i = 1; i < Math.min(timestamp.length, 2001); i++) steps.push((timestamp[i] as number) - (timestamp[i - 1] as number));
  steps.sort((a, b) => a - b);
  const median = steps[Math.floor(steps.length / 2)];
  return median !== undefined && median > 0 ? median / 60_000 : 1;
}

function costFor(config: RunConfig, symbol: string): CostModel {
  const contract = contractFor(config, symbol);
  return { roundTripPrice: contract.roundTripPrice, tickSize: contract.tickSize, tickValue: contract.tickValue };
}

/** The label-oracle backtest on the test rows of every symbol and horizon with a split column. */
export function backtestRows(data: Pick<RunData, 'config' | 'columns' | 'horizons'>): BacktestRow[] {
  const rows: BacktestRow[] = [];
  for (const c of data.columns) {
    const cost = costFor(data.config, c.symbol);
    const minutes = barMinutes(data.config, c.timestamp);
    for (const h of data.horizons) {
      const label = c.label.get(h);
      const endIndex = c.endIndex.get(h);
      const split = c.split.get(h);
      if (!label || !endIndex || !split) continue;
      const trades = oracleTrades({ close: c.close, label, endIndex, split }, cost);
      const testRows = countCode(split, SPLIT_TEST, label.length);
      let equity = 0;
      rows.push({
        symbol: c.symbol,
        horizon: h,
        testRows,
        cost,
        ...backtestMetrics(trades, { spanBars: testRows, barMinutes: minutes }),
        equity: trades.map((trade) => (equity += trade.pnlUsd)),
      });
    }
  }
  return rows;
}
