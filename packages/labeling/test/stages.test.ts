import { defaultConfig, parseConfig, recordConfigReads, undeclaredConfigReads, type RunConfig } from '@tribar/config';
import { readArrowFile, Rng, silentLogger, writeArrowFile, writeJsonAtomic, type StageContext, createStageContext } from '@tribar/core';
import { barsToTable, type Bars } from '@tribar/market';
import { INVALID_LABEL, tripleBarrier } from '@tribar/quant';
import {
  afmlEvents,
  initialLabelsReport,
  labelBars,
  labelsReport,
  labelsReportHorizon,
  readArrowArtifact,
  readJsonArtifact,
  type CutFile,
  type LabelsReportAfml,
} from '@tribar/artifacts';
import { countBefore } from '@tribar/market';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anchorSeries } from '../bench/series.js';
import { readLabelTable } from '../src/internal/label-table.js';
import { getBins } from '../src/internal/afml/bins.js';
import { dailyVolatility } from '../src/internal/afml/daily-vol.js';
import { getEvents, verticalBarriers } from '../src/internal/afml/events.js';
import { zScoreEvents } from '../src/internal/afml/z-score.js';
import { finalBarrier, labelsFinalStage, labelsInitialStage } from '../src/internal/stages.js';
import { writeCutFixture } from './cut-fixture.js';

const n = 3000;
let runDir = '';
const series: Record<string, Bars> = {};
let cutFile: CutFile;

function context(config: RunConfig, warnings: unknown[] = []): StageContext<RunConfig> {
  const logger = silentLogger();
  logger.warn = ((...args: unknown[]) => void warnings.push(args)) as never;
  return createStageContext({ runId: 'test', runDir, config, logger, rng: new Rng(1) });
}

/** The candidate events the AFML chain keeps (a target above 0 and a label end inside the data). */
function labelledEvents(bars: Bars, candidates: Int32Array): number[] {
  const target = dailyVolatility(bars.timestamp, bars.close, { span: 50 });
  const verticalBarrier = verticalBarriers(bars.timestamp, candidates, 86_400_000);
  return Array.from(getBins(bars.close, getEvents(bars.close, { eventIndex: candidates, target, ptSl: [1, 1], verticalBarrier })).index);
}

async function readLabels(path: string) {
  return readLabelTable(await readArrowFile(join(runDir, path)), path);
}

beforeAll(async () => {
  runDir = await mkdtemp(join(tmpdir(), 'tribar-labeling-'));
  await mkdir(join(runDir, 'features'), { recursive: true });
  const clean: Bars[] = [];
  for (const [symbol, seed] of [
    ['MES', 1],
    ['MGC', 2],
  ] as const) {
    const bars = anchorSeries(n, seed, symbol);
    clean.push({ ...bars, timestamp: bars.timestamp.slice() });
    // Features start after warm-up: drop the ATR's NaN rows as the features stage does.
    for (const key of ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const) bars[key] = bars[key].slice(20);
    bars.columns.atr_14 = (bars.columns.atr_14 as Float64Array).slice(20);
    series[symbol] = bars;
    await writeArrowFile(join(runDir, `features/${symbol}.arrow`), barsToTable(bars));
  }
  // The run's one calendar cut, over the clean bars (warm-up rows included), as stage `cut` writes it.
  cutFile = await writeCutFixture(runDir, defaultConfig(), clean);
});

afterAll(async () => {
  if (runDir) await rm(runDir, { recursive: true, force: true });
});

describe('labels-initial', () => {
  it('declares its contract', () => {
    const config = defaultConfig();
    expect(labelsInitialStage.name).toBe('labels-initial');
    expect(labelsInitialStage.dependsOn).toEqual(['features']);
    expect(labelsInitialStage.inputs(config)).toEqual(['features/MES.arrow', 'features/MGC.arrow']);
    expect(labelsInitialStage.outputs(config)).toEqual([
      'labels-initial/MES.arrow',
      'labels-initial/MGC.arrow',
      'labels-initial/report.json',
    ]);
    // Diagnostics only: no stage reads its output, so a failure does not stop the run.
    expect(labelsInitialStage.required).toBe(false);
    expect(labelsInitialStage.description).toBe('diagnostics: labels at the configured initial barriers, read by no stage');
    expect(labelsFinalStage.required).not.toBe(false);
  });

  it('labels every horizon with 2.0 / 1.0 / 3h and reports the mix', async () => {
    const outcome = await labelsInitialStage.run(context(defaultConfig()));
    expect(outcome?.metrics?.symbols).toBe(2);
    const file = await readLabels('labels-initial/MES.arrow');
    const bars = series.MES as Bars;
    expect(file.symbol).toBe('MES');
    expect(Array.from(file.timestamp)).toEqual(Array.from(bars.timestamp));
    const names = ['label', 'bars_to_hit', 'mae', 'mfe', 'touch_type', 'label_end_index', 'label_end_time', 'fwd_return'];
    expect(Object.keys(file.columns)).toEqual([5, 20].flatMap((h) => names.map((name) => `${name}_h${h}`)));
    const want = tripleBarrier({ ...bars, atr: bars.columns.atr_14 as Float64Array }, { kUp: 2, kDown: 1, maxBars: 60 });
    expect(Array.from(file.columns.label_h20 as Float64Array)).toEqual(Array.from(want.label));
    expect(Array.from(file.columns.label_end_time_h20 as Float64Array).slice(0, 5)).toEqual(Array.from(want.endTime.subarray(0, 5)));
    expect(file.columns.label_end_time_h20?.[n - 21]).toBeNaN();
    const report = await readJsonArtifact(runDir, initialLabelsReport);
    expect(report.symbols.MES!['5']!.params).toEqual({ kUp: 2, kDown: 1, maxBars: 15 });
    const mix = report.symbols.MES!['20']!.mix;
    expect(mix.invalid).toBe(60);
    expect(mix.long + mix.short + mix.neutral).toBe(mix.valid);
    expect(mix.valid + mix.invalid).toBe(n - 20);
  });

  it('names the ATR-like columns when the ATR feature is missing', async () => {
    const config = parseConfig({ labels: { atrFeature: 'atr_99' } });
    await expect(labelsInitialStage.run(context(config))).rejects.toThrow(/missing ATR column 'atr_99'[\s\S]*atr_14/);
  });
});

describe('labels-final', () => {
  it("declares its contract: the features, the GA summary and the run's cut", () => {
    const config = defaultConfig();
    expect(labelsFinalStage.name).toBe('labels-final');
    expect(labelsFinalStage.dependsOn).toEqual(['features', 'ga-optimize', 'cut']);
    expect(labelsFinalStage.inputs(config)).toEqual([
      'features/MES.arrow',
      'features/MGC.arrow',
      'ga-optimize/summary.json',
      'cut/cut.json',
    ]);
    expect(labelsFinalStage.configKeys).not.toContain('splits.train');
  });

  it('uses GA barriers when valid, else the configured ones with a warning', () => {
    const config = defaultConfig();
    const summary = {
      results: {
        MES: {
          '5': { kUp: 1.1, kDown: 0.9, maxBars: 11, valid: true, fitness: 0.4 },
          '20': { kUp: 2, kDown: 2, maxBars: 50, valid: false, fitness: null },
        },
      },
    };
    const warnings: unknown[] = [];
    const logger = context(config, warnings).logger;
    expect(finalBarrier(config, summary, 'MES', 5, logger)).toEqual({ params: { kUp: 1.1, kDown: 0.9, maxBars: 11 }, source: 'ga' });
    expect(finalBarrier(config, summary, 'MES', 20, logger)).toMatchObject({
      params: { kUp: 3.0, kDown: 2.1, maxBars: 50 },
      source: 'fallback',
      reason: 'GA result not valid',
      configPath: 'barriers.bySymbol.MES.20',
    });
    expect(finalBarrier(config, summary, 'MGC', 5, logger)).toMatchObject({ source: 'fallback', reason: 'no GA result' });
    expect(warnings).toHaveLength(2);
  });

  it('writes labels with quality and weights whose percentiles come from train rows', async () => {
    await mkdir(join(runDir, 'ga-optimize'), { recursive: true });
    await writeJsonAtomic(join(runDir, 'ga-optimize/summary.json'), {
      results: {
        MES: {
          '5': { kUp: 1.2, kDown: 0.9, maxBars: 12, valid: true, fitness: 0.8 },
          '20': { kUp: 2, kDown: 2, maxBars: 50, valid: false, fitness: null },
        },
      },
    });
    const warnings: unknown[] = [];
    const outcome = await labelsFinalStage.run(context(defaultConfig(), warnings));
    expect(outcome?.metrics?.fallbacks).toBe(3);
    expect(warnings.length).toBeGreaterThanOrEqual(3);
    const file = await readLabels('labels/MES.arrow');
    const columns = file.columns;
    for (const name of ['quality_h5', 'sample_weight_h5', 'pain_to_gain_h5', 'time_weighted_dd_h5', 'label_end_index_h20']) {
      expect(columns[name], name).toBeDefined();
    }
    const bars = series.MES as Bars;
    const want = tripleBarrier({ ...bars, atr: bars.columns.atr_14 as Float64Array }, { kUp: 1.2, kDown: 0.9, maxBars: 12 });
    expect(Array.from(columns.label_h5 as Float64Array)).toEqual(Array.from(want.label));
    const label = columns.label_h5 as Float64Array;
    const weight = columns.sample_weight_h5 as Float64Array;
    const quality = columns.quality_h5 as Float64Array;
    for (let i = 0; i < label.length; i++) {
      if (label[i] === INVALID_LABEL) {
        expect(weight[i]).toBe(0);
        expect(quality[i]).toBeNaN();
      } else {
        expect([0.5, 1, 1.5]).toContain(weight[i]);
        expect(quality[i]).toBeGreaterThanOrEqual(0);
        expect(quality[i]).toBeLessThanOrEqual(1);
      }
    }
    const report = await readJsonArtifact(runDir, labelsReport);
    const mes5 = labelsReportHorizon(report, 'MES', 5)!;
    expect(mes5).toMatchObject({ params: { kUp: 1.2, kDown: 0.9, maxBars: 12 }, source: 'ga' });
    expect(labelsReportHorizon(report, 'MES', 20)).toMatchObject({ source: 'fallback', params: { kUp: 3, kDown: 2.1, maxBars: 50 } });
    expect(labelsReportHorizon(report, 'MGC', 5)).toMatchObject({ source: 'fallback', params: { kUp: 1.2, kDown: 1.2, maxBars: 12 } });
    // The train part is the run's cut (cut/cut.json, over the clean bars): about 70 % of the rows.
    expect(report.trainEnd).toBe(cutFile.trainEnd);
    expect(mes5.mix.train.rows).toBe(countBefore(bars.timestamp, cutFile.trainEndMs));
    expect(mes5.mix.train.rows / mes5.mix.all.rows).toBeCloseTo(0.7, 2);
    expect(mes5.quality.percentileRows).toBeLessThan(mes5.mix.train.valid);
    expect(mes5.quality.percentileRows).toBeGreaterThan(mes5.mix.train.valid - 12);
    // Train rows are split into tiers at their own P20 / P80.
    const trainEnd = Date.parse(report.trainEnd);
    let trainHigh = 0;
    let trainScored = 0;
    const endTime = columns.label_end_time_h5 as Float64Array;
    for (let i = 0; i < label.length; i++) {
      if (label[i] === INVALID_LABEL || !(endTime[i]! < trainEnd)) continue;
      trainScored++;
      if (weight[i] === 1.5) trainHigh++;
    }
    expect(trainScored).toBe(mes5.quality.percentileRows);
    expect(trainHigh / trainScored).toBeCloseTo(0.2, 1);
  });

  it("uses all rows for percentiles under percentilesFrom 'all' (the original)", async () => {
    await labelsFinalStage.run(context(parseConfig({ labels: { quality: { percentilesFrom: 'all' } } })));
    const report = JSON.parse(await readFile(join(runDir, 'labels/report.json'), 'utf8'));
    expect(report.symbols.MES['5'].quality.percentileRows).toBe(report.symbols.MES['5'].mix.all.valid);
  });

  it('adds AFML uniqueness and weights, and the CUSUM events file, when labels.afml.enabled', async () => {
    const config = parseConfig({ labels: { afml: { enabled: true, volSpan: 50 } } });
    expect(labelsFinalStage.outputs(config)).toContain('labels/MES.afml-events.arrow');
    await labelsFinalStage.run(context(config));
    const file = await readLabels('labels/MES.arrow');
    const uniqueness = file.columns.uniqueness_h5 as Float64Array;
    const label = file.columns.label_h5 as Float64Array;
    for (let i = 0; i < label.length; i++) {
      if (label[i] === INVALID_LABEL) expect(uniqueness[i]).toBeNaN();
      else {
        expect(uniqueness[i]).toBeGreaterThan(0);
        expect(uniqueness[i]).toBeLessThanOrEqual(1);
      }
    }
    expect(file.columns.return_weight_h20).toBeDefined();
    const events = await readLabels('labels/MES.afml-events.arrow');
    expect(events.timestamp.length).toBeGreaterThan(10);
    const report = await readJsonArtifact(runDir, labelsReport);
    const afml = report.symbols.MES!.afml as LabelsReportAfml;
    expect(afml.events).toBe(events.timestamp.length);
    expect(afml.cusumThreshold).toBeGreaterThan(0);
    // The files have every column (and type) their artifacts promise, AFML weights included.
    await expect(readArrowArtifact(runDir, labelBars('MES', [5, 20], true))).resolves.toBeDefined();
    await expect(readArrowArtifact(runDir, afmlEvents('MGC'))).resolves.toBeDefined();
    await expect(readArrowArtifact(runDir, labelBars('MES', [60]))).rejects.toThrow(/column 'label_h60' is missing/);
  });

  it("samples the AFML events with the z-score filter under labels.afml.eventFilter 'zscore'", async () => {
    const zScore = { meanWindow: 30, stdWindow: 40, threshold: 1.5, twoSided: true };
    // minLabelShare 0 keeps every labelled event, so the rows are the filter's events with a target.
    const config = parseConfig({ labels: { afml: { enabled: true, volSpan: 50, minLabelShare: 0, eventFilter: 'zscore', zScore } } });
    await labelsFinalStage.run(context(config));
    const events = await readLabels('labels/MES.afml-events.arrow');
    const bars = series.MES!;
    const expected = labelledEvents(bars, zScoreEvents(bars.close.map(Math.log), zScore));
    expect(expected.length).toBeGreaterThan(50);
    expect(Array.from(events.columns.event_index!)).toEqual(expected);
    // Not the CUSUM events: a different filter gives different rows.
    await labelsFinalStage.run(context(parseConfig({ labels: { afml: { enabled: true, volSpan: 50, minLabelShare: 0 } } })));
    const cusum = await readLabels('labels/MES.afml-events.arrow');
    expect(Array.from(cusum.columns.event_index!)).not.toEqual(expected);
    // The report names the filter and has no CUSUM threshold; the default report has no eventFilter key.
    await labelsFinalStage.run(context(config));
    const afml = (await readJsonArtifact(runDir, labelsReport)).symbols.MES!.afml as LabelsReportAfml;
    expect(afml).toMatchObject({ events: expected.length, eventFilter: 'zscore', cusumThreshold: null });
    await labelsFinalStage.run(context(parseConfig({ labels: { afml: { enabled: true, volSpan: 50 } } })));
    const plain = JSON.parse(await readFile(join(runDir, 'labels/report.json'), 'utf8'));
    expect(Object.keys(plain.symbols.MES.afml)).toEqual(['events', 'cusumThreshold', 'up', 'down', 'zero']);
  });

  it("makes every bar an event under labels.afml.eventFilter 'none'", async () => {
    const config = parseConfig({ labels: { afml: { enabled: true, volSpan: 50, minLabelShare: 0, eventFilter: 'none' } } });
    await labelsFinalStage.run(context(config));
    const events = await readLabels('labels/MES.afml-events.arrow');
    const bars = series.MES!;
    const expected = labelledEvents(bars, Int32Array.from(bars.close.keys()));
    expect(expected.length).toBeGreaterThan(2000);
    expect(Array.from(events.columns.event_index!)).toEqual(expected);
  });

  it('fails with the artifact path when the GA summary is malformed', async () => {
    await writeJsonAtomic(join(runDir, 'ga-optimize/summary.json'), { best: {} });
    // Refused with the file and the field, whether by the artifact's schema or by the check after it.
    await expect(labelsFinalStage.run(context(defaultConfig()))).rejects.toThrow(/ga-optimize\/summary\.json: .*'results'/);
  });
});

describe('labels-initial options', () => {
  it("applies cost-aware barriers and the 'invalid' same-bar rule from the config", async () => {
    const config = parseConfig({ labels: { costAware: true, sameBarRule: 'invalid' } });
    await labelsInitialStage.run(context(config));
    const report = JSON.parse(await readFile(join(runDir, 'labels-initial/report.json'), 'utf8'));
    expect(report.symbols.MES['5'].costPrice).toBe(0.375);
    expect(report.symbols.MGC['5'].costPrice).toBeCloseTo(0.18, 12);
    const bars = series.MES as Bars;
    const want = tripleBarrier(
      { ...bars, atr: bars.columns.atr_14 as Float64Array },
      { kUp: 2, kDown: 1, maxBars: 15, costPrice: 0.375, sameBarRule: 'invalid' },
    );
    const file = await readLabels('labels-initial/MES.arrow');
    expect(Array.from(file.columns.label_h5 as Float64Array)).toEqual(Array.from(want.label));
    expect(Array.from(file.columns.touch_type_h5 as Float64Array)).toEqual(Array.from(want.touchType));
  });
});

describe('configKeys', () => {
  it('cover every config path each stage reads, directly or through helpers', async () => {
    const initial = recordConfigReads(parseConfig({ labels: { costAware: true } }));
    const initialContext = context(initial.config);
    initial.reads.clear(); // only what the stage reads, not the context's own setup
    await labelsInitialStage.run(initialContext);
    expect(initial.reads).toContain('labels.initial.kUp');
    expect(initial.reads).toContain('contracts.MES.tickSize');
    expect(undeclaredConfigReads(initial.reads, labelsInitialStage.configKeys)).toEqual([]);
    // labels-initial does not read the quality settings, so changing them leaves it up to date.
    expect([...initial.reads].some((path) => path.startsWith('labels.quality'))).toBe(false);

    await writeJsonAtomic(join(runDir, 'ga-optimize/summary.json'), {
      results: { MES: { '5': { kUp: 1.2, kDown: 0.9, maxBars: 12, valid: true, fitness: 0.8 } } },
    });
    const final = recordConfigReads(parseConfig({ labels: { costAware: true, afml: { enabled: true, volSpan: 50 } } }));
    const finalContext = context(final.config);
    final.reads.clear();
    await labelsFinalStage.run(finalContext);
    expect(undeclaredConfigReads(final.reads, labelsFinalStage.configKeys)).toEqual([]);
    // The check bites: without 'barriers' the fallback's reads (config's barrierFor) are undeclared.
    const withoutBarriers = labelsFinalStage.configKeys.filter((key) => key !== 'barriers');
    expect(undeclaredConfigReads(final.reads, withoutBarriers)).toEqual(expect.arrayContaining(['barriers.bySymbol.MES.20.kUp']));
  });
});
