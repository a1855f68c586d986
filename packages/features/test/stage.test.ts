import { readArrowFile, Rng, silentLogger, writeArrowFile, type StageContext, createStageContext } from '@tribar/core';
import { barsToTable, tableToBars } from '@tribar/market';
import { recordConfigReads, undeclaredConfigReads, type RunConfig } from '@tribar/config';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { featureManifest, featuresReport, parseJsonArtifact, readJsonArtifact } from '@tribar/artifacts';
import { featuresStage } from '../src/internal/stage.js';
import { defaultConfig, randomBars, writeCutFixture } from './helpers.js';

describe('the features stage', () => {
  let runDir = '';
  afterAll(async () => {
    if (runDir) await rm(runDir, { recursive: true, force: true });
  });

  it('declares its contract', () => {
    const config = defaultConfig();
    expect(featuresStage.name).toBe('features');
    expect(featuresStage.dependsOn).toEqual(['clean', 'cut']);
    expect(featuresStage.inputs(config)).toEqual(['clean/MES.arrow', 'clean/MGC.arrow', 'cut/cut.json']);
    expect(featuresStage.outputs(config)).toEqual([
      'features/MES.arrow',
      'features/MGC.arrow',
      'features/feature-manifest.json',
      'features/report.json',
    ]);
    expect(featuresStage.configKeys).toEqual(['features', 'symbols', 'timeframes.targetMinutes']);
  });

  it('writes features per symbol as Arrow, the manifest and the report', async () => {
    runDir = await mkdtemp(join(tmpdir(), 'tribar-features-'));
    const config: RunConfig = defaultConfig({ features: { fracdiff: { d: 'auto', adfMaxRows: 2000 } } });
    await mkdir(join(runDir, 'clean'), { recursive: true });
    const n = 2500;
    const mes = randomBars('MES', n, 1);
    mes.columns.contract = new Float64Array(n).fill(202403);
    const mgc = randomBars('MGC', n, 2, { startPrice: 1950 });
    await writeArrowFile(join(runDir, 'clean/MES.arrow'), barsToTable(mes));
    await writeArrowFile(join(runDir, 'clean/MGC.arrow'), barsToTable(mgc));
    await writeCutFixture(runDir, config, [mes, mgc]);
    const context: StageContext<RunConfig> = createStageContext({ runId: 'test', runDir, config, logger: silentLogger(), rng: new Rng(1) });
    const outcome = await featuresStage.run(context);
    expect(outcome?.metrics?.featuresPerSymbol).toBeGreaterThanOrEqual(110);
    expect(outcome?.artifactMetadata?.['features/MES.arrow']).toMatchObject({ features: outcome?.metrics?.featuresPerSymbol });

    const manifest = await readJsonArtifact(runDir, featureManifest);
    const report = await readJsonArtifact(runDir, featuresReport);
    expect(manifest.features.length).toBeGreaterThanOrEqual(110);
    expect(manifest.passthrough).toContain('contract');
    expect(manifest.features.find((f) => f.name === 'rsi_14')).toMatchObject({
      family: 'momentum',
      category: 'oscillator',
      flag: false,
      warmup: 14,
    });
    expect(manifest.bySymbol.MES?.fracdiff.chosenBy).toBe('adf');
    // A manifest entry without a known scaling category or flag bit is refused, naming the field.
    const broken = { ...manifest, features: manifest.features.map((f, j) => (j === 3 ? { ...f, category: 'unknown' } : f)) };
    expect(() => parseJsonArtifact(featureManifest, broken)).toThrow(/field 'features\[3\]\.category'/);

    for (const symbol of ['MES', 'MGC']) {
      const table = await readArrowFile(join(runDir, `features/${symbol}.arrow`));
      const bars = tableToBars(table);
      const entry = report.symbols[symbol]!;
      expect(bars.symbol).toBe(symbol);
      expect(entry.rowsIn).toBe(n);
      expect(entry.rowsOut).toBe(n - entry.warmupRowsDropped);
      expect(bars.timestamp.length).toBe(entry.rowsOut);
      if (symbol === 'MES') {
        expect(Array.from(bars.timestamp)).toEqual(Array.from(mes.timestamp.subarray(entry.warmupRowsDropped)));
        expect(Array.from(bars.close)).toEqual(Array.from(mes.close.subarray(entry.warmupRowsDropped)));
        expect(bars.columns.contract![0]).toBe(202403);
      }
      expect(entry.warmupRowsDropped).toBeGreaterThan(199);
      for (const name of manifest.bySymbol[symbol]!.features) {
        expect(bars.columns[name], name).toBeDefined();
        expect(Number.isFinite(bars.columns[name]![0]), name).toBe(true);
        expect(entry.nanCounts[name], name).toBeGreaterThanOrEqual(0);
      }
    }

    // Timings are the stage's metrics (state.json) and log fields, not report content: a rerun writes the same bytes.
    expect(Object.keys(report)).toEqual(['symbols', 'nanPolicy']);
    expect(Object.keys(report.symbols.MES ?? {})).not.toContain('timingsMs');
    for (const key of ['readMs', 'totalMs', 'computeMs.MES', 'writeMs.MGC']) expect(outcome?.metrics?.[key], key).toBeTypeOf('number');
    const [reportBytes, manifestBytes] = await Promise.all(
      ['features/report.json', 'features/feature-manifest.json'].map((file) => readFile(join(runDir, file))),
    );
    await featuresStage.run(context);
    expect((await readFile(join(runDir, 'features/report.json'))).equals(reportBytes as Buffer)).toBe(true);
    expect((await readFile(join(runDir, 'features/feature-manifest.json'))).equals(manifestBytes as Buffer)).toBe(true);
  });

  it('fails with a DataError that names the fix when the history is shorter than the warm-up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tribar-features-short-'));
    try {
      const config: RunConfig = defaultConfig({ symbols: ['MES'], features: { fracdiff: { d: 0.5 } } });
      await mkdir(join(dir, 'clean'), { recursive: true });
      const bars = randomBars('MES', 150, 3);
      await writeArrowFile(join(dir, 'clean/MES.arrow'), barsToTable(bars));
      await writeCutFixture(dir, config, [bars]);
      const context: StageContext<RunConfig> = createStageContext({
        runId: 'short',
        runDir: dir,
        config,
        logger: silentLogger(),
        rng: new Rng(1),
      });
      await expect(featuresStage.run(context)).rejects.toThrow(/warm-up .*longer history/);
      await expect(readJsonArtifact(dir, featureManifest)).rejects.toThrow(/feature-manifest\.json: cannot read the file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("chooses the FFD order on the bars before the run's calendar cut (cut/cut.json), not on its own rows", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tribar-features-cut-'));
    try {
      const config: RunConfig = defaultConfig({ symbols: ['MES'], features: { fracdiff: { d: 'auto', adfMaxRows: 5000 } } });
      await mkdir(join(dir, 'clean'), { recursive: true });
      const bars = randomBars('MES', 2000, 4);
      await writeArrowFile(join(dir, 'clean/MES.arrow'), barsToTable(bars));
      const context = () => createStageContext({ runId: 'cut', runDir: dir, config, logger: silentLogger(), rng: new Rng(1) });
      // Without the cut the stage refuses to run, naming the file.
      await expect(featuresStage.run(context())).rejects.toThrow(/cut\/cut\.json/);
      const tried = async () => {
        await featuresStage.run(context());
        const report = JSON.parse(await readFile(join(dir, 'features/report.json'), 'utf8')) as {
          symbols: { MES: { fracdiff: { adfTried: { d: number; statistic: number }[] } } };
        };
        return report.symbols.MES.fracdiff.adfTried;
      };
      const cutFile = await writeCutFixture(dir, config, [bars]);
      expect(cutFile.trainEndMs).toBe(bars.timestamp[1400]); // 70 % of 2,000 bars
      const atSeventy = await tried();
      // The same bars with the cut moved to bar 800: ADF sees 800 bars, so its statistics change.
      await writeCutFixture(dir, { ...config, splits: { ...config.splits, train: 0.4, val: 0.3, test: 0.3 } }, [bars]);
      const atForty = await tried();
      expect(atForty[0]?.d).toBe(0);
      expect(atForty[0]?.statistic).not.toBe(atSeventy[0]?.statistic);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('declares every config path it reads in configKeys (directly or through the families)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tribar-features-keys-'));
    try {
      const recorded = recordConfigReads(defaultConfig({ features: { fracdiff: { d: 'auto', adfMaxRows: 1000 } } }));
      await mkdir(join(dir, 'clean'), { recursive: true });
      const mes = randomBars('MES', 1500, 5);
      const mgc = randomBars('MGC', 1500, 6, { startPrice: 1950 });
      await writeArrowFile(join(dir, 'clean/MES.arrow'), barsToTable(mes));
      await writeArrowFile(join(dir, 'clean/MGC.arrow'), barsToTable(mgc));
      await writeCutFixture(dir, defaultConfig(), [mes, mgc]);
      const context = createStageContext({ runId: 'keys', runDir: dir, config: recorded.config, logger: silentLogger(), rng: new Rng(1) });
      recorded.reads.clear(); // only what the stage reads
      await featuresStage.run(context);
      expect(recorded.reads).toContain('timeframes.targetMinutes');
      expect(recorded.reads).toContain('features.fracdiff.adfMaxRows');
      expect(undeclaredConfigReads(recorded.reads, featuresStage.configKeys)).toEqual([]);
      // The split ratios are not read: the cut comes from cut/cut.json.
      expect([...recorded.reads].filter((path) => path.startsWith('splits'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
