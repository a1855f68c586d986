import { parseConfig } from '@tribar/config';
import {
  cleanReport,
  featureManifest,
  gaResult,
  gaSummary,
  ingestReport,
  labelsReport,
  scaleReport,
  splitSummary,
  validationReport,
  writeJsonArtifact,
} from '@tribar/artifacts';
import { writeArrowFile, writeJsonAtomic } from '@tribar/core';
import { tableFromArrays } from 'apache-arrow';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SYMBOLS = ['MES', 'MGC'] as const;
export const HORIZONS = [5, 20] as const;
const ROWS = 300;
const START = Date.UTC(2026, 0, 5, 14, 0);
const STEP = 5 * 60_000;

/** A deterministic pseudo-random walk (no Math.random: fixtures stay identical across runs). */
function walk(seed: number, n: number, start: number, scale: number): Float64Array {
  let state = seed;
  const out = new Float64Array(n);
  let price = start;
  for (let i = 0; i < n; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    price += (state / 2147483648 - 0.5) * scale;
    out[i] = Math.round(price * 4) / 4;
  }
  return out;
}

/** Split codes of a few hundred rows: train, purge, val, embargo, test, invalid tail. */
function splitCodes(n: number, maxBars: number): Int8Array {
  const codes = new Int8Array(n);
  const trainEnd = Math.floor(n * 0.6);
  const valEnd = Math.floor(n * 0.8);
  for (let i = 0; i < n; i++) {
    if (i >= n - maxBars) codes[i] = -3;
    else if (i < trainEnd - 10) codes[i] = 0;
    else if (i < trainEnd) codes[i] = -1;
    else if (i < valEnd - 5) codes[i] = 1;
    else if (i < valEnd + 5) codes[i] = i < valEnd ? -1 : -2;
    else codes[i] = 2;
  }
  return codes;
}

/**
 * A small run folder as the stages up to `validate` leave it: two symbols, two horizons,
 * `ROWS` five-minute bars, every JSON and Arrow artifact the report reads.
 */
export async function writeFixtureRun(options: { withSplits?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tribar-report-'));
  const withSplits = options.withSplits ?? true;
  const timestamp = Float64Array.from({ length: ROWS }, (_, i) => START + i * STEP);
  // The resolved config as the pipeline writes it: every default filled in.
  await writeJsonAtomic(
    join(dir, 'config.json'),
    parseConfig({
      description: 'Report fixture: two symbols, two horizons',
      seed: 7,
      symbols: [...SYMBOLS],
      horizons: [...HORIZONS],
      timeframes: { sourceMinutes: 1, targetMinutes: 5 },
      contracts: {
        MES: { tickSize: 0.25, tickValue: 1.25, commissionTicks: 0.5, slippageTicks: 0.5 },
        MGC: { tickSize: 0.1, tickValue: 1, commissionTicks: 0.3, slippageTicks: 0.75 },
      },
      defaultContract: { tickSize: 0.01, tickValue: 1, commissionTicks: 0.5, slippageTicks: 0.5 },
      splits: { train: 0.6, val: 0.2, test: 0.2, purgeBars: 60, embargoBars: 5 },
      labels: { sameBarRule: 'nearerOpen', costAware: false },
      ga: { enabled: true, populationSize: 8, generations: 5 },
    }),
  );
  const stages = ['ingest', 'clean', 'features', 'labels-initial', 'ga-optimize', 'labels-final', 'splits', 'scale', 'validate'];
  await writeJsonAtomic(join(dir, 'state.json'), {
    stateVersion: 1,
    runId: 'fixture-run',
    createdAt: '2026-01-10T00:00:00.000Z',
    updatedAt: '2026-01-10T00:10:00.000Z',
    status: 'completed',
    configHash: 'fixture',
    seed: 7,
    order: stages,
    stages: Object.fromEntries(
      stages.map((name, i) => [name, { name, status: 'completed', durationMs: 100 * (i + 1), outputs: [`${name}/x`] }]),
    ),
  });
  await writeJsonAtomic(join(dir, 'manifest.json'), { manifestVersion: 1, artifacts: {} });
  // Every JSON artifact through its contract, in the exact shape its stage writes.
  const first = new Date(START).toISOString();
  const last = new Date(START + (ROWS - 1) * STEP).toISOString();
  const repairCounts = {
    nanPriceRowsDropped: 0,
    nanVolumeSetToZero: 0,
    outOfOrderRows: 0,
    duplicateTimestampsDropped: 0,
    highLowSwapped: 0,
    highRaisedToOpen: 0,
  };
  await writeJsonArtifact(dir, ingestReport, {
    stage: 'ingest',
    symbols: SYMBOLS.map((symbol, s) => ({
      symbol,
      source: 'synthetic' as const,
      repair: {
        rowsIn: ROWS * 5,
        rowsOut: ROWS * 5,
        sorted: true,
        counts: {
          ...repairCounts,
          highRaisedToClose: 0,
          lowLoweredToOpen: 0,
          lowLoweredToClose: 0,
          nonPositivePriceRowsDropped: 0,
          negativeVolumeSetToZero: 0,
          offTickRows: 3 + s,
        },
        totalFixes: 3 + s,
        warnings: [],
        tickSize: symbol === 'MES' ? 0.25 : 0.1,
      },
      output: { bars: ROWS * 5, first, last },
    })),
  });
  await writeJsonArtifact(dir, cleanReport, {
    stage: 'clean',
    symbols: SYMBOLS.map((symbol, s) => ({
      symbol,
      inputBars: ROWS * 5,
      outputBars: ROWS,
      rolls:
        s === 0
          ? [
              {
                symbol,
                index: 360,
                timestamp: Date.UTC(2026, 0, 5, 20),
                time: '2026-01-05T20:00:00.000Z',
                gap: 49.5,
                ratio: 1.01,
                source: 'calendar' as const,
                method: 'difference' as const,
              },
            ]
          : [],
      rollAdjustment: { method: 'difference' as const, direction: s === 0 ? ('back' as const) : ('forward' as const) },
      nonPositiveAfterAdjustment: 0,
      outliers: { action: 'flag' as const, returnOutliers: 2 + s, rangeOutliers: 2, flagged: 4 + s, dropped: 0, winsorized: 0 },
      gaps: { filledGaps: 2, filledBars: 6, longGaps: s, longGapBars: 40 * s, irregularSteps: 0, barsOutsideSessions: 0 },
      resample: { minutes: 5, inputBars: ROWS * 5, outputBars: ROWS },
      output: { bars: ROWS, first, last },
    })),
  });
  const featureNames = ['return_1', 'sma_10', 'rsi_14', 'atr_14', 'volume_ratio', 'is_rth'];
  const categories = ['returns', 'price_level', 'oscillator', 'volatility', 'volume', 'binary'] as const;
  await writeJsonArtifact(dir, featureManifest, {
    version: 1,
    passthrough: ['timestamp', 'close'],
    features: featureNames.map((name, i) => ({
      name,
      family: name.replace(/_\d+$/, ''),
      inputs: 'own' as const,
      warmup: 9,
      category: categories[i] as (typeof categories)[number],
      flag: name === 'is_rth',
      description: name,
    })),
    bySymbol: Object.fromEntries(
      SYMBOLS.map((symbol) => [
        symbol,
        { features: featureNames, warmupRows: 9, fracdiff: { d: 0.4, width: 10, chosenBy: 'config' as const } },
      ]),
    ),
    nanPolicy: 'warm-up rows dropped',
  });
  const summary: Record<
    string,
    Record<string, { kUp: number; kDown: number; maxBars: number; valid: boolean; fitness: number | null }>
  > = {};
  for (const [s, symbol] of SYMBOLS.entries()) {
    const close = walk(11 + s, ROWS, symbol === 'MES' ? 5000 : 2000, 4);
    const returns = Float64Array.from(close, (c, i) => (i === 0 ? Number.NaN : c / (close[i - 1] as number) - 1));
    const sma = Float64Array.from(close, (_, i) => (i < 9 ? Number.NaN : close.slice(i - 9, i + 1).reduce((a, b) => a + b, 0) / 10));
    const rsi = Float64Array.from(returns, (r, i) => 50 + 40 * Math.tanh((r || 0) * 500) + (i % 7));
    const atr = Float64Array.from(close, (_, i) => 2 + Math.sin(i / 17));
    const volume = Float64Array.from(close, (_, i) => 1 + ((i * 37) % 11) / 10);
    await writeArrowFile(
      join(dir, `features/${symbol}.arrow`),
      tableFromArrays({
        timestamp,
        close,
        return_1: returns,
        sma_10: sma,
        rsi_14: rsi,
        atr_14: atr,
        volume_ratio: volume,
        is_rth: Int8Array.from(close, (_, i) => i % 2),
      }),
    );
    const columns: Record<string, Float64Array | Int8Array | Int32Array> = { timestamp };
    const splits: Record<string, Float64Array | Int8Array> = { timestamp };
    summary[symbol] = {};
    for (const h of HORIZONS) {
      const maxBars = h === 5 ? 8 : 24;
      const label = new Int8Array(ROWS);
      const barsToHit = new Int32Array(ROWS);
      const quality = new Float64Array(ROWS);
      const endIndex = new Int32Array(ROWS);
      const fwd = new Float64Array(ROWS);
      for (let i = 0; i < ROWS; i++) {
        if (i >= ROWS - maxBars) {
          label[i] = -99;
          endIndex[i] = -1;
          quality[i] = Number.NaN;
          fwd[i] = Number.NaN;
          continue;
        }
        const hit = 1 + ((i * 7 + h) % maxBars);
        endIndex[i] = i + hit;
        const move = (close[i + hit] as number) - (close[i] as number);
        label[i] = hit === maxBars ? 0 : move > 0 ? 1 : move < 0 ? -1 : 0;
        barsToHit[i] = hit;
        quality[i] = ((i * 13) % 100) / 100;
        fwd[i] = move / (close[i] as number);
      }
      Object.assign(columns, {
        [`label_h${h}`]: label,
        [`bars_to_hit_h${h}`]: barsToHit,
        [`quality_h${h}`]: quality,
        [`fwd_return_h${h}`]: fwd,
        [`label_end_index_h${h}`]: endIndex,
      });
      splits[`split_h${h}`] = splitCodes(ROWS, maxBars);
      summary[symbol][String(h)] = { kUp: 1.5 + s, kDown: 1.2, maxBars, valid: true, fitness: 1.1 + h / 100 };
      const mix = {
        labeled: 200,
        long: 80,
        short: 70,
        neutral: 50,
        pctLong: 0.4,
        pctShort: 0.35,
        pctNeutral: 0.25,
        trades: 150,
        meanNetReturn: 0.001,
        stdNetReturn: 0.01,
        ratio: 0.1,
        fitness: 1.1 + h / 100,
        valid: true,
        violation: 0,
      };
      await writeJsonArtifact(dir, gaResult(symbol, h), {
        symbol,
        horizon: h,
        enabled: true,
        best: { kUp: 1.5 + s, kDown: 1.2, maxBars, genes: [1.5 + s, 1.2, maxBars] },
        fitness: 1.1 + h / 100,
        valid: true,
        evaluations: 48,
        trainEnd: new Date(START + 180 * STEP).toISOString(),
        optimisation: { ...mix, startRow: 0, endRow: 170, rows: 170, sha256: '0'.repeat(64) },
        train: { ...mix, rows: 180 },
        costPrice: symbol === 'MES' ? 0.375 : 0.18,
        ga: { populationSize: 8, generations: 5, asymmetry: 'symmetric' as const },
        convergence: Array.from({ length: 6 }, (_, g) => ({
          generation: g,
          evaluations: 8,
          mean: 0.4 + g * 0.05,
          std: 0.2,
          min: 0,
          max: 1 + g * 0.05,
          best: 1 + g * 0.05,
          bestGenes: [1.5 + s, 1.2, maxBars],
          validShare: 0.3 + g * 0.1,
          meanValid: g === 0 ? null : 0.5 + g * 0.08,
        })),
      });
    }
    await writeArrowFile(join(dir, `labels/${symbol}.arrow`), tableFromArrays(columns));
    if (withSplits) await writeArrowFile(join(dir, `splits/${symbol}.arrow`), tableFromArrays(splits));
  }
  await writeJsonArtifact(dir, labelsReport, {
    trainEnd: new Date(START + 180 * STEP).toISOString(),
    sameBarRule: 'nearerOpen',
    costAware: false,
    atrFeature: 'atr_14',
    percentilesFrom: 'train',
    invalidPolicy: 'label -99, excluded downstream',
    symbols: {},
  });
  await writeJsonArtifact(dir, gaSummary, { results: summary });
  if (withSplits) {
    // Shapes as the splits, scale and validate stages write them.
    const iso = (row: number) => new Date(START + row * STEP).toISOString();
    await writeJsonArtifact(dir, splitSummary, {
      trainEnd: new Date(START + 180 * STEP).toISOString(),
      trainEndMs: START + 180 * STEP,
      valEnd: new Date(START + 240 * STEP).toISOString(),
      valEndMs: START + 240 * STEP,
      ratios: { train: 0.6, val: 0.2, test: 0.2 },
      purgeBars: 10,
      embargoBars: 5,
      horizons: [...HORIZONS],
      codes: { 0: 'train', 1: 'val', 2: 'test', [-1]: 'purged', [-2]: 'embargoed', [-3]: 'invalid' },
      purgeRule: 'a train or val label whose end reaches the next part is purged',
      embargoRule: 'the first embargoBars rows after each cut',
      symbols: {
        MES: {
          '5': {
            train: 170,
            val: 55,
            test: 52,
            purged: 15,
            embargoed: 5,
            invalid: 8,
            trainStart: iso(0),
            trainEndActual: iso(169),
            valStart: iso(180),
            valEndActual: iso(234),
            testStart: iso(245),
            testEndActual: iso(291),
            maxTrainLabelEnd: iso(179),
            maxValLabelEnd: iso(239),
          },
        },
      },
      checks: { minSymbolShare: 0.2, shares: { MES: { '5': { train: 0.6, val: 0.2, test: 0.2 } } }, passed: true },
    });
    await writeJsonArtifact(dir, scaleReport, {
      trainEnd: START + 180 * STEP,
      trainEndIso: new Date(START + 180 * STEP).toISOString(),
      valEnd: START + 240 * STEP,
      options: {
        defaultScaler: 'robust',
        robustQuantiles: [0.25, 0.75],
        logPriceAndVolume: false,
        clip: { enabled: true, min: -5, max: 5 },
      },
      clipPolicy: 'only scaled features are clipped',
      featuresByCategory: {
        returns: ['return_1'],
        oscillator: ['rsi_14'],
        volatility: ['atr_14'],
        price_level: ['sma_10'],
        volume: ['volume_ratio'],
      },
      featuresByScaler: { robust: ['sma_10', 'atr_14', 'volume_ratio'], none: ['return_1'], minmax: ['rsi_14'] },
      logFeatures: ['volume_ratio'],
      leakageCheck: { ok: true, bySymbol: {} },
      warnings: [{ symbol: 'MGC', feature: 'atr_14', message: '12 % of val rows clipped' }],
      symbols: { MES: { rows: ROWS, rowsBySplit: { train: 170, val: 55, test: 52 }, features: {} } },
    });
    await writeJsonArtifact(dir, validationReport, {
      status: 'PASSED',
      symbols: [...SYMBOLS],
      horizons: [...HORIZONS],
      thresholds: { labelShareMin: 0.2, labelShareMax: 0.3 },
      issues: [],
      warnings: [{ check: 'labelBalance', symbol: 'MGC', horizon: 20, message: 'neutral share 35 % outside 20–30 %' }],
      checks: { duplicates: { MES: 0, MGC: 0 }, labelBalance: { 'MGC/20': { neutral: 0.35 } } },
      featureSelection: {
        selected: featureNames,
        removed: {},
        originalCount: featureNames.length,
        finalCount: featureNames.length,
        reductionPct: 0,
        lowVarianceFeatures: [],
        correlationGroups: [],
        correlatedPairs: [],
        method: 'fixture',
      },
      importance: { method: 'fixture', byHorizon: {}, top: [] },
    });
  }
  return dir;
}
