import { barsToTable } from '@tribar/market';
import { tripleBarrier } from '@tribar/quant';
import { describe, expect, it } from 'vitest';
import { anchorSeries } from '../bench/series.js';
import { LabelBuffers, labelSeriesInto, readLabelSeries } from '../src/internal/label-bars.js';
import { kernelColumns, labelTable } from '../src/internal/label-table.js';

const bars = anchorSeries(400, 7);
const atr = bars.columns.atr_14 as Float64Array;
const slice = (n: number) => ({
  timestamp: bars.timestamp.subarray(0, n),
  open: bars.open.subarray(0, n),
  high: bars.high.subarray(0, n),
  low: bars.low.subarray(0, n),
  close: bars.close.subarray(0, n),
  atr: atr.subarray(0, n),
});

describe('LabelBuffers and labelSeriesInto', () => {
  it('label a shorter series into views of the longer one’s buffers, equal to fresh kernel outputs', () => {
    const buffers = new LabelBuffers();
    const params = { kUp: 1.5, kDown: 1, maxBars: 12 };
    const long = buffers.take(0, 400);
    labelSeriesInto(slice(400), params, { atrFeature: 'atr_14' }, long);
    const short = buffers.take(0, 250);
    expect(short.label.buffer).toBe(long.label.buffer);
    expect(short.mae.length).toBe(250);
    labelSeriesInto(slice(250), { kUp: 2, kDown: 1, maxBars: 30 }, { atrFeature: 'atr_14' }, short);
    const fresh = tripleBarrier(slice(250), { kUp: 2, kDown: 1, maxBars: 30 });
    for (const key of ['label', 'barsToHit', 'mae', 'mfe', 'touchType', 'endIndex', 'forwardReturn'] as const) {
      expect(Array.from(short[key]), key).toEqual(Array.from(fresh[key]));
    }
    // The last 30 rows of the short series are −99 whatever the long labeling left there.
    expect(Array.from(short.label.subarray(220))).toEqual(new Array(30).fill(-99));
    // A longer series grows the slot; another slot has buffers of its own.
    expect(buffers.take(0, 401).label.buffer).not.toBe(long.label.buffer);
    expect(buffers.take(1, 10).label.buffer).not.toBe(long.label.buffer);
  });

  it('readLabelSeries copies the six columns it needs and names the ATR-like columns when the ATR is missing', () => {
    const table = barsToTable(bars);
    const series = readLabelSeries(table, 'atr_14', 'features/MES.arrow');
    expect(Array.from(series.atr.subarray(20, 25))).toEqual(Array.from(atr.subarray(20, 25)));
    expect(Array.from(series.timestamp.subarray(0, 3))).toEqual(Array.from(bars.timestamp.subarray(0, 3)));
    expect(() => readLabelSeries(table, 'atr_20', 'features/MES.arrow')).toThrow(/missing ATR column 'atr_20'[\s\S]*atr_14/);
  });
});

describe('labelTable time columns', () => {
  it('write the int64 milliseconds BigInt(Math.round(t)) would, null where not finite or without an end', () => {
    const timestamp = Float64Array.from([-2.5, -1.5, 0.4, 2 ** 40 + 0.6, -(2 ** 33) - 7, 1_700_000_000_123, Number.NaN, 2 ** 53 + 2]);
    const endIndex = Int32Array.from([5, -1, 3, 0, 7, 6, -1, 4]);
    const result = {
      label: new Int8Array(8),
      barsToHit: new Int32Array(8),
      mae: new Float64Array(8),
      mfe: new Float64Array(8),
      touchType: new Int8Array(8),
      endIndex,
      forwardReturn: new Float64Array(8),
    };
    const table = labelTable('MES', timestamp, kernelColumns(5, result, timestamp));
    const millis = (name: string) => {
      const data = table.getChild(name)?.data[0];
      return Array.from({ length: 8 }, (_, i) => (data?.getValid(i) ? (data.values as BigInt64Array)[i] : null));
    };
    const expected = (t: number) => (Number.isFinite(t) ? BigInt(Math.round(t)) : null);
    expect(millis('timestamp')).toEqual(Array.from(timestamp, expected));
    expect(millis('label_end_time_h5')).toEqual(Array.from(endIndex, (e) => (e < 0 ? null : expected(timestamp[e] as number))));
    expect(table.schema.fields.find((f) => f.name === 'label_end_time_h5')?.nullable).toBe(true);
  });
});
