import { Rng, silentLogger, type StageContext, createStageContext } from '@tribar/core';
import { recordConfigReads, undeclaredConfigReads, type RunConfig } from '@tribar/config';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { featureSelection, validationReport } from '@tribar/artifacts';
import { validateStage, ValidationFailedError, type ValidationReport } from '../src/internal/stage.js';
import { healthyInputs, MANIFEST, testConfig, writeInputs } from './fixtures.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function context(config: RunConfig): Promise<StageContext<RunConfig>> {
  const runDir = await mkdtemp(join(tmpdir(), 'tribar-validate-'));
  dirs.push(runDir);
  return createStageContext({ runId: 'test', runDir, config, logger: silentLogger(), rng: new Rng(1) });
}

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;

describe('validateStage', () => {
  it('declares the contract', () => {
    const config = testConfig();
    expect(validateStage.name).toBe('validate');
    expect(validateStage.dependsOn).toEqual(['features', 'labels-final', 'splits', 'scale', 'cut']);
    expect(validateStage.inputs(config)).toEqual([
      'features/MES.arrow',
      'labels/MES.arrow',
      'splits/MES.arrow',
      'scale/MES.arrow',
      'features/feature-manifest.json',
      'cut/cut.json',
    ]);
    expect(validateStage.outputs(config)).toEqual(['validate/report.json', 'validate/feature-selection.json']);
  });

  it('passes a healthy run and writes the report and the train-only selection', async () => {
    const recorded = recordConfigReads(testConfig());
    const ctx = await context(recorded.config);
    const { inputs, cuts } = healthyInputs();
    await writeInputs(ctx.runDir, inputs, cuts);
    const outcome = await validateStage.run(ctx);
    expect(undeclaredConfigReads(recorded.reads, validateStage.configKeys)).toEqual([]);
    expect(recorded.reads.size).toBeGreaterThan(0);
    expect(outcome?.metrics).toMatchObject({ status: 'PASSED', issues: 0, selectedFeatures: 2, originalFeatures: 5 });
    const report = (await readJson(ctx.path('validate/report.json'))) as unknown as ValidationReport;
    // The contract's schemas know every field (zod drops unknown keys, so equality proves none is extra).
    expect(validationReport.schema.parse(report)).toEqual(report);
    expect(featureSelection.schema.parse(await readJson(ctx.path('validate/feature-selection.json')))).toEqual(
      await readJson(ctx.path('validate/feature-selection.json')),
    );
    expect(report.status).toBe('PASSED');
    expect(report.issues).toEqual([]);
    expect(report.warnings.map((w) => w.check)).toContain('constant'); // f_flag is constant in train
    expect(Object.keys(report.checks)).toEqual(
      expect.arrayContaining([
        'duplicates',
        'alignment',
        'nan',
        'gaps',
        'date_range',
        'splits',
        'label_balance',
        'feature_quality',
        'stationarity',
        'correlation',
      ]),
    );
    const selection = await readJson(ctx.path('validate/feature-selection.json'));
    // f_double = 2·f_noise + 1: equal mutual information, so the alphabetically first is kept.
    expect(selection['selectedFeatures']).toEqual(['f_double', 'f_wave']);
    expect(selection['removedFeatures']).toMatchObject({
      f_noise: expect.stringMatching(/correlated with f_double/),
      f_low: expect.stringMatching(/low variance/),
      f_flag: expect.stringMatching(/low variance/),
    });
    expect(selection['correlationGroups']).toEqual([
      { kept: 'f_double', members: ['f_double', 'f_noise'], maxAbsCorrelation: expect.closeTo(1, 9) },
    ]);

    // No time of its own: a rerun a moment later writes the same bytes (when it ran is state.json's).
    expect(Object.keys(report)).not.toContain('generatedAt');
    const before = await Promise.all(['validate/report.json', 'validate/feature-selection.json'].map((f) => readFile(ctx.path(f))));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await validateStage.run(ctx);
    expect((await readFile(ctx.path('validate/report.json'))).equals(before[0]!)).toBe(true);
    expect((await readFile(ctx.path('validate/feature-selection.json'))).equals(before[1]!)).toBe(true);
  });

  it('fails on planted issues with a readable summary, after writing the report', async () => {
    const ctx = await context(testConfig());
    const { inputs, cuts } = healthyInputs();
    const t = inputs.features.timestamp;
    t[10] = t[9] as number; // duplicated timestamp (features, labels, splits and scale share the array)
    (inputs.features.columns['f_wave'] as Float64Array)[20] = Infinity;
    inputs.features.columns['f_const'] = new Float64Array(t.length).fill(2);
    const manifest = {
      features: [
        ...MANIFEST.features,
        { name: 'f_const', family: 'ratios', category: 'unbounded', flag: false },
        { name: 'mfe_h5', family: 'returns', category: 'returns', flag: false },
      ],
    };
    await writeInputs(ctx.runDir, inputs, cuts, manifest);
    const error = await validateStage.run(ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationFailedError);
    const message = (error as Error).message;
    expect(message).toMatch(/validation FAILED with \d+ issue/);
    expect(message).toContain('[duplicates MES] features/MES.arrow: 1 duplicated timestamps');
    expect(message).toContain('infinite values in f_wave');
    expect(message).toContain('f_const is constant (2) on train rows');
    expect(message).toContain('mfe_h5 is derived from the labels');
    const report = (await readJson(ctx.path('validate/report.json'))) as unknown as ValidationReport;
    expect(report.status).toBe('FAILED');
    expect(new Set(report.issues.map((i) => i.check))).toEqual(new Set(['duplicates', 'inf', 'constant', 'leakage']));
    expect(await readJson(ctx.path('validate/feature-selection.json'))).toHaveProperty('selectedFeatures');
  });

  it('checks the splits against the cut it reads from cut/cut.json, and fails without it', async () => {
    const ctx = await context(testConfig());
    const { inputs, cuts } = healthyInputs();
    // A cut 1 ms later than the one the split codes were made with: the first val bar (at the old
    // trainEnd) now lies before the cut, so its code disagrees with the cut read from cut/cut.json.
    await writeInputs(ctx.runDir, inputs, { trainEnd: cuts.trainEnd + 1, valEnd: cuts.valEnd });
    const report = await validateStage.run(ctx).then(
      () => undefined,
      (e: unknown) => (e as ValidationFailedError).report,
    );
    expect(report?.issues).toContainEqual({
      check: 'splits',
      symbol: 'MES',
      horizon: 5,
      message: '1 rows whose split code disagrees with trainEnd/valEnd',
    });
    await rm(ctx.path('cut/cut.json'));
    await expect(validateStage.run(ctx)).rejects.toThrow(/cut\/cut\.json[\s\S]*stage 'cut'/);
  });
});
