import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  Float32,
  Float64,
  Int32,
  Int8,
  makeData,
  makeVector,
  Table,
  TimestampMillisecond,
  Uint8,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseJsonArtifact, readArrowArtifact, readJsonArtifact, writeArrowArtifact, writeJsonArtifact } from '../src/artifact.js';
import {
  trainEquity,
  trainHistory,
  trainMetrics,
  trainPredictions,
  trainResultDir,
  trainSummary,
  trainTrades,
  TRADE_EXITS,
  type TrainSummaryFile,
} from '../src/train.js';

// The fixtures are files the trainer wrote (logistic, mlp and xgboost on its test fixture, with 3-fold CV).
const fixture = async (name: string): Promise<unknown> => JSON.parse(await readFile(join(import.meta.dirname, 'fixtures', name), 'utf8'));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tribar-artifacts-train-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function place(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), JSON.stringify(value, null, 2));
}

describe('train artifacts', () => {
  it('names the folder of a fit with the model lower-cased', () => {
    expect(trainResultDir('XGBoost', 'MES', 5)).toBe('train/xgboost-MES-h5');
    expect(trainMetrics('mlp', 'MNQ', 20).path).toBe('train/mlp-MNQ-h20/metrics.json');
  });

  it("reads the trainer's summary, metrics and history", async () => {
    await place(trainSummary.path, await fixture('train-summary.json'));
    const summary = await readJsonArtifact(dir, trainSummary);
    expect(summary.results.map((r) => [r.model, r.symbol, r.horizon, r.dir])).toEqual([
      ['logistic', 'MES', 5, 'train/logistic-MES-h5'],
      ['mlp', 'MES', 5, 'train/mlp-MES-h5'],
      ['xgboost', 'MES', 5, 'train/xgboost-MES-h5'],
    ]);
    // The exact shape the trainer writes: parsing (which drops unknown keys) changes nothing, and no time or tracker id.
    expect(summary).toEqual(await fixture('train-summary.json'));
    expect(Object.keys(summary.results[0]!)).not.toContain('trackerRunId');
    expect(Object.keys(summary.results[0]!.fit)).toEqual(['epochs', 'bestEpoch', 'stoppedEarly']);
    const first = summary.results[0]!;
    expect(first.test.confusion.flat().reduce((a, b) => a + b, 0)).toBe(first.rows.test);
    expect(first.cv?.folds.length).toBe(3);
    expect(first.backtest.trades).toBe(first.backtest.longTrades + first.backtest.shortTrades);

    await place(trainMetrics('xgboost', 'MES', 5).path, await fixture('train-xgboost-MES-h5-metrics.json'));
    const metrics = await readJsonArtifact(dir, trainMetrics('xgboost', 'MES', 5));
    expect(metrics.model).toBe('xgboost');
    expect(Object.keys(metrics.featureImportance ?? {})).toContain('feature0');

    await place(trainHistory('mlp', 'MES', 5).path, await fixture('train-mlp-MES-h5-history.json'));
    expect((await readJsonArtifact(dir, trainHistory('mlp', 'MES', 5))).map((e) => e.epoch)).toEqual([0, 1, 2]);
  });

  it('fails on a summary of the wrong shape, naming the field', async () => {
    const summary = (await fixture('train-summary.json')) as TrainSummaryFile;
    const broken = structuredClone(summary) as unknown as { results: Array<{ backtest: Record<string, unknown> }> };
    broken.results[1]!.backtest['winRate'] = 'high';
    expect(() => parseJsonArtifact(trainSummary, broken)).toThrow(/field 'results\[1\]\.backtest\.winRate'/);
    expect(() => parseJsonArtifact(trainSummary, { ...summary, version: 2 })).toThrow(/field 'version'/);
    const wrongConfusion = structuredClone(summary);
    wrongConfusion.results[0]!.test.confusion = [[1, 2]];
    expect(() => parseJsonArtifact(trainSummary, wrongConfusion)).toThrow(/results\[0\]\.test\.confusion/);
  });

  it('writes a diverged history (NaN losses) as JSON null, and reads it back', async () => {
    const history = [{ epoch: 0, trainLoss: Number.NaN, valLoss: Number.POSITIVE_INFINITY, learningRate: 0.01 }];
    await writeJsonArtifact(dir, trainHistory('mlp', 'MES', 5), history);
    expect(await readJsonArtifact(dir, trainHistory('mlp', 'MES', 5))).toEqual([
      { epoch: 0, trainLoss: null, valLoss: null, learningRate: 0.01 },
    ]);
  });

  it('checks the columns of predictions and equity', async () => {
    const n = 2;
    const ts = makeVector(makeData({ type: new TimestampMillisecond('UTC'), length: n, data: new BigInt64Array([1n, 2n]) }));
    const predictions = new Table({
      timestamp: ts,
      row: makeVector({ type: new Int32(), data: new Int32Array([4, 5]) }),
      split: makeVector({ type: new Int8(), data: new Int8Array([1, 2]) }),
      label: makeVector({ type: new Uint8(), data: new Uint8Array([0, 2]) }),
      p_short: makeVector({ type: new Float32(), data: new Float32Array([0.5, 0.1]) }),
      p_neutral: makeVector({ type: new Float32(), data: new Float32Array([0.25, 0.1]) }),
      p_long: makeVector({ type: new Float32(), data: new Float32Array([0.25, 0.8]) }),
      predicted: makeVector({ type: new Uint8(), data: new Uint8Array([0, 2]) }),
    });
    await writeArrowArtifact(dir, trainPredictions('mlp', 'MES', 5), predictions);
    expect((await readArrowArtifact(dir, trainPredictions('mlp', 'MES', 5))).numRows).toBe(2);
    const equity = new Table({ timestamp: ts, equity_usd: makeVector({ type: new Float32(), data: new Float32Array([1, 2]) }) });
    await expect(writeArrowArtifact(dir, trainEquity('mlp', 'MES', 5), equity)).rejects.toThrow(/column 'equity_usd' is .*not float64/);
    const good = new Table({ timestamp: ts, equity_usd: makeVector({ type: new Float64(), data: new Float64Array([1, 2]) }) });
    await writeArrowArtifact(dir, trainEquity('mlp', 'MES', 5), good);
    expect((await readArrowArtifact(dir, trainEquity('mlp', 'MES', 5))).numRows).toBe(2);
  });

  it("checks the columns of trades.arrow, next to the fit's other files", async () => {
    const artifact = trainTrades('XGBoost', 'MES', 20);
    expect(artifact.path).toBe('train/xgboost-MES-h20/trades.arrow');
    expect(artifact.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'entry_time:timestamp',
      'exit_time:timestamp',
      'side:int8',
      'size:int32',
      'entry_price:float64',
      'exit_price:float64',
      'pnl_ticks:float64',
      'pnl_usd:float64',
      'costs_usd:float64',
      'duration_ms:float64',
      'bars_held:int32',
      'exit:utf8',
    ]);
    expect(TRADE_EXITS).toEqual(['upper', 'lower', 'timeout', 'signal', 'end']);
    // A fresh vector per column: apache-arrow 21 writes one vector used for two columns wrongly (the later utf8 reads back '').
    const ts = () => makeVector(makeData({ type: new TimestampMillisecond('UTC'), length: 1, data: new BigInt64Array([1n]) }));
    const f64 = (v: number) => makeVector({ type: new Float64(), data: new Float64Array([v]) });
    const columns = {
      entry_time: ts(),
      exit_time: ts(),
      side: makeVector({ type: new Int8(), data: new Int8Array([-1]) }),
      size: makeVector({ type: new Int32(), data: new Int32Array([1]) }),
      entry_price: f64(5000),
      exit_price: f64(4999),
      pnl_ticks: f64(2.5),
      pnl_usd: f64(3.125),
      costs_usd: f64(1.875),
      duration_ms: f64(0),
      bars_held: makeVector({ type: new Int32(), data: new Int32Array([0]) }),
    };
    const coded = new Table({ ...columns, exit: makeVector({ type: new Uint8(), data: new Uint8Array([0]) }) });
    await expect(writeArrowArtifact(dir, artifact, coded)).rejects.toThrow(/column 'exit' is .*not utf8/);
    await writeArrowArtifact(dir, artifact, new Table({ ...columns, exit: vectorFromArray(['lower'], new Utf8()) }));
    const back = await readArrowArtifact(dir, artifact);
    expect(back.getChild('exit')?.get(0)).toBe('lower');
  });
});
