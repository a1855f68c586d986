import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArtifactError } from '@tribar/core';
import { parse } from 'yaml';
import { logisticFactory } from '../src/internal/logistic/index.js';
import { MLMODEL_FILE, mlmodelText, parseMlmodel, readMlmodel } from '../src/internal/mlmodel.js';
import { MODEL_HEADER_FILE, writeModelDir } from '../src/internal/model-dir.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tribar-mlmodel-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const train = {
  x: Float32Array.from([0, 1, 1, 0, 2, 2, -1, 0, 0, -2, 3, 1]),
  rows: 6,
  shape: [2],
  y: Uint8Array.from([0, 1, 2, 0, 1, 2]),
  featureNames: ['ret_1', 'rsi_14'],
};

describe('MLmodel', () => {
  it('is written beside every saved model, with the tribar flavor and the named float32 input columns', async () => {
    const dir = join(await tempDir(), 'model');
    const model = logisticFactory.create({ maxIter: 5 });
    await model.fit(train);
    await model.save(dir);
    expect((await readdir(dir)).sort()).toEqual([MLMODEL_FILE, 'coefficients.json', MODEL_HEADER_FILE]);
    const yaml = parse(await readFile(join(dir, MLMODEL_FILE), 'utf8')) as Record<string, unknown>;
    expect(yaml['artifact_path']).toBe('model');
    expect(yaml['flavors']).toEqual({
      tribar: {
        family: 'logistic',
        format_version: 1,
        header: MODEL_HEADER_FILE,
        data: ['coefficients.json'],
        feature_names: ['ret_1', 'rsi_14'],
        input_shape: [2],
        classes: ['short', 'neutral', 'long'],
      },
    });
    expect(yaml).not.toHaveProperty('utc_time_created');
    const signature = yaml['signature'] as { inputs: string; outputs: string };
    expect(JSON.parse(signature.inputs)).toEqual([
      { type: 'float', name: 'ret_1', required: true },
      { type: 'float', name: 'rsi_14', required: true },
    ]);
    expect(JSON.parse(signature.outputs)).toEqual([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 3] } }]);
    const read = await readMlmodel(dir);
    expect(read?.inputs.map((column) => column.name)).toEqual(['ret_1', 'rsi_14']);
    const sizes = await Promise.all(['coefficients.json', MODEL_HEADER_FILE].map(async (f) => (await readFile(join(dir, f))).byteLength));
    expect(read?.modelSizeBytes).toBe(sizes[0]! + sizes[1]!);
    // The same model saved twice: the same bytes (no clock, a content-derived uuid).
    const again = join(await tempDir(), 'model');
    await model.save(again);
    expect(await readFile(join(again, MLMODEL_FILE), 'utf8')).toBe(await readFile(join(dir, MLMODEL_FILE), 'utf8'));
    expect(read?.modelUuid).toMatch(/^[0-9a-f]{32}$/);
  });

  it("adds MLflow's xgboost flavor for the xgboost family's JSON model, and a tensor signature for sequence input", () => {
    const base = { format: 1, headerFile: MODEL_HEADER_FILE, headerText: '{}\n' };
    const xgb = parse(
      mlmodelText({
        ...base,
        name: 'xgboost',
        featureNames: ['a'],
        inputShape: [1],
        extra: { modelFile: 'xgboost.json', xgboostVersion: '2.1.4' },
        files: { 'xgboost.json': '{}' },
      }),
    ) as { flavors: Record<string, unknown> };
    expect(xgb.flavors['xgboost']).toEqual({
      code: null,
      data: 'xgboost.json',
      model_class: 'xgboost.core.Booster',
      model_format: 'json',
      xgb_version: '2.1.4',
    });
    const gbdt = parseMlmodel(
      mlmodelText({ ...base, name: 'gbdt', extra: { modelFile: 'gbdt.json', xgboostFile: 'xgboost.json' }, files: { 'gbdt.json': '{}' } }),
      'MLmodel',
    );
    expect(gbdt.flavors['xgboost']).toMatchObject({ data: 'xgboost.json', model_format: 'json' });
    expect(parseMlmodel(mlmodelText({ ...base, name: 'logistic', files: {} }), 'MLmodel').flavors).not.toHaveProperty('xgboost');
    const sequence = parseMlmodel(
      mlmodelText({ ...base, name: 'lstm', featureNames: ['a', 'b'], inputShape: [60, 2], files: { 'weights.bin': new Uint8Array(8) } }),
      'MLmodel',
    );
    expect(sequence.inputs).toEqual([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 60, 2] } }]);
    expect(sequence.flavors['tribar']?.['feature_names']).toEqual(['a', 'b']);
  });

  it('reads an old model directory without MLmodel as undefined, and names a damaged field', async () => {
    const dir = join(await tempDir(), 'old');
    await writeModelDir(dir, { name: 'logistic', hyperparameters: {} }, { 'coefficients.json': '{}' });
    await rm(join(dir, MLMODEL_FILE));
    expect(await readMlmodel(dir)).toBeUndefined();
    await writeFile(join(dir, MLMODEL_FILE), 'flavors: [1, 2]\n');
    await expect(readMlmodel(dir)).rejects.toThrow(ArtifactError);
    await expect(readMlmodel(dir)).rejects.toThrow("field 'flavors'");
  });
});
