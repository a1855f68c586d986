import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { float64Column, readArrowFile } from '@tribar/core';
import { createDefaultRegistry } from '@tribar/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainStage } from '../src/internal/stage.js';
import { trainModel } from '../src/internal/train.js';
import { configWith, writeFixture, type Fixture } from './train-fixture.js';

describe('train.outOfFold and train.importance', () => {
  let root: string;
  let runDir: string;
  let fixture: Fixture;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tribar-diagnostics-'));
    runDir = join(root, 'run');
    fixture = await writeFixture(runDir);
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it('writes oof.arrow (every train row, purged) and importance.json (MDA, SFI) for a single model', async () => {
    const config = await configWith(
      'train.outOfFold.enabled=true',
      'train.outOfFold.folds=3',
      'train.importance.methods=["mda","sfi","mdi"]',
      'train.importance.folds=3',
      'train.cv.embargoBars=6',
    );
    const result = await trainModel({ runDir, symbol: 'MES', horizon: 5, model: 'logistic', registry: createDefaultRegistry(), config });
    const oof = await readArrowFile(join(runDir, 'train/logistic-MES-h5/oof.arrow'));
    expect(oof.numRows).toBe(result.rows.train);
    expect(oof.numRows).toBe(fixture.counts.train);
    const split = float64Column(oof, 'split');
    const [pS, pN, pL] = ['p_short', 'p_neutral', 'p_long'].map((c) => float64Column(oof, c)) as [Float64Array, Float64Array, Float64Array];
    for (let i = 0; i < oof.numRows; i++) {
      expect(split[i]).toBe(0);
      expect(pS[i]! + pN[i]! + pL[i]!).toBeCloseTo(1, 5);
    }
    const importance = JSON.parse(await readFile(join(runDir, 'train/logistic-MES-h5/importance.json'), 'utf8'));
    expect(importance).toMatchObject({ folds: 3, embargo: 6, mdi: null });
    // feature0 = label + noise: the most important by MDA and by SFI.
    const top = (list: Array<{ feature: string; mean: number }>) => [...list].sort((a, b) => b.mean - a.mean)[0]!.feature;
    expect(top(importance.mda)).toBe('feature0');
    expect(top(importance.sfi)).toBe('feature0');
  });

  it('declares the files as stage outputs only when asked', async () => {
    const off = await configWith('train.models=["logistic"]');
    const on = await configWith('train.models=["logistic"]', 'train.outOfFold.enabled=true', 'train.importance.methods=["mda"]');
    const stage = trainStage(createDefaultRegistry());
    const outputs = (c: typeof off) => (typeof stage.outputs === 'function' ? stage.outputs(c) : stage.outputs) as string[];
    expect(outputs(off).some((p) => p.endsWith('oof.arrow') || p.endsWith('importance.json'))).toBe(false);
    expect(outputs(on)).toEqual(expect.arrayContaining(['train/logistic-MES-h5/oof.arrow', 'train/logistic-MES-h5/importance.json']));
  });
});
