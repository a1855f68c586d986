import { DataError, float64Column } from '@tribar/core';
import { type Bars } from '@tribar/market';
import { tripleBarrierInto, type SameBarRule, type TripleBarrierBuffers } from '@tribar/quant';
import { type Table } from 'apache-arrow';

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

/** What the kernel reads of one symbol's features: the bars and the ATR column, nothing else. */
export interface LabelSeries {
  timestamp: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  atr: Float64Array;
}

/**
 * The kernel's outputs a label file stores, in one pass: every one but the end time, which the
 * Arrow column takes straight from the end index and the timestamps (`kernelColumns`).
 */
export type StageLabels = Required<Omit<TripleBarrierBuffers, 'endTime'>>;

function missingAtr(name: string, columns: readonly string[], source: string): DataError {
  const candidates = columns.filter((column) => column.toLowerCase().includes('atr'));
  return new DataError(
    `missing ATR column '${name}'`,
    { file: source, field: name },
    {
      hint: candidates.length > 0 ? `set labels.atrFeature to one of: ${candidates.join(', ')}` : 'run the features stage with ATR enabled',
    },
  );
}

/** The ATR column of a features table (as `Bars`), or an error naming the ATR-like columns there are. */
function atrColumn(bars: Bars, name: string, source = '<bars>'): Float64Array {
  const atr = bars.columns[name];
  if (atr !== undefined) return atr;
  throw missingAtr(name, Object.keys(bars.columns), source);
}

/**
 * The six columns labeling needs, copied out of a features table; the table (and the file's bytes
 * under it) can be dropped at once: the feature columns are never converted.
 */
export function readLabelSeries(table: Table, atrFeature: string, source = '<table>'): LabelSeries {
  if (table.getChild(atrFeature) === null)
    throw missingAtr(
      atrFeature,
      table.schema.fields.map((field) => field.name),
      source,
    );
  return {
    timestamp: float64Column(table, 'timestamp', source),
    open: float64Column(table, 'open', source),
    high: float64Column(table, 'high', source),
    low: float64Column(table, 'low', source),
    close: float64Column(table, 'close', source),
    atr: float64Column(table, atrFeature, source),
  };
}

/** Label one series into `out` (each buffer exactly as long as the series): the stages' call, one pass. */
export function labelSeriesInto(series: LabelSeries, barrier: BarrierChoice, options: LabelBarsOptions, out: StageLabels): void {
  tripleBarrierInto(series, kernelParams(barrier, options), out);
}

function kernelParams(barrier: BarrierChoice, options: LabelBarsOptions) {
  return {
    kUp: barrier.kUp,
    kDown: barrier.kDown,
    maxBars: barrier.maxBars,
    sameBarRule: options.sameBarRule ?? 'nearerOpen',
    costPrice: options.costPrice ?? 0,
  };
}

/** Triple-barrier labels of one symbol's bars (features table as `Bars`), the stages' outputs in fresh buffers. */
export function labelBars(bars: Bars, barrier: BarrierChoice, options: LabelBarsOptions): StageLabels {
  const atr = atrColumn(bars, options.atrFeature, options.source);
  const out = new LabelBuffers().take(0, bars.close.length);
  labelSeriesInto({ ...bars, atr }, barrier, options, out);
  return out;
}

/**
 * The stages' output buffers, one set per slot (horizon), reused from symbol to symbol once the
 * previous symbol's file is written: fresh buffers cost a page fault per 4 KiB on first touch,
 * about as much as the labeling itself. `take` returns views of exactly n rows, growing a slot
 * only when a longer series comes.
 */
export class LabelBuffers {
  readonly #slots: StageLabels[] = [];

  take(slot: number, n: number): StageLabels {
    let buffers = this.#slots[slot];
    if (buffers === undefined || buffers.label.length < n) {
      buffers = {
        label: new Int8Array(n),
        barsToHit: new Int32Array(n),
        mae: new Float64Array(n),
        mfe: new Float64Array(n),
        touchType: new Int8Array(n),
        endIndex: new Int32Array(n),
        forwardReturn: new Float64Array(n),
      };
      this.#slots[slot] = buffers;
    }
    if (buffers.label.length === n) return buffers;
    return {
      label: buffers.label.subarray(0, n),
      barsToHit: buffers.barsToHit.subarray(0, n),
      mae: buffers.mae.subarray(0, n),
      mfe: buffers.mfe.subarray(0, n),
      touchType: buffers.touchType.subarray(0, n),
      endIndex: buffers.endIndex.subarray(0, n),
      forwardReturn: buffers.forwardReturn.subarray(0, n),
    };
  }
}
