import { DataError } from '@tribar/core';
import { type Bars } from '@tribar/market';
import { tripleBarrier, type SameBarRule, type TripleBarrierResult } from '@tribar/quant';

export interface BarrierChoice {
  kUp: number;
  kDown: number;
  maxBars: number;
}

export interface LabelBarsOptions {
  /** Feature column with the ATR that scales the barriers (`labels.atrFeature`). */
  atrFeature: string;
  sameBarRule?: SameBarRule;
  /** Price units added to both barrier distances (see `barrierCostPrice`). */
  costPrice?: number;
  /** For error messages. */
  source?: string;
}

/** The ATR column of a features table, or an error naming the ATR-like columns there are. */
function atrColumn(bars: Bars, name: string, source = '<bars>'): Float64Array {
  const atr = bars.columns[name];
  if (atr !== undefined) return atr;
  const candidates = Object.keys(bars.columns).filter((column) => column.toLowerCase().includes('atr'));
  throw new DataError(
    `missing ATR column '${name}'`,
    { file: source, field: name },
    {
      hint: candidates.length > 0 ? `set labels.atrFeature to one of: ${candidates.join(', ')}` : 'run the features stage with ATR enabled',
    },
  );
}

/** Triple-barrier labels of one symbol's bars (features table) with the given barriers. */
export function labelBars(bars: Bars, barrier: BarrierChoice, options: LabelBarsOptions): TripleBarrierResult {
  const atr = atrColumn(bars, options.atrFeature, options.source);
  return tripleBarrier(
    { open: bars.open, high: bars.high, low: bars.low, close: bars.close, atr, timestamp: bars.timestamp },
    {
      kUp: barrier.kUp,
      kDown: barrier.kDown,
      maxBars: barrier.maxBars,
      sameBarRule: options.sameBarRule ?? 'nearerOpen',
      costPrice: options.costPrice ?? 0,
    },
  );
}
