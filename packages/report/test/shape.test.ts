import type { StageStatus } from '@tribar/artifacts';
import { describe, expect, it } from 'vitest';
import { equitySpec } from '../src/internal/charts.js';
import { checkRows, flattenScalars, runStatusAtReport } from '../src/internal/model.js';
import { pickFeatures } from '../src/internal/run-data.js';
import { convergenceRows, correlationCells, healthRows, histogram, labelMixRows, splitSegments, stageRows } from '../src/internal/shape.js';

describe('data shaping', () => {
  it('labelMixRows counts each class and the invalid rows', () => {
    const rows = labelMixRows('MES', 5, [1, 1, 0, -1, -99]);
    expect(rows.map((r) => [r.label, r.count, r.share])).toEqual([
      ['short', 1, 0.2],
      ['neutral', 1, 0.2],
      ['long', 2, 0.4],
      ['invalid', 1, 0.2],
    ]);
  });

  it('histogram bins finite values, closes the last bin and honours a row filter', () => {
    expect(histogram([0, 0.5, 1, Number.NaN, 2], 2, { min: 0, max: 2 })).toEqual([
      { start: 0, end: 1, count: 2 },
      { start: 1, end: 2, count: 2 },
    ]);
    expect(histogram([1, 2, 3], 1, undefined, (i) => i !== 2)).toEqual([{ start: 1, end: 2, count: 2 }]);
    expect(histogram([Number.NaN], 3)).toEqual([]);
  });

  it('splitSegments turns runs of split codes into named zones', () => {
    const segments = splitSegments('MES H5', [10, 20, 30, 40, 50, 60, 70], [0, 0, -1, 1, -2, 2, 2]);
    expect(segments.map((s) => [s.zone, s.start, s.end, s.rows])).toEqual([
      ['train', 10, 30, 2],
      ['purged', 30, 40, 1],
      ['val', 40, 50, 1],
      ['embargoed', 50, 60, 1],
      ['test', 60, 70, 2],
    ]);
  });

  it('correlationCells: ±1 for linear pairs, null for a constant column, NaN rows skipped', () => {
    const cells = correlationCells(
      new Map([
        ['a', [1, 2, 3, 4, Number.NaN]],
        ['b', [2, 4, 6, 8, 1]],
        ['c', [4, 3, 2, 1, 0]],
        ['d', [5, 5, 5, 5, 5]],
      ]),
    );
    const r = (x: string, y: string) => cells.find((cell) => cell.x === x && cell.y === y)?.r;
    expect(cells).toHaveLength(16);
    expect(r('a', 'b')).toBeCloseTo(1, 12);
    expect(r('a', 'c')).toBeCloseTo(-1, 12);
    expect(r('a', 'd')).toBeNull();
  });

  it('convergenceRows keeps best and mean-of-valid, drops penalised and missing values', () => {
    const rows = convergenceRows(
      new Map([
        [
          'MES_h5',
          {
            convergence: [
              { generation: 0, best: -1e6, meanValid: null, validShare: 0 },
              { generation: 1, best: 2, meanValid: 1.5, validShare: 0.5 },
            ],
          },
        ],
      ]),
    );
    expect(rows).toEqual([
      { series: 'MES H5', generation: 1, measure: 'best', fitness: 2, validShare: 0.5 },
      { series: 'MES H5', generation: 1, measure: 'mean of valid', fitness: 1.5, validShare: 0.5 },
    ]);
  });

  it('healthRows reads repairs, gaps, rolls and outliers and tolerates a symbol or report without them', () => {
    const rows = healthRows(
      ['MES', 'MGC'],
      { symbols: [{ symbol: 'MES', repair: { rowsIn: 10, totalFixes: 2 } }] },
      {
        symbols: [
          {
            symbol: 'MES',
            inputBars: 50,
            output: { bars: 10 },
            rolls: [{ time: 't', gap: 1.5, source: 'calendar' }],
            rollAdjustment: { method: 'difference', direction: 'forward' },
            gaps: { filledGaps: 1, filledBars: 2, longGaps: 1, longGapBars: 4, irregularSteps: 0, barsOutsideSessions: 0 },
            outliers: { flagged: 3 },
          },
        ],
      },
    );
    expect(rows[0]).toMatchObject({
      symbol: 'MES',
      barsIn: 10,
      repairs: 2,
      filledGaps: 1,
      longGapBars: 4,
      rolls: 1,
      outliersFlagged: 3,
      rollDetails: ['t gap 1.5 (calendar)'],
      rollAdjustment: 'forward (difference)',
    });
    expect(rows[1]).toMatchObject({ symbol: 'MGC', repairs: null, rolls: 0, rollAdjustment: null, outliersFlagged: null });
    expect(healthRows(['X'], undefined, undefined)[0]?.filledGaps).toBeNull();
  });

  it('stageRows follows the state order and shows no durations (the report stays deterministic)', () => {
    expect(
      stageRows({ order: ['a', 'b'], stages: { a: { name: 'a', status: 'completed', durationMs: 1500, outputs: ['x', 'y'] } } }),
    ).toEqual([
      { name: 'a', status: 'completed', outputs: 2 },
      { name: 'b', status: 'not run', outputs: 0 },
    ]);
    expect(stageRows(undefined)).toEqual([]);
  });

  it('checkRows reads checks as a list or keyed by name', () => {
    expect(checkRows([{ name: 'dups', passed: true }, false])).toEqual([
      { name: 'dups', status: 'pass', detail: '' },
      { name: 'check 2', status: 'fail', detail: '' },
    ]);
    expect(checkRows({ nan: { status: 'warn', message: 'two rows' } })).toEqual([{ name: 'nan', status: 'warn', detail: 'two rows' }]);
    expect(checkRows(undefined)).toEqual([]);
  });

  it('flattenScalars gives dotted paths and pickFeatures spreads across categories without flags', () => {
    expect(flattenScalars({ a: 1, b: { c: 'x', d: [1, 2] } })).toEqual([
      ['a', '1'],
      ['b.c', 'x'],
      ['b.d', '[1,2]'],
    ]);
    const manifest = {
      features: [
        { name: 'r1', category: 'returns' as const, flag: false },
        { name: 'r2', category: 'returns' as const, flag: false },
        { name: 'v1', category: 'volatility' as const, flag: false },
        { name: 'flag', category: 'binary' as const, flag: true },
        { name: 'gone', category: 'volume' as const, flag: false },
      ],
    };
    expect(pickFeatures(manifest, ['r1', 'r2', 'v1', 'flag'], 2)).toEqual(['r1', 'v1']);
    expect(pickFeatures(undefined, ['r1'])).toEqual([]);
  });

  it('equitySpec leaves out series without trades and starts each curve at zero', () => {
    const row = (symbol: string, equity: number[]) =>
      ({ symbol, horizon: 5, equity }) as unknown as Parameters<typeof equitySpec>[0][number];
    const spec = equitySpec([row('MES', [2, 5]), row('MGC', [])]) as {
      data: { values: Array<{ series: string; trade: number; usd: number }> };
    };
    expect(spec.data.values).toEqual([
      { series: 'MES H5', trade: 0, usd: 0 },
      { series: 'MES H5', trade: 1, usd: 2 },
      { series: 'MES H5', trade: 2, usd: 5 },
    ]);
  });
});

describe('runStatusAtReport', () => {
  const stage = (name: string, status: StageStatus) => ({ name, status });
  it('reads the run as complete when every stage but the report is', () => {
    const state = { status: 'running' as const, stages: { a: stage('a', 'completed'), report: stage('report', 'running') } };
    expect(runStatusAtReport(state)).toBe('completed');
  });
  it('keeps a finished status, and says failed or running when other stages are', () => {
    expect(runStatusAtReport({ status: 'failed', stages: {} })).toBe('failed');
    expect(runStatusAtReport({ status: 'running', stages: { a: stage('a', 'failed'), report: stage('report', 'running') } })).toBe(
      'failed',
    );
    expect(runStatusAtReport({ status: 'running', stages: { a: stage('a', 'pending'), report: stage('report', 'running') } })).toBe(
      'running',
    );
    expect(runStatusAtReport(undefined)).toBeNull();
  });
});
