import { labelColumn } from '@tribar/artifacts';
import { DataError, UsageError } from '@tribar/core';
import { INVALID_LABEL } from '@tribar/quant';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VAL } from '@tribar/splits';
import type { SequenceDataset, SplitName, TabularDataset } from './types.js';
import { sessionIds, windowFits } from './windows.js';

/** The `split_h{h}` code of each split name. */
const SPLIT_CODES: Readonly<Record<SplitName, number>> = { train: SPLIT_TRAIN, val: SPLIT_VAL, test: SPLIT_TEST };

/** One symbol × horizon's columns, all of the same length and aligned by row index. */
export interface ColumnsInput {
  /** Scaled feature columns, one array per feature, in `featureNames` order. */
  features: readonly ArrayLike<number>[];
  featureNames: readonly string[];
  /** `label_h{h}`: −1, 0, 1, or −99 (invalid). */
  label: ArrayLike<number>;
  /** `sample_weight_h{h}`. */
  weight: ArrayLike<number>;
  /** `split_h{h}`: 0 train, 1 val, 2 test, negative = purged / embargoed / invalid. */
  split: ArrayLike<number>;
  timestampMs: ArrayLike<number>;
  which: SplitName;
  symbol: string;
  horizon: number;
  /** Names the labels file in errors (default `<memory>`). */
  source?: string;
}

export interface SequenceColumnsInput extends ColumnsInput {
  lookback: number;
  /** Default false: windows that span a session break are dropped. */
  crossSessions?: boolean;
  /** One bar in ms; a step between rows longer than this starts a new session. */
  barMs: number;
}

function checkColumns(input: ColumnsInput): number {
  const n = input.timestampMs.length;
  if (!(input.which in SPLIT_CODES)) throw new UsageError(`unknown split '${String(input.which)}'; use train, val or test`);
  if (input.features.length !== input.featureNames.length) {
    throw new UsageError(`${input.features.length} feature columns for ${input.featureNames.length} feature names`);
  }
  const lengths: [string, number][] = [
    ['label', input.label.length],
    ['weight', input.weight.length],
    ['split', input.split.length],
    ...input.features.map((column, f): [string, number] => [input.featureNames[f] as string, column.length]),
  ];
  for (const [name, length] of lengths) {
    if (length !== n) throw new UsageError(`column '${name}' has ${length} rows, timestampMs has ${n}; columns must be aligned row by row`);
  }
  return n;
}

/**
 * Whether row t may be a sample: it is in the split, its label is a class and its weight usable.
 * A NaN, infinite or negative weight excludes the row rather than being replaced: NaN would turn the
 * whole batch's weighted loss (and every gradient) into NaN, a negative weight would reward the
 * wrong class, and any substitute (0, 1) would be a weight the labeling stage never chose.
 * A weight of 0 is kept: the row is a real labeled sample the loss simply ignores.
 */
function eligibleRows(input: ColumnsInput, fits?: Uint8Array): number[] {
  const code = SPLIT_CODES[input.which];
  const { label, weight, split } = input;
  const rows: number[] = [];
  for (let t = 0; t < label.length; t++) {
    const l = label[t] as number;
    if (l !== -1 && l !== 0 && l !== 1 && l !== INVALID_LABEL) {
      throw new DataError(
        `label ${l} is not −1, 0, 1 or −99`,
        { file: input.source ?? '<memory>', row: t + 1, field: labelColumn(input.horizon) },
        {
          hint: 'Re-run the labeling stage; the labels file is corrupt.',
        },
      );
    }
    if (split[t] !== code || l === INVALID_LABEL) continue;
    const w = weight[t] as number;
    if (!Number.isFinite(w) || w < 0) continue;
    if (fits && fits[t] === 0) continue;
    rows.push(t);
  }
  return rows;
}

function targets(input: ColumnsInput, rows: readonly number[]) {
  const n = rows.length;
  const y = new Uint8Array(n);
  const weights = new Float32Array(n);
  const rowIndex = new Int32Array(n);
  const timestampMs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = rows[i] as number;
    y[i] = (input.label[t] as number) + 1;
    weights[i] = input.weight[t] as number;
    rowIndex[i] = t;
    timestampMs[i] = input.timestampMs[t] as number;
  }
  return { y, weights, rowIndex, timestampMs };
}

/** Rows of one split as a flat table: x is rows × features, Float32, row-major (NaN kept). */
export function buildTabular(input: ColumnsInput): TabularDataset {
  checkColumns(input);
  const rows = eligibleRows(input);
  const width = input.features.length;
  // Shared memory: a model training in a worker thread (xgboost, gbdt) receives this matrix without a copy.
  const x = new Float32Array(new SharedArrayBuffer(rows.length * width * Float32Array.BYTES_PER_ELEMENT));
  for (let f = 0; f < width; f++) {
    const column = input.features[f] as ArrayLike<number>;
    for (let i = 0; i < rows.length; i++) x[i * width + f] = column[rows[i] as number] as number;
  }
  return {
    kind: 'tabular',
    symbol: input.symbol,
    horizon: input.horizon,
    split: input.which,
    featureNames: [...input.featureNames],
    rows: rows.length,
    shape: [width],
    x,
    ...targets(input, rows),
  };
}

/**
 * Windows of one split. The window ending at t is rows t−lookback+1 … t; it exists when all those
 * rows carry t's split code and (unless `crossSessions`) t's session, and t itself is a valid sample.
 * Rows inside the window other than t may have an invalid label or weight: only their features are
 * read, and they are features of the past the model would see in production too.
 * Only the split's own span of the feature matrix is copied (Float32), so train, val and test of a
 * symbol together hold about one copy of it; windows are cut from it on demand.
 */
export function buildSequence(input: SequenceColumnsInput): SequenceDataset {
  checkColumns(input);
  const { lookback } = input;
  const crossSessions = input.crossSessions ?? false;
  const sessions = crossSessions ? undefined : sessionIds(input.timestampMs, input.barMs, input.source);
  const fits = windowFits({ split: input.split, lookback, sessions });
  const rows = eligibleRows(input, fits);
  const width = input.features.length;
  const base = rows.length > 0 ? (rows[0] as number) - lookback + 1 : 0;
  const end = rows.length > 0 ? (rows.at(-1) as number) + 1 : 0;
  const matrix = new Float32Array((end - base) * width);
  for (let f = 0; f < width; f++) {
    const column = input.features[f] as ArrayLike<number>;
    for (let r = base; r < end; r++) matrix[(r - base) * width + f] = column[r] as number;
  }
  const common = targets(input, rows);
  const { rowIndex } = common;
  const windowSize = lookback * width;
  const count = rows.length;
  const gather = (positions: ArrayLike<number>, into?: Float32Array): Float32Array => {
    const needed = positions.length * windowSize;
    if (into !== undefined && into.length < needed) {
      throw new UsageError(`gather: out holds ${into.length} values, ${positions.length} windows of ${lookback} × ${width} need ${needed}`);
    }
    const out = into ?? new Float32Array(needed);
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i] as number;
      if (!Number.isInteger(p) || p < 0 || p >= count) throw new UsageError(`window position ${p} is outside 0 … ${count - 1}`);
      const start = ((rowIndex[p] as number) - lookback + 1 - base) * width;
      out.set(matrix.subarray(start, start + windowSize), i * windowSize);
    }
    return out;
  };
  const slice = (start: number, length: number): Float32Array => {
    if (!Number.isInteger(start) || !Number.isInteger(length) || start < 0 || length < 0 || start + length > count) {
      throw new UsageError(`slice(${start}, ${length}) is outside the ${count} windows`);
    }
    const positions = new Int32Array(length);
    for (let i = 0; i < length; i++) positions[i] = start + i;
    return gather(positions);
  };
  const featureNames = [...input.featureNames];
  const shape = [lookback, width];
  return {
    kind: 'sequence',
    symbol: input.symbol,
    horizon: input.horizon,
    split: input.which,
    featureNames,
    lookback,
    crossSessions,
    rows: count,
    shape,
    ...common,
    slice,
    gather,
  };
}
