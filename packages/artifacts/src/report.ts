import { z } from 'zod';
import { fileArtifact, jsonArtifact } from './artifact.js';
import { STAGE } from './stages.js';
import { reliabilityBinSchema } from './train.js';

/** `report/index.html`: the self-contained page (inline CSS and SVG charts). */
export const reportHtml = fileArtifact('report/index.html', STAGE.report);
/** `report/report.md`: the report's tables without the charts. */
export const reportMarkdown = fileArtifact('report/report.md', STAGE.report);

/**
 * A number as the report's JSON carries it: a number, or null where the report has none or the
 * value in memory was not finite (JSON.stringify writes NaN and ±Infinity as null).
 */
const num = z.custom<number | null>((value) => value === null || typeof value === 'number', { message: 'expected a number or null' });
/** A `[label, value]` row of a key–value table. */
const textRow = z.tuple([z.string(), z.string()]);

const classScoresSchema = z.object({ precision: num, recall: num, f1: num, support: num });

/** A trained model's classification metrics as the report shows them (null where the summary had no number). */
const reportClassificationSchema = z.object({
  rows: num,
  accuracy: num,
  macroF1: num,
  weightedF1: num,
  macroPrecision: num,
  macroRecall: num,
  logLoss: num,
  perClass: z.object({ short: classScoresSchema, neutral: classScoresSchema, long: classScoresSchema }),
  /** 3 × 3, rows = true class, columns = predicted; null when the summary's was not a 3 × 3 matrix of counts. */
  confusion: z.array(z.array(num)).nullable(),
});

const reportModelBacktestSchema = z.object({
  trades: num,
  longTrades: num,
  shortTrades: num,
  winRate: num,
  profitFactor: num,
  totalUsd: num,
  totalTicks: num,
  avgTradeUsd: num,
  costsUsd: num,
  sharpe: num,
  sortino: num,
  calmar: num,
  maxDrawdownUsd: num,
  exposure: num,
  psr: num,
  dsr: num,
  trials: num,
  threshold: num,
});

/** One model × symbol × horizon of the train summary, as the report shows it. */
export const reportModelResultSchema = z.object({
  model: z.string(),
  symbol: z.string(),
  horizon: z.number(),
  dir: z.string(),
  backend: z.string().nullable(),
  fit: z.object({ epochs: num, bestEpoch: num, stoppedEarly: z.boolean().nullable() }),
  rows: z.object({ train: num, val: num, test: num }),
  val: reportClassificationSchema.nullable(),
  test: reportClassificationSchema.nullable(),
  backtest: reportModelBacktestSchema.nullable(),
  /** Points of the result's equity curve; null when its file is missing or unreadable. */
  equityPoints: num,
});

/** The `backtestStats` figures of one tearsheet (`@tribar/quant`'s `BacktestStats`; null where not finite). */
const tearsheetStatsSchema = z.object({
  start: num,
  end: num,
  durationMs: num,
  bars: num,
  exposurePct: num,
  exposedBars: num,
  equityFinal: num,
  equityPeak: num,
  returnPct: num,
  buyHoldReturnPct: num,
  periods: num,
  periodsPerYear: num,
  annualReturnPct: num,
  annualVolatilityPct: num,
  cagrPct: num,
  sharpe: num,
  sortino: num,
  calmar: num,
  maxDrawdownPct: num,
  maxDrawdown: num,
  annualProfit: num,
  avgDrawdownPct: num,
  maxDrawdownDurationMs: num,
  avgDrawdownDurationMs: num,
  trades: num,
  wins: num,
  netProfit: num,
  winRatePct: num,
  bestTradePct: num,
  worstTradePct: num,
  avgTradePct: num,
  expectancyPct: num,
  expectancy: num,
  maxTradeDurationMs: num,
  avgTradeDurationMs: num,
  profitFactor: num,
  sqn: num,
  kelly: num,
  costs: num,
  ratiosOn: z.enum(['returns', 'pnl']),
  sharpePerPeriod: num,
  psr: num,
  dsr: num,
  minTrackRecordPeriods: num,
  lowSample: z.boolean(),
  minTrades: num,
});

/** One trade of a tearsheet's trade list, as `trades.arrow` has it (times UTC ms). */
const tearsheetTradeSchema = z.object({
  entryTime: num,
  exitTime: num,
  side: num,
  size: num,
  entryPrice: num,
  exitPrice: num,
  pnlTicks: num,
  pnlUsd: num,
  costsUsd: num,
  durationMs: num,
  exit: z.string(),
});

/**
 * The backtest tearsheet of one model × symbol × horizon: `backtestStats` on the trainer's `trades.arrow` over the
 * test bars (equity from one contract's notional at the first test close, per-bar annualisation), the five worst
 * drawdowns, the monthly returns and the first trades of the list.
 */
export const reportTearsheetSchema = z.object({
  model: z.string(),
  symbol: z.string(),
  horizon: z.number(),
  /** Money the equity starts from: one contract's notional at the first test close. */
  initialEquity: num,
  /** USD per price point per contract, and per contract per side. */
  pointValue: num,
  costPerContract: num,
  annualization: z.object({ periods: z.literal('bars'), periodsPerYear: num }),
  /** Bars of the rolling Sharpe and volatility window. */
  rollingWindow: num,
  stats: tearsheetStatsSchema,
  /** Deepest first; `recovery` null while the equity has not recovered (times UTC ms). */
  worstDrawdowns: z.array(z.object({ peak: num, trough: num, recovery: num, depthPct: num, durationMs: num })),
  /**
   * The price chart's week: the UTC ISO week (Monday 00:00 UTC) of the test part with the most trade entries, its
   * bars, how they are drawn and the labels' barrier parameters; `missing` says why there is no chart (null: there is).
   */
  week: z
    .object({
      start: num,
      trades: num,
      bars: num,
      mode: z.enum(['ohlc', 'close']).nullable(),
      barrier: z.object({ kUp: num, kDown: num, maxBars: num }).nullable(),
      missing: z.string().nullable(),
    })
    .nullable(),
  /** Per UTC calendar month (`YYYY-MM`): return of the equity in %. */
  monthlyReturns: z.array(z.object({ month: z.string(), returnPct: num })),
  /** The first 50 trades of `trades.arrow`, in its order. */
  trades: z.array(tearsheetTradeSchema),
});
export type ReportTearsheetEntry = z.infer<typeof reportTearsheetSchema>;

/**
 * The ML views of one model × symbol × horizon (the report's Model diagnostics section): per-class ROC AUC and average
 * precision, confusion counts and a reliability curve of the test rows of `predictions.arrow`; the feature importance
 * (`importance.json`, else the family's own); the calibration, bet sizing and meta-labeling blocks of `metrics.json`;
 * the ensemble's members; CV (summary) and OOF (`oof.arrow`) scores. Null where the run has no such file or block.
 */
export const reportDiagnosticsSchema = z.object({
  model: z.string(),
  symbol: z.string(),
  horizon: z.number(),
  testRows: num,
  classes: z.array(z.object({ class: z.string(), positives: z.number(), rocAuc: num, averagePrecision: num })),
  /** confusion[true][predicted] counts of the test rows, classes short, neutral, long. */
  confusion: z.array(z.array(z.number())).nullable(),
  /** Reliability of the top-class probability: `calibration` = metrics.json's before/after curves, else from the predictions. */
  reliability: z
    .object({
      source: z.enum(['calibration', 'predictions']),
      before: z.array(reliabilityBinSchema),
      after: z.array(reliabilityBinSchema).nullable(),
    })
    .nullable(),
  /** Per method (`mdi`, `mda`, `sfi`, or `model`: the family's own, gain for tree families), the top features. */
  importance: z.array(
    z.object({
      method: z.enum(['mdi', 'mda', 'sfi', 'model']),
      features: z.array(z.object({ feature: z.string(), value: num, stdError: num })),
    }),
  ),
  calibration: z.object({ method: z.string(), brierBefore: num, brierAfter: num, eceBefore: num, eceAfter: num }).nullable(),
  betSizing: z
    .object({ method: z.string(), maxContracts: num, step: num, signals: num, meanContracts: num, contractsTraded: num })
    .nullable(),
  metaLabeling: z
    .object({
      secondary: z.string(),
      threshold: num,
      valSamples: num,
      valProfitableShare: num,
      testSides: num,
      testActed: num,
      actedShare: num,
    })
    .nullable(),
  ensemble: z
    .object({
      kind: z.string(),
      members: z.array(z.object({ model: z.string(), weight: num })),
      /** `equal`/`given` (voting), `fitted` (stacking, blending: the meta-learner's), `bootstrap` (bagging). */
      weights: z.enum(['equal', 'given', 'fitted', 'bootstrap']),
      metaLearner: z.string().nullable(),
    })
    .nullable(),
  cv: z.object({ folds: num, macroF1Mean: num, macroF1Std: num, stability: z.string() }).nullable(),
  oof: z.object({ rows: num, accuracy: num, logLoss: num }).nullable(),
});
export type ReportDiagnosticsEntry = z.infer<typeof reportDiagnosticsSchema>;

/**
 * `report/report.json`: every table of the report (the report model) and the names of the rendered charts. No run
 * id, no time and no tracker id (nor in `index.html`/`report.md`): one config + seed gives the same report bytes;
 * stage durations and tracker run ids are in `state.json` and the log.
 */
export const reportJsonSchema = z.object({
  summary: z.object({
    description: z.string().nullable(),
    status: z.string().nullable(),
    symbols: z.array(z.string()),
    horizons: z.array(z.number()),
    barMinutes: num,
    seed: num,
    /** IANA zone of every time in the report's tables (`data.timezone`). */
    timeZone: z.string(),
    /** Label rows per symbol. */
    rows: z.record(z.string(), num),
  }),
  config: z.array(textRow),
  stages: z.array(z.object({ name: z.string(), status: z.string(), outputs: z.number() })),
  health: z.array(
    z.object({
      symbol: z.string(),
      barsIn: num,
      barsOut: num,
      repairs: num,
      filledGaps: num,
      filledBars: num,
      longGaps: num,
      longGapBars: num,
      rolls: z.number(),
      rollDetails: z.array(z.string()),
      /** The clean report's roll mode in words, e.g. `forward (difference)`; null without a clean report. */
      rollAdjustment: z.string().nullable(),
      outliersFlagged: num,
    }),
  ),
  labelMix: z.array(
    z.object({
      symbol: z.string(),
      horizon: z.number(),
      label: z.enum(['short', 'neutral', 'long', 'invalid']),
      count: z.number(),
      share: num,
    }),
  ),
  ga: z.array(z.object({ series: z.string(), kUp: num, kDown: num, maxBars: num, fitness: num, valid: z.boolean().nullable() })),
  splits: z.object({
    present: z.boolean(),
    rows: z.array(textRow),
    counts: z.array(
      z.object({
        symbol: z.string(),
        horizon: z.number(),
        train: z.number(),
        val: z.number(),
        test: z.number(),
        purged: z.number(),
        embargoed: z.number(),
        invalid: z.number(),
      }),
    ),
  }),
  scaling: z.object({
    present: z.boolean(),
    rows: z.array(textRow),
    byScaler: z.array(z.object({ scaler: z.string(), features: z.number() })),
    warnings: z.array(z.string()),
  }),
  validation: z.object({
    present: z.boolean(),
    status: z.string().nullable(),
    issues: z.array(z.string()),
    warnings: z.array(z.string()),
    checks: z.array(z.object({ name: z.string(), status: z.string(), detail: z.string() })),
  }),
  /** The label-oracle baseline per symbol × horizon (its equity curve is left to the chart). */
  backtest: z.array(
    z.object({
      symbol: z.string(),
      horizon: z.number(),
      testRows: z.number(),
      cost: z.object({ roundTripPrice: num, tickSize: num, tickValue: num }),
      trades: z.number(),
      wins: z.number(),
      winRate: num,
      profitFactor: num,
      totalPoints: num,
      totalTicks: num,
      totalUsd: num,
      averageUsd: num,
      sharpe: num,
      maxDrawdownPoints: num,
      maxDrawdownUsd: num,
      averageBarsHeld: num,
      tradesPerYear: num,
    }),
  ),
  models: z.object({
    present: z.boolean(),
    results: z.array(reportModelResultSchema),
    warnings: z.array(z.string()),
    /** Backtests with fewer trades are shown greyed, "not meaningful" (`report.minTrades`). */
    minTrades: z.number().int().positive(),
  }),
  /** Per model × symbol × horizon, the backtest tearsheet (none for a run without a train stage), and what kept one out. */
  tearsheets: z.object({ results: z.array(reportTearsheetSchema), warnings: z.array(z.string()) }),
  /** Per model × symbol × horizon, the ML views (none for a run without a train stage), and what could not be read. */
  diagnostics: z.object({ results: z.array(reportDiagnosticsSchema), warnings: z.array(z.string()) }),
  /** Run-relative paths the report looked for and did not find. */
  missing: z.array(z.string()),
  /** Names of the rendered charts (`data-chart` of the page). */
  charts: z.array(z.string()),
});
export type ReportJsonFile = z.infer<typeof reportJsonSchema>;
export const reportJson = jsonArtifact('report/report.json', STAGE.report, reportJsonSchema);
