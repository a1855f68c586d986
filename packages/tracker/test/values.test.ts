import { DataError, UsageError } from '@tribar/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateKey } from '../src/internal/keys.js';
import { formatMetricValue } from '../src/internal/table.js';
import { flattenParams, parseMlflowMetricFile, pythonFloatRepr } from '../src/internal/values.js';

describe('pythonFloatRepr (what MLflow writes for a metric value)', () => {
  // Each right-hand side is what CPython 3 prints for repr(float(x)).
  it.each([
    [0.5, '0.5'],
    [3, '3.0'],
    [100, '100.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [0.0001, '0.0001'], // exponent -4: still fixed notation
    [0.00001, '1e-05'], // exponent -5: scientific, two-digit exponent
    [-2.5e-7, '-2.5e-07'],
    [123.456, '123.456'],
    [12345678.9, '12345678.9'],
    [1234567890123456, '1234567890123456.0'], // exponent 15: fixed
    [1e16, '1e+16'], // exponent 16: scientific
    [1.5e16, '1.5e+16'],
    [1e100, '1e+100'],
    [0.1 + 0.2, '0.30000000000000004'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ])('%s → %s', (value, text) => {
    expect(pythonFloatRepr(value)).toBe(text);
  });

  it('round-trips every double through the metric file parser', () => {
    fc.assert(
      fc.property(fc.double(), fc.nat(), fc.integer({ min: -1000, max: 1000 }), (value, ts, step) => {
        const [point] = parseMlflowMetricFile(`${ts} ${pythonFloatRepr(value)} ${step}\n`);
        expect(Object.is(point?.value, value)).toBe(true);
        expect(point).toMatchObject({ timestampMs: ts, step });
      }),
    );
  });
});

describe('parseMlflowMetricFile', () => {
  it('reads nan, inf, -inf, scientific values and two-field lines (step 0)', () => {
    const points = parseMlflowMetricFile('1000 nan 0\n1001 inf 1\n1002 -inf 2\n1003 1e-05 3\n1004 0.25\n');
    expect(points.map((p) => p.value)).toEqual([NaN, Infinity, -Infinity, 0.00001, 0.25]);
    expect(points.map((p) => p.step)).toEqual([0, 1, 2, 3, 0]);
    expect(points.map((p) => p.timestampMs)).toEqual([1000, 1001, 1002, 1003, 1004]);
  });

  it('names the file and line of a malformed entry', () => {
    expect(() => parseMlflowMetricFile('1 0.5 0\n2 0.5 0 9\n', 'metrics/loss')).toThrow(/metrics\/loss, row 2: metric line has 4 fields/);
    expect(() => parseMlflowMetricFile('1 0.5 0\n2 abc 1\n', 'm')).toThrow(DataError);
    expect(() => parseMlflowMetricFile('1 0.5 0\n2 abc 1\n', 'm')).toThrow(/row 2, field 'value'/);
    expect(() => parseMlflowMetricFile('1.5 0.5 0\n')).toThrow(/row 1, field 'timestamp'/);
    expect(() => parseMlflowMetricFile('1 0.5 0.5\n')).toThrow(/field 'step'/);
    expect(() => parseMlflowMetricFile('1 0.5 0\n\n2 0.5 1\n')).toThrow(/row 2: metric line has 1 fields/);
  });
});

describe('validateKey (MLflow name rules)', () => {
  it.each(['loss', 'val/f1', 'a b', 'x.y-z_1', 'données/é'])('accepts %s', (key) => {
    expect(() => validateKey('metric', key)).not.toThrow();
  });

  it.each([
    ['', /a key name must be provided/],
    ['a:b', /may only contain alphanumerics/],
    ['a\\b', /may only contain/],
    ['../x', /resolves to '..\/x'/],
    ['/abs', /must not resolve/],
    ['a//b', /resolves to 'a\/b'/],
    ['a/', /resolves to 'a'/],
    ['./a', /resolves to 'a'/],
    ['a/../b', /resolves to 'b'/],
    ['.', /resolves to '.'/],
    ['x'.repeat(251), /251 characters, MLflow allows 250/],
  ])('rejects %j', (key, message) => {
    expect(() => validateKey('param', key)).toThrow(UsageError);
    expect(() => validateKey('param', key)).toThrow(message);
  });
});

describe('flattenParams', () => {
  it('writes values the way Python str() would and joins nested keys with dots', () => {
    expect(
      flattenParams({ model: { depth: 6, lr: 0.05, tiny: 0.00001, gpu: false, name: 'xgb' }, seeds: [1, 2], skip: undefined, none: null }),
    ).toEqual({
      'model.depth': '6',
      'model.lr': '0.05',
      'model.tiny': '1e-05',
      'model.gpu': 'False',
      'model.name': 'xgb',
      seeds: '[1,2]',
      none: '',
    });
  });
});

describe('formatMetricValue', () => {
  it.each([
    [0.123456, '0.1235'],
    [0.5, '0.5'],
    [42, '42'],
    [12345.6, '12346'],
    [1.23456e-7, '1.235e-7'],
    [NaN, 'nan'],
    [-Infinity, '-inf'],
  ])('%s → %s', (value, text) => expect(formatMetricValue(value)).toBe(text));
});
