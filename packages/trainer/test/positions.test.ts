import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataModule, type DataModule } from '@tribar/datasets';
import { createDefaultRegistry } from '@tribar/models';
import { float64Column, readArrowFile } from '@tribar/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrateFit, sizeContracts } from '../src/internal/positions.js';
import { trainModel } from '../src/internal/train.js';
import { configWith, writeFixture } from './train-fixture.js';

/** Three test rows at bars 10, 11, 12 of 20, each label ending 2 bars later. */
function tinyData(): DataModule {
  const labelEndIndex = Float64Array.from({ length: 20 }, (_, i) => i + 2);
  return {
    test: { rowIndex: Int32Array.from([10, 11, 12]) },
    market: { close: new Float64Array(20), labelEndIndex },
    barrier: { kUp: 1, kDown: 1, maxBars: 2 },
  } as unknown as DataModule;
}

describe('sizeContracts (train.betSizing)', () => {
  // Rows: long with p 0.6, short with p 0.9, neutral.
  const proba = Float32Array.from([0.2, 0.2, 0.6, 0.9, 0.05, 0.05, 0.2, 0.6, 0.2]);
  const settings = { method: 'probability', maxContracts: 10, step: 0, averageActive: false } as const;

  it('sizes by 2Φ(z) − 1 of the argmax probability, times maxContracts, rounded', () => {
    const sized = sizeContracts(settings, 0.5, tinyData(), proba)!;
    // m(0.6) = 0.4138 → 4 contracts long; m(0.9) = 0.9411 → 9 contracts short; neutral → 0.
    expect([...sized.contracts]).toEqual([4, -9, 0]);
    expect(sized.entry).toMatchObject({ method: 'probability', signals: 2, meanContracts: 6.5 });
  });

  it('averages the bets still active when asked (AFML 10.2)', () => {
    // Bar 11: bets of rows 10 (+0.4138) and 11 (−0.9411) active → mean −0.2637 → −3 contracts.
    const sized = sizeContracts({ ...settings, averageActive: true }, 0.5, tinyData(), proba)!;
    expect([...sized.contracts]).toEqual([4, -3, 0]);
  });

  it('respects the backtest threshold and the budget method', () => {
    expect([...sizeContracts(settings, 0.7, tinyData(), proba)!.contracts]).toEqual([0, -9, 0]);
    // Budget: at bar 10 one long of max 1 → +1; at bar 11 one long and one short → 1 − 1 = 0.
    expect([...sizeContracts({ ...settings, method: 'budget' }, 0.5, tinyData(), proba)!.contracts]).toEqual([10, 0, 0]);
    expect(sizeContracts({ ...settings, method: 'none' }, 0.5, tinyData(), proba)).toBeNull();
  });
});

describe('calibrateFit (train.calibration)', () => {
  it('fits on val only: changing the test rows leaves the calibrator unchanged', () => {
    const val = {
      proba: Float32Array.from([0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.7, 0.2, 0.1, 0.2, 0.2, 0.6]),
      y: Uint8Array.from([0, 0, 1, 2]),
    };
    const testA = { proba: Float32Array.from([0.3, 0.3, 0.4]), y: Uint8Array.from([2]) };
    const testB = { proba: Float32Array.from([0.9, 0.05, 0.05, 0.1, 0.1, 0.8]), y: Uint8Array.from([1, 0]) };
    const a = calibrateFit({ method: 'platt', bins: 5 }, val, testA)!;
    const b = calibrateFit({ method: 'platt', bins: 5 }, val, testB)!;
    expect(a.entry.calibrator).toEqual(b.entry.calibrator);
    expect(a.entry.val).toEqual(b.entry.val);
    expect(a.entry.test.before.rows).toBe(1);
    expect(calibrateFit({ method: 'none', bins: 5 }, val, testA)).toBeNull();
  });
});

describe('trainModel with calibration and bet sizing', () => {
  let root: string;
  let runDir: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tribar-positions-'));
    runDir = join(root, 'run');
    await writeFixture(runDir);
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it('writes the calibration block, the sized backtest and the argmax one beside it', async () => {
    const config = await configWith(
      'train.calibration.method=temperature',
      'train.betSizing.method=probability',
      'train.betSizing.maxContracts=5',
    );
    const result = await trainModel({ runDir, symbol: 'MES', horizon: 5, model: 'logistic', registry: createDefaultRegistry(), config });
    const metrics = JSON.parse(await readFile(join(runDir, 'train/logistic-MES-h5/metrics.json'), 'utf8'));
    expect(metrics.calibration.method).toBe('temperature');
    expect(metrics.calibration.calibrator.temperature).toBeGreaterThan(0);
    // Fitted on val to minimise its log loss: val's Brier does not get worse by much, and the block has all four reports.
    expect(metrics.calibration.val.after.rows).toBe(result.rows.val);
    expect(metrics.calibration.test.after.rows).toBe(result.rows.test);
    expect(metrics.betSizing).toMatchObject({ method: 'probability', maxContracts: 5 });
    expect(metrics.backtestArgmax.trades).toBeGreaterThan(0);
    // The trades file holds the sized contracts: costs are per contract traded.
    const trades = await readArrowFile(join(runDir, 'train/logistic-MES-h5/trades.arrow'));
    const size = float64Column(trades, 'size');
    const costs = float64Column(trades, 'costs_usd');
    for (let i = 0; i < trades.numRows; i++) {
      expect(size[i]).toBeGreaterThanOrEqual(1);
      expect(size[i]).toBeLessThanOrEqual(5);
      expect(costs[i]).toBeCloseTo((size[i]! * metrics.backtest.costsUsd) / [...size].reduce((a, b) => a + b, 0), 9);
    }
    const data = await loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'tabular' });
    expect(result.rows.test).toBe(data.test.rows);
  });
});
