import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { readArrowFile } from '@tribar/core';
import { InsufficientHistoryError, loadPredictor, type RawBarsInput } from '@tribar/inference';
import { isSequenceSource, ModelRegistry, type BaseModel, type ModelCard, type ModelInput, type ModelRows } from '@tribar/models';
import { registeredStages } from '@tribar/pipeline';
import { EXIT } from '../src/internal/exit-codes.js';
import { runCliCaptured } from './run-cli.js';

// One small synthetic run with a trained model, shared by every test of this file.
let cwd: string;
let runDir: string;
const cli = (argv: string[]) => runCliCaptured(argv, cwd, { stages: registeredStages });

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'tribar-cli-predict-'));
  writeFileSync(
    join(cwd, 'small.yaml'),
    [
      'data:',
      '  synthetic:',
      '    days: 21',
      'horizons: [20]',
      'splits:',
      '  embargoBars: 288',
      'train:',
      '  models: [logistic]',
      '  hyperparameters:',
      '    logistic: { maxIter: 30 }',
      '',
    ].join('\n'),
  );
  const pipeline = await cli(['pipeline', '--config', 'small.yaml', '--run-id', 'small']);
  expect(pipeline.code, pipeline.stderr).toBe(EXIT.ok);
  runDir = join(cwd, 'runs', 'small');
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** The raw one-minute bars the run ingested for a symbol (what its clean stage started from). */
const rawArrow = (symbol: string): Uint8Array => new Uint8Array(readFileSync(join(runDir, 'ingest', `${symbol}.arrow`)));

interface PipelinePrediction {
  timestamp: number;
  split: number;
  p: [number, number, number];
}

async function pipelinePredictions(model: string, symbol: string, horizon: number): Promise<PipelinePrediction[]> {
  const table = await readArrowFile(join(runDir, 'train', `${model}-${symbol}-h${horizon}`, 'predictions.arrow'));
  const out: PipelinePrediction[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const row = table.get(i)!;
    out.push({
      timestamp: Number(row['timestamp']),
      split: Number(row['split']),
      p: [Number(row['p_short']), Number(row['p_neutral']), Number(row['p_long'])],
    });
  }
  return out;
}

describe('no train/serve skew', () => {
  it("gives the pipeline's own test-split probabilities, bit for bit, from the raw bars behind them", async () => {
    const predictor = await loadPredictor({ runDir, model: 'logistic', symbol: 'MES', horizon: 20 });
    try {
      expect(predictor.info).toMatchObject({
        runId: 'small',
        model: 'logistic',
        symbol: 'MES',
        horizon: 20,
        inputKind: 'tabular',
        barMinutes: 5,
      });
      expect(predictor.info.features.length).toBeGreaterThan(50);
      const partners: Record<string, RawBarsInput> = {};
      for (const partner of predictor.info.partners) partners[partner] = { arrow: rawArrow(partner) };
      expect(predictor.info.partners).toEqual(['MGC']);
      const prediction = await predictor.predict({ arrow: rawArrow('MES') }, { partners });
      const byTime = new Map<number, number>();
      for (let i = 0; i < prediction.rows; i++) byTime.set(prediction.timestampMs[i] as number, i);

      const expected = (await pipelinePredictions('logistic', 'MES', 20)).filter((row) => row.split === 2);
      expect(expected.length).toBeGreaterThan(100);
      let compared = 0;
      for (const row of expected) {
        const i = byTime.get(row.timestamp);
        expect(i, new Date(row.timestamp).toISOString()).toBeDefined();
        const got = [0, 1, 2].map((c) => prediction.proba[(i as number) * 3 + c]);
        // Same float32 bits: the same features, scaler and model arithmetic in the same order.
        expect(got).toEqual(row.p);
        compared++;
      }
      expect(compared).toBe(expected.length);
    } finally {
      predictor.dispose();
    }
  });

  it('refuses too short a history, saying how many bars are missing', async () => {
    const predictor = await loadPredictor({ runDir, model: 'logistic', symbol: 'MES', horizon: 20 });
    try {
      // The first 300 one-minute bars: about 60 five-minute bars, short of the features' warm-up.
      const short = tableToIPC(tableFromIPC(rawArrow('MES')).slice(0, 300), 'file');
      const partners = { MGC: { arrow: rawArrow('MGC') } };
      const error = await predictor.predict({ arrow: short }, { partners }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InsufficientHistoryError);
      const { needed, have, missing } = error as InsufficientHistoryError;
      expect(needed).toBe(predictor.info.warmupBars + 1);
      expect(have).toBeLessThan(needed);
      expect(missing).toBe(needed - have);
      expect((error as Error).message).toContain(`${missing} bar(s) missing`);
    } finally {
      predictor.dispose();
    }
  });
});

describe('tribar predict', () => {
  it('prints NDJSON per bar with --json, equal to the library', async () => {
    const ingest = join(runDir, 'ingest');
    const { code, stdout, stderr } = await cli([
      'predict',
      '--run',
      'small',
      '--model',
      'lr',
      '--symbol',
      'MES',
      '--horizon',
      '20',
      '--bars',
      join(ingest, 'MES.arrow'),
      '--partner',
      `MGC=${join(ingest, 'MGC.arrow')}`,
      '--json',
    ]);
    expect(code, stderr).toBe(EXIT.ok);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, number | string>);
    const expected = (await pipelinePredictions('logistic', 'MES', 20)).filter((row) => row.split === 2);
    const last = expected.at(-1)!;
    const line = lines.find((l) => l['timestampMs'] === last.timestamp)!;
    expect([line['p_short'], line['p_neutral'], line['p_long']]).toEqual(last.p);
    expect(line['timestamp']).toBe(new Date(last.timestamp).toISOString());
    expect(line['predicted']).toBe(last.p.indexOf(Math.max(...last.p)));
  });

  it('prints a table, and exits 2 naming the partner symbol a cross-asset model needs', async () => {
    const bars = join(runDir, 'ingest', 'MES.arrow');
    const base = ['predict', '--model', 'logistic', '--symbol', 'MES', '--horizon', '20', '--bars', bars];
    const missing = await cli(base);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toContain("pass MGC's bars in options.partners");
    const table = await cli([...base, '--partner', `MGC=${join(runDir, 'ingest', 'MGC.arrow')}`]);
    expect(table.code, table.stderr).toBe(EXIT.ok);
    expect(table.stdout).toMatch(/^logistic on MES h20 \(run small\): \d+ bar\(s\) of 5 minutes/);
    expect(table.stdout).toMatch(/bar\s+p\(short\)\s+p\(neutral\)\s+p\(long\)\s+class/);
  });

  it('exits 3 for an unknown run and names a model the run did not train', async () => {
    const bars = join(runDir, 'ingest', 'MES.arrow');
    const args = ['predict', '--model', 'logistic', '--symbol', 'MES', '--horizon', '20', '--bars', bars];
    expect((await cli([...args, '--run', 'nope'])).code).toBe(EXIT.notFound);
    const gbdt = await cli(['predict', '--model', 'gbdt', '--symbol', 'MES', '--horizon', '20', '--bars', bars]);
    expect(gbdt.code).toBe(EXIT.failed);
    expect(gbdt.stderr).toContain('no saved model');
    expect(gbdt.stderr).toContain('Models trained in this run: logistic-MES-h20, logistic-MGC-h20');
  });
});

describe("models in MLflow's layout", () => {
  it('saves each model with an MLmodel file, logs it to the tracked run as model/ (not model/model/), and `models show` reads it', async () => {
    const modelDir = join(runDir, 'train', 'logistic-MES-h20', 'model');
    expect(readFileSync(join(modelDir, 'MLmodel'), 'utf8')).toMatch(/^artifact_path: model\n/);
    const runs = readdirSync(join(cwd, 'mlruns'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && /^\d+$/.test(entry.name))
      .flatMap((entry) => readdirSync(join(cwd, 'mlruns', entry.name)).map((run) => join(cwd, 'mlruns', entry.name, run)))
      .filter((run) => existsSync(join(run, 'artifacts')));
    expect(runs.length).toBe(2);
    for (const run of runs)
      expect(readdirSync(join(run, 'artifacts', 'model')).sort()).toEqual(['MLmodel', 'coefficients.json', 'tribar-model.json']);

    const shown = await cli(['models', 'show', 'small']);
    expect(shown.code, shown.stderr).toBe(EXIT.ok);
    expect(shown.stdout).toContain('run small: 2 saved model(s)');
    expect(shown.stdout).toMatch(/flavors\s+tribar\n/);
    expect(shown.stdout).toMatch(/input\s+\d+ float column\(s\): /);
    expect(shown.stdout).toMatch(/output\s+tensor float32 \[-1, 3\]/);
    const json = await cli(['models', 'show', '--json']);
    expect(json.code, json.stderr).toBe(EXIT.ok);
    const parsed = JSON.parse(json.stdout) as {
      runId: string;
      models: Array<{ model: string; mlmodel: { flavors: Record<string, unknown> } }>;
    };
    expect(parsed.runId).toBe('small');
    expect(parsed.models.map((m) => m.model)).toEqual(['logistic', 'logistic']);
    expect(parsed.models[0]?.mlmodel.flavors['tribar']).toMatchObject({ family: 'logistic' });
  });
});

describe('sequence families', () => {
  // A stand-in sequence family whose "probabilities" are values of its input window, so the windows the
  // predictor builds can be checked against the run's own scaled table: first and last step of feature 0,
  // last step of feature 1.
  const card: ModelCard = {
    name: 'window-probe',
    family: 'neural',
    inputKind: 'sequence',
    description: 'test probe',
    handlesMissing: true,
    hyperparameters: {},
  };
  function probe(featureNames: string[], lookback: number): BaseModel {
    return {
      name: card.name,
      card,
      fit: () => Promise.reject(new Error('not trainable')),
      predictProba: (rows: ModelRows) => {
        expect(rows.shape).toEqual([lookback, featureNames.length]);
        const w = featureNames.length;
        const size = lookback * w;
        // Sequence rows come streamed (as the real families take them): gather every window.
        let input = rows as ModelInput;
        if (isSequenceSource(rows)) {
          const x = new Float32Array(rows.rows * size);
          rows.gather(
            Int32Array.from({ length: rows.rows }, (_, i) => i),
            x,
          );
          input = { rows: rows.rows, shape: rows.shape, x };
        }
        const p = new Float32Array(input.rows * 3);
        for (let i = 0; i < input.rows; i++) {
          p[i * 3] = input.x[i * size]!;
          p[i * 3 + 1] = input.x[i * size + (lookback - 1) * w]!;
          p[i * 3 + 2] = input.x[i * size + (lookback - 1) * w + 1]!;
        }
        return Promise.resolve({ rows: input.rows, p });
      },
      predict: () => Promise.reject(new Error('unused')),
      save: () => Promise.reject(new Error('unused')),
      describe: () => ({ name: card.name, family: 'neural', inputKind: 'sequence', hyperparameters: {}, fitted: true, featureNames }),
      dispose: () => {},
    };
  }

  it('feeds windows of the scaled rows as training built them: lookback rows, one session, ending at the predicted bar', async () => {
    const scaled = await readArrowFile(join(runDir, 'scale', 'MES.arrow'));
    const names = scaled.schema.fields.map((field) => field.name).filter((name) => name !== 'timestamp' && !name.includes('_mgc'));
    const features = names.slice(0, 2);
    const lookback = 60;
    const modelDir = join(runDir, 'train', 'window-probe-MES-h20', 'model');
    mkdirSync(modelDir, { recursive: true });
    writeFileSync(
      join(modelDir, 'tribar-model.json'),
      JSON.stringify({ format: 1, name: 'window-probe', hyperparameters: {}, featureNames: features, inputShape: [lookback, 2] }),
    );
    const registry = new ModelRegistry().register(
      card.name,
      { create: () => probe(features, lookback), load: () => Promise.resolve(probe(features, lookback)) },
      card,
    );
    const predictor = await loadPredictor({ runDir, model: 'window-probe', symbol: 'MES', horizon: 20, registry });
    expect(predictor.info).toMatchObject({ inputKind: 'sequence', lookback, features });
    const prediction = await predictor.predict({ arrow: rawArrow('MES') });

    const time = Float64Array.from(scaled.getChild('timestamp')!.toArray() as ArrayLike<number | bigint>, Number);
    const [a, b] = features.map((name) => Float32Array.from(scaled.getChild(name)!.toArray() as Float64Array));
    const expected: Array<[number, number, number, number]> = [];
    let sessionStart = 0;
    for (let t = 0; t < time.length; t++) {
      if (t > 0 && time[t]! - time[t - 1]! > 5 * 60_000) sessionStart = t;
      if (t - lookback + 1 >= sessionStart) expected.push([time[t]!, a![t - lookback + 1]!, a![t]!, b![t]!]);
    }
    expect(prediction.rows).toBe(expected.length);
    expect(prediction.rows).toBeGreaterThan(1000);
    expect([...prediction.timestampMs]).toEqual(expected.map((row) => row[0]));
    for (let i = 0; i < prediction.rows; i++) {
      expect([...prediction.proba.subarray(i * 3, i * 3 + 3)]).toEqual(expected[i]!.slice(1));
    }
    predictor.dispose();
  });
});
