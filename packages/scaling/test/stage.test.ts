import { cut, scaleReport, scalerState, writeJsonArtifact, type CutFile } from '@tribar/artifacts';
import { recordConfigReads, undeclaredConfigReads, runConfigSchema, type RunConfig } from '@tribar/config';
import { readArrowFile, Rng, silentLogger, writeArrowFile, type StageContext, createStageContext } from '@tribar/core';
import { barsToTable, type Bars } from '@tribar/market';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Table } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { readColumn } from '../src/internal/inputs.js';
import { fitOnTrain, transform, type FeatureScaleSpec } from '../src/internal/scaler.js';
import { scaleStage, type ScaleReport } from '../src/internal/stage.js';
import { parseScalerFile } from '../src/internal/state-io.js';

const FEATURES: (FeatureScaleSpec & { family: string; warmup: number })[] = [
  { name: 'return_1', family: 'returns', category: 'returns', flag: false, warmup: 1 },
  { name: 'rsi_14', family: 'momentum', category: 'oscillator', flag: false, warmup: 14 },
  { name: 'sma_10', family: 'moving-averages', category: 'price_level', flag: false, warmup: 9 },
  { name: 'atr_14', family: 'volatility', category: 'volatility', flag: false, warmup: 14 },
  { name: 'obv', family: 'volume', category: 'volume', flag: false, warmup: 0 },
  { name: 'hour_sin', family: 'temporal', category: 'temporal', flag: false, warmup: 0 },
  { name: 'is_rth', family: 'session', category: 'binary', flag: true, warmup: 0 },
  { name: 'hl_ratio', family: 'ratios', category: 'unbounded', flag: false, warmup: 0 },
  { name: 'kc_position', family: 'volatility', category: 'volatility', flag: false, warmup: 0 },
];
const N = 400;
const T0 = Date.UTC(2024, 0, 2);
const STEP = 300_000;
const TRAIN_END = T0 + 280 * STEP;
const VAL_END = T0 + 340 * STEP;

/** A features file as the features stage writes it: timestamp, OHLCV, a passthrough column, then features. */
function featureBars(symbol: string, seed: number, laterSeed = seed): Bars {
  const rng = new Rng(seed);
  const later = new Rng(laterSeed);
  const bars: Bars = {
    symbol,
    timestamp: new Float64Array(N),
    open: new Float64Array(N),
    high: new Float64Array(N),
    low: new Float64Array(N),
    close: new Float64Array(N),
    volume: new Float64Array(N),
    columns: {},
  };
  bars.columns.contract = new Float64Array(N).fill(202403);
  for (const f of FEATURES) bars.columns[f.name] = new Float64Array(N);
  let price = 4500;
  for (let i = 0; i < N; i++) {
    const r = i < 280 ? rng : later; // rows from trainEnd on come from another stream when laterSeed differs
    bars.timestamp[i] = T0 + i * STEP;
    price *= Math.exp(r.normal(0, 0.001));
    bars.open[i] = price;
    bars.high[i] = price * 1.001;
    bars.low[i] = price * 0.999;
    bars.close[i] = price;
    bars.volume[i] = 100 + r.int(0, 400);
    const c = bars.columns;
    c.return_1![i] = r.normal(i >= 340 ? 0.1 : 0, 0.001); // the test part drifts far from train
    c.rsi_14![i] = r.uniform(0, 100);
    c.sma_10![i] = price * (1 + r.normal(0, 0.0005));
    c.atr_14![i] = i === 7 ? Number.NaN : (i >= 340 ? 100 : 1) + r.exponential(2);
    c.obv![i] = -2000 + i * 10 * r.uniform(0.5, 1.5);
    c.hour_sin![i] = Math.sin((2 * Math.PI * (i % 288)) / 288);
    c.is_rth![i] = i % 3 === 0 ? 1 : 0;
    c.hl_ratio![i] = 1 + r.exponential(0.001);
    c.kc_position![i] = 0.5; // constant: near-zero std
  }
  return bars;
}

const config: RunConfig = runConfigSchema.parse({ symbols: ['MES', 'MGC'] });

/** `cut/cut.json` with train before bar 280 and validation before bar 340 (of 400 bars per symbol). */
const CUT: CutFile = {
  version: 1,
  trainEndMs: TRAIN_END,
  trainEnd: new Date(TRAIN_END).toISOString(),
  valEndMs: VAL_END,
  valEnd: new Date(VAL_END).toISOString(),
  ratios: { train: 0.7, val: 0.15, test: 0.15 },
  bars: { MES: N, MGC: N },
};

/** A feature manifest in the contract's full shape; each feature's missing fields get neutral values. */
function manifestOf<F extends { name: string }>(features: readonly F[]) {
  const full = features.map((f) => ({ family: 'test', inputs: 'own', warmup: 0, description: '', ...f }));
  return {
    version: 1,
    passthrough: ['timestamp', 'open', 'high', 'low', 'close', 'volume', 'contract'],
    features: full,
    bySymbol: Object.fromEntries(
      ['MES', 'MGC'].map((s) => [
        s,
        { features: full.map((f) => f.name), warmupRows: 14, fracdiff: { d: 0.4, width: 10, chosenBy: 'config' } },
      ]),
    ),
    nanPolicy: '',
  };
}

/** The same bars with their rows in a seeded random order (every column permuted alike). */
function shuffled(bars: Bars, seed: number): Bars {
  const rng = new Rng(seed);
  const order = Array.from({ length: N }, (_, i) => i);
  for (let i = N - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const permute = (values: Float64Array) => Float64Array.from(order, (row) => values[row]!);
  return {
    symbol: bars.symbol,
    timestamp: permute(bars.timestamp),
    open: permute(bars.open),
    high: permute(bars.high),
    low: permute(bars.low),
    close: permute(bars.close),
    volume: permute(bars.volume),
    columns: Object.fromEntries(Object.entries(bars.columns).map(([name, values]) => [name, permute(values)])),
  };
}

async function setUp(
  options: { laterSeed?: number; manifest?: unknown; cut?: unknown; config?: RunConfig; shuffle?: boolean; batches?: boolean } = {},
) {
  const runDir = await mkdtemp(join(tmpdir(), 'tribar-scale-'));
  await mkdir(join(runDir, 'features'), { recursive: true });
  for (const [symbol, seed] of [
    ['MES', 1],
    ['MGC', 2],
  ] as const) {
    const bars = featureBars(symbol, seed, options.laterSeed ?? seed);
    const table = barsToTable(options.shuffle ? shuffled(bars, seed) : bars);
    // Several record batches, as a streaming writer may write them: each column is then in three chunks.
    const parts = options.batches ? [table.slice(0, 100), table.slice(100, 290), table.slice(290)] : [table];
    await writeArrowFile(join(runDir, `features/${symbol}.arrow`), new Table(parts.flatMap((part) => part.batches)));
  }
  const manifest = options.manifest ?? manifestOf(FEATURES);
  await writeFile(join(runDir, 'features/feature-manifest.json'), JSON.stringify(manifest));
  if (options.cut === undefined) await writeJsonArtifact(runDir, cut, CUT);
  else {
    await mkdir(join(runDir, 'cut'), { recursive: true });
    await writeFile(join(runDir, 'cut/cut.json'), JSON.stringify(options.cut));
  }
  const context: StageContext<RunConfig> = createStageContext({
    runId: 'test',
    runDir,
    config: options.config ?? config,
    logger: silentLogger(),
    rng: new Rng(1),
  });
  return { runDir, context };
}

describe('the scale stage', () => {
  const dirs: string[] = [];
  const run = async (options: Parameters<typeof setUp>[0] = {}) => {
    const made = await setUp(options);
    dirs.push(made.runDir);
    return made;
  };
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('declares its contract', () => {
    expect(scaleStage.name).toBe('scale');
    expect(scaleStage.dependsOn).toEqual(['features', 'cut']);
    expect(scaleStage.inputs(config)).toEqual([
      'features/MES.arrow',
      'features/MGC.arrow',
      'features/feature-manifest.json',
      'cut/cut.json',
    ]);
    expect(scaleStage.outputs(config)).toEqual(['scale/MES.arrow', 'scale/MGC.arrow', 'scale/scaler.json', 'scale/report.json']);
    expect(scaleStage.configKeys).toContain('scaling');
  });

  it('writes timestamp + scaled features only, the JSON state fitted before trainEnd, and the report', async () => {
    const recorded = recordConfigReads(config);
    const { runDir, context } = await run({ config: recorded.config });
    const outcome = await scaleStage.run(context);
    expect(undeclaredConfigReads(recorded.reads, scaleStage.configKeys)).toEqual([]);
    expect(recorded.reads.size).toBeGreaterThan(0);
    expect(outcome?.metrics).toMatchObject({ symbols: 2, features: FEATURES.length, leakageOk: true });
    const file = parseScalerFile(await readFile(join(runDir, 'scale/scaler.json'), 'utf8'));
    expect(file.trainEnd).toBe(TRAIN_END);
    for (const symbol of ['MES', 'MGC']) {
      const state = file.symbols[symbol]!;
      expect(state.trainRows).toBe(280);
      const table = await readArrowFile(join(runDir, `scale/${symbol}.arrow`));
      expect(table.schema.fields.map((f) => f.name)).toEqual(['timestamp', ...FEATURES.map((f) => f.name)]);
      expect(table.numRows).toBe(N);
      const source = await readArrowFile(join(runDir, `features/${symbol}.arrow`));
      const raw = Object.fromEntries(FEATURES.map((f) => [f.name, readColumn(source, f.name, 'src')]));
      const expected = transform(state, raw);
      for (const f of FEATURES) expect(Array.from(readColumn(table, f.name, 'out')), f.name).toEqual(Array.from(expected[f.name]!));
      expect(Array.from(readColumn(table, 'timestamp', 'out'))).toEqual(Array.from(readColumn(source, 'timestamp', 'src')));
      const byName = Object.fromEntries(state.features.map((f) => [f.name, f]));
      expect(byName.rsi_14).toMatchObject({ scaler: 'minmax', log: false, clip: true });
      expect(byName.sma_10).toMatchObject({ scaler: 'robust', log: true, logShift: 0 });
      expect(byName.obv).toMatchObject({ scaler: 'robust', log: true, logShift: 2001 });
      expect(byName.return_1).toMatchObject({ scaler: 'none', clip: false });
      expect(byName.is_rth).toMatchObject({ scaler: 'none', flag: true, clip: false });
      expect(byName.atr_14!.train.nanCount).toBe(1);
      // Train statistics are those of the rows before trainEnd only.
      const trainRsi = Array.from(raw.rsi_14!.subarray(0, 280));
      expect(byName.rsi_14!.train.max).toBe(Math.max(...trainRsi));
      expect(byName.rsi_14!.center).toBe(Math.min(...trainRsi));
      expect(Number.isFinite(readColumn(table, 'atr_14', 'out')[7])).toBe(true);
    }
    const report = JSON.parse(await readFile(join(runDir, 'scale/report.json'), 'utf8')) as ScaleReport;
    // The contract's schemas know every field (zod drops unknown keys, so equality proves none is extra).
    expect(scaleReport.schema.parse(report)).toEqual(report);
    const scalerJson = JSON.parse(await readFile(join(runDir, 'scale/scaler.json'), 'utf8'));
    expect(scalerState.schema.parse(scalerJson)).toEqual(scalerJson);
    expect(report.leakageCheck.ok).toBe(true);
    expect(report.leakageCheck.bySymbol.MES!.checked).toBeGreaterThan(100);
    expect(report.featuresByCategory).toMatchObject({ oscillator: ['rsi_14'], binary: ['is_rth'], volume: ['obv'] });
    expect(report.featuresByScaler).toMatchObject({ minmax: ['rsi_14'], none: ['return_1', 'hour_sin', 'is_rth'] });
    expect(report.logFeatures).toEqual(['sma_10', 'obv']);
    expect(report.symbols.MES!.rowsBySplit).toEqual({ train: 280, val: 60, test: 60 });
    expect(report.symbols.MES!.features.atr_14!.bySplit.train).toMatchObject({ rows: 280, imputed: 1 });
    expect(report.symbols.MES!.features.obv!.train).toMatchObject({ min: -2000 });
    // Test values far outside the train range: scaled ones are clipped, and the drift is reported.
    expect(report.symbols.MES!.features.atr_14!.bySplit.test).toMatchObject({ rows: 60, clipped: 60, imputed: 0 });
    expect(report.symbols.MES!.features.atr_14!.bySplit.val!.clipped).toBe(0);
    expect(report.symbols.MES!.features.return_1!.bySplit.test!.clipped).toBe(0);
    expect(report.warnings).toContainEqual({
      symbol: 'MES',
      feature: 'return_1',
      message: expect.stringMatching(/^test scaled mean is \d+\.\d train std/),
    });
    expect(report.warnings.filter((w) => w.feature === 'return_1' && w.message.startsWith('val'))).toEqual([]);
    expect(report.warnings).toContainEqual({ symbol: 'MGC', feature: 'kc_position', message: 'near-zero train std (0)' });
  });

  it('writes the fit of the train rows bit for bit, scaledTrain included, in time order and with rows shuffled', async () => {
    for (const shuffle of [false, true]) {
      const { runDir, context } = await run({ shuffle });
      await scaleStage.run(context);
      const file = parseScalerFile(await readFile(join(runDir, 'scale/scaler.json'), 'utf8'));
      for (const symbol of ['MES', 'MGC']) {
        const source = await readArrowFile(join(runDir, `features/${symbol}.arrow`));
        const timestamp = readColumn(source, 'timestamp', 'src');
        if (shuffle) expect(timestamp[0]).not.toBe(T0); // the rows really are out of time order
        const raw = Object.fromEntries(FEATURES.map((f) => [f.name, readColumn(source, f.name, 'src')]));
        // The public fit transforms the train rows itself to summarise them; the stage takes them from its full transform.
        const expected = fitOnTrain(timestamp, raw, FEATURES, TRAIN_END, config.scaling);
        expect(expected.features.every((f) => f.scaledTrain.mean !== null)).toBe(true);
        expect(JSON.stringify(file.symbols[symbol]), `${symbol} shuffled ${shuffle}`).toBe(JSON.stringify(expected));
        const scaled = await readArrowFile(join(runDir, `scale/${symbol}.arrow`));
        const want = transform(expected, raw);
        for (const f of FEATURES) expect(Array.from(readColumn(scaled, f.name, 'out')), f.name).toEqual(Array.from(want[f.name]!));
      }
    }
  });

  it('writes the same bytes from a features file of several record batches as from one', async () => {
    const one = await run();
    const three = await run({ batches: true });
    const source = await readArrowFile(join(three.runDir, 'features/MES.arrow'));
    expect(source.batches.length).toBe(3);
    expect(source.getChild('rsi_14')!.data.length).toBe(3);
    await scaleStage.run(one.context);
    await scaleStage.run(three.context);
    for (const file of ['scale/MES.arrow', 'scale/MGC.arrow', 'scale/scaler.json', 'scale/report.json']) {
      expect((await readFile(join(three.runDir, file))).equals(await readFile(join(one.runDir, file))), file).toBe(true);
    }
  });

  it('reads a float64 feature column as a view of the table it read, and any other column as a float64 copy', async () => {
    const { runDir } = await run();
    const source = await readArrowFile(join(runDir, 'features/MES.arrow'));
    const view = readColumn(source, 'rsi_14', 'src');
    expect(view.buffer).toBe(source.getChild('rsi_14')!.data[0]!.values.buffer);
    const timestamp = readColumn(source, 'timestamp', 'src'); // a timestamp column: converted, so a copy
    expect(timestamp.buffer).not.toBe(source.getChild('timestamp')!.data[0]!.values.buffer);
    expect(timestamp[1]! - timestamp[0]!).toBe(STEP);
  });

  it('the state does not move when val or test rows change', async () => {
    const a = await run();
    const b = await run({ laterSeed: 99 });
    await scaleStage.run(a.context);
    await scaleStage.run(b.context);
    const left = await readFile(join(a.runDir, 'scale/scaler.json'), 'utf8');
    const right = await readFile(join(b.runDir, 'scale/scaler.json'), 'utf8');
    expect(right).toBe(left);
    const sourceA = await readArrowFile(join(a.runDir, 'features/MES.arrow'));
    const sourceB = await readArrowFile(join(b.runDir, 'features/MES.arrow'));
    expect(readColumn(sourceA, 'rsi_14', 'a')[300]).not.toBe(readColumn(sourceB, 'rsi_14', 'b')[300]);
  });

  it('refuses a label-derived column or OHLCV listed as a feature', async () => {
    const base = FEATURES.map((f) => ({ ...f }));
    for (const name of ['mfe_h5', 'pain_to_gain_h5', 'touch_type_h5', 'bars_to_hit_h5', 'quality_h5', 'sample_weight_h5', 'close']) {
      const { context } = await run({ manifest: manifestOf([...base, { name, category: 'unbounded', flag: false }]) });
      await expect(scaleStage.run(context), name).rejects.toThrow(/label-derived|OHLCV/);
    }
  });

  it('refuses a bad manifest and a bad split file', async () => {
    const manifests = [
      [{ version: 2, features: [] }, /feature-manifest\.json.*field 'version'/],
      [manifestOf([{ name: 'rsi_14', category: 'oscillators', flag: false }]), /feature-manifest\.json.*field 'features\[0\]\.category'/],
      [manifestOf([{ name: 'rsi_14', category: 'oscillator' }]), /feature-manifest\.json.*field 'features\[0\]\.flag'/],
      [manifestOf([{ name: 'not_there', category: 'oscillator', flag: false }]), /missing column 'not_there'/],
    ] as const;
    for (const [manifest, error] of manifests) {
      const { context } = await run({ manifest });
      await expect(scaleStage.run(context)).rejects.toThrow(error);
    }
    const cuts = [
      [{ ...CUT, trainEndMs: undefined }, /cut\/cut\.json.*field 'trainEndMs'/],
      [{ ...CUT, valEnd: 7 }, /field 'valEnd'/],
      [[1, 2], /field '\(root\)'/],
      [{ ...CUT, trainEndMs: T0 - 1 }, /no row before trainEnd/],
    ] as const;
    for (const [bad, error] of cuts) {
      const { context } = await run({ cut: bad });
      await expect(scaleStage.run(context)).rejects.toThrow(error);
    }
  });

  it('fits before the cut it reads: a later trainEnd fits on more rows', async () => {
    const later = T0 + 300 * STEP;
    const { runDir, context } = await run({ cut: { ...CUT, trainEndMs: later, trainEnd: new Date(later).toISOString() } });
    await scaleStage.run(context);
    const report = JSON.parse(await readFile(join(runDir, 'scale/report.json'), 'utf8')) as ScaleReport;
    expect(report.symbols.MGC!.rowsBySplit).toEqual({ train: 300, val: 40, test: 60 });
    expect([report.trainEnd, report.trainEndIso, report.valEnd]).toEqual([later, new Date(later).toISOString(), VAL_END]);
    expect(parseScalerFile(await readFile(join(runDir, 'scale/scaler.json'), 'utf8')).symbols.MGC!.trainRows).toBe(300);
  });
});
