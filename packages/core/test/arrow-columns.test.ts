import {
  Float32,
  Float64,
  Int8,
  Int32,
  Int64,
  makeData,
  makeVector,
  Table,
  TimestampMillisecond,
  TimestampMicrosecond,
  Uint32,
  vectorFromArray,
  type DataType,
  type Vector,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { float64Column, float64Columns } from '../src/internal/arrow-columns.js';

/** What the column reads as through apache-arrow's own visitor: the reference the fast paths must equal. */
function viaVisitor(column: Vector): Float64Array {
  const out = new Float64Array(column.length);
  let i = 0;
  for (const value of column) out[i++] = value == null ? Number.NaN : Number(value);
  return out;
}

function expectSameNumbers(actual: Float64Array, expected: Float64Array): void {
  expect(actual).toHaveLength(expected.length);
  // Object.is: NaN equals NaN, and -0 must stay -0.
  for (let i = 0; i < expected.length; i++) if (!Object.is(actual[i], expected[i])) expect([i, actual[i]]).toEqual([i, expected[i]]);
}

const MS = [1_735_689_600_000, 1_735_689_660_000, -86_400_000, 0, 2 ** 53 - 1, -(2 ** 53) + 1, 1_735_689_720_123];

describe('float64Column', () => {
  const cases: [string, DataType, unknown[]][] = [
    ['int8', new Int8(), [-128, -1, 0, 1, 127]],
    ['int32', new Int32(), [-2_147_483_648, -5, 0, 7, 2_147_483_647]],
    ['uint32', new Uint32(), [0, 1, 4_294_967_295, 2_147_483_648]],
    ['float32', new Float32(), [0.1, -2.5, Number.NaN, 3.4e38, -0]],
    ['int64', new Int64(), [-(2n ** 63n), -1n, 0n, 2n ** 53n + 1n, 2n ** 63n - 1n, 12_345_678_901_234n]],
    ['timestamp ms', new TimestampMillisecond(), MS],
  ];
  for (const [name, type, values] of cases) {
    it(`reads ${name} exactly as apache-arrow's visitor does, with and without nulls, across chunks`, () => {
      const plain = vectorFromArray(values, type);
      expectSameNumbers(float64Column(new Table({ x: plain }), 'x'), viaVisitor(plain));
      const withNulls = vectorFromArray([null, ...values, null], type);
      expect(withNulls.nullCount).toBe(2);
      const read = float64Column(new Table({ x: withNulls }), 'x');
      expectSameNumbers(read, viaVisitor(withNulls));
      expect(Number.isNaN(read[0])).toBe(true);
      // Two chunks, the second a slice (its values and validity start at an offset).
      const chunked = withNulls.concat(withNulls.slice(2, values.length + 2));
      expect(chunked.data).toHaveLength(2);
      expectSameNumbers(float64Column(new Table({ x: chunked }), 'x'), viaVisitor(chunked));
    });
  }

  it('reads millisecond timestamps as their epoch milliseconds (the bars tables timestamp)', () => {
    const column = float64Column(new Table({ t: vectorFromArray(MS, new TimestampMillisecond()) }), 't');
    expect([...column]).toEqual(MS);
  });

  it('keeps apache-arrow conversion for other units and its error for an unsafe timestamp', () => {
    const micro = makeVector(makeData({ type: new TimestampMicrosecond(), length: 2, data: new BigInt64Array([1_500n, 2_000_123n]) }));
    expectSameNumbers(float64Column(new Table({ t: micro }), 't'), viaVisitor(micro));
    const unsafe = makeVector(makeData({ type: new TimestampMillisecond(), length: 2, data: new BigInt64Array([1n, 2n ** 60n]) }));
    expect(() => float64Column(new Table({ t: unsafe }), 't')).toThrow(TypeError);
  });

  it('copies a float64 column (the table keeps its values when the result is written)', () => {
    const table = new Table({ x: vectorFromArray([1, 2, 3], new Float64()) });
    const column = float64Columns(table).x as Float64Array;
    column[0] = 99;
    expect(table.getChild('x')?.get(0)).toBe(1);
  });
});
