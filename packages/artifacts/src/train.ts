import { z } from 'zod';
import { arrowArtifact, jsonArtifact } from './artifact.js';
import { STAGE } from './stages.js';

/**
 * The train stage's files: per fit `train/<model>-<symbol>-h<h>/` (model lower-cased) with
 * `metrics.json`, `history.json`, `predictions.arrow`, `equity.arrow`, `trades.arrow` and the saved `model/`; one
 * `train/summary.json` listing every fit. The shapes are exactly what the trainer writes.
 */

/** Folder name of one fit: `<model>-<symbol>-h<h>`, the model lower-cased. */
export const trainResultName = (model: string, symbol: string, horizon: number) => `${model.toLowerCase()}-${symbol}-h${horizon}`;
/** Folder of one fit's results: `train/<model>-<symbol>-h<h>/`. */
export const trainResultDir = (model: string, symbol: string, horizon: number) => `train/${trainResultName(model, symbol, horizon)}`;
/** The saved model's folder (its files are `@tribar/models`' format). */
export const trainModelDir = (model: string, symbol: string, horizon: number) => `${trainResultDir(model, symbol, horizon)}/model`;

/**
 * A number as a JSON file carries it: finite in the file, or null where the value in memory was
 * NaN or ±Infinity (JSON.stringify writes those as null). For values a diverging fit can make
 * non-finite (losses, importances).
 */
const jsonNumber = z.custom<number | null>((value) => value === null || typeof value === 'number', {
  message: 'expected a number or null',
});

const count = z.number().int().nonnegative();

export const classScoresSchema = z.object({
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  /** Rows whose true class is this one. */
  support: count,
});
export type ClassScoresEntry = z.infer<typeof classScoresSchema>;

/** Classification metrics of one part (val, test): scikit-learn's definitions, zero_division = 0. */
export const classificationMetricsSchema = z.object({
  rows: count,
  accuracy: z.number(),
  macroF1: z.number(),
  weightedF1: z.number(),
  macroPrecision: z.number(),
  macroRecall: z.number(),
  logLoss: z.number(),
  perClass: z.object({ short: classScoresSchema, neutral: classScoresSchema, long: classScoresSchema }),
  /** confusion[true][predicted], unweighted counts, classes short, neutral, long. */
  confusion: z.array(z.array(count).length(3)).length(3),
});
export type ClassificationMetricsEntry = z.infer<typeof classificationMetricsSchema>;

/** The model backtest's figures on the test part; null where the figure is undefined (no trades, no loss). */
export const trainBacktestSchema = z.object({
  trades: count,
  longTrades: count,
  shortTrades: count,
  skippedEntries: count,
  winRate: z.number().nullable(),
  /** null when there was no losing trade. */
  profitFactor: z.number().nullable(),
  totalUsd: z.number(),
  totalTicks: z.number(),
  avgTradeUsd: z.number().nullable(),
  costsUsd: z.number(),
  sharpe: z.number().nullable(),
  sortino: z.number().nullable(),
  calmar: z.number().nullable(),
  maxDrawdownUsd: z.number(),
  exposure: z.number(),
  psr: z.number().nullable(),
  dsr: z.number().nullable(),
  trials: z.number().int().positive(),
  threshold: z.number(),
});
export type TrainBacktestEntry = z.infer<typeof trainBacktestSchema>;

export const CV_STABILITY = ['excellent', 'good', 'acceptable', 'poor', 'unstable'] as const;

/** Purged k-fold cross-validation on the train part. */
export const cvSummarySchema = z.object({
  folds: z.array(
    z.object({
      fold: count,
      trainRows: count,
      testRows: count,
      purged: count,
      embargoed: count,
      accuracy: z.number(),
      macroF1: z.number(),
      logLoss: z.number(),
      epochs: count,
    }),
  ),
  macroF1Mean: z.number(),
  macroF1Std: z.number(),
  /** Coefficient of variation of the folds' macro F1, graded. */
  stability: z.enum(CV_STABILITY),
});
export type CvSummaryEntry = z.infer<typeof cvSummarySchema>;

/** One fit: a `results` entry of `train/summary.json`, and the start of its `metrics.json`. */
export const trainResultSchema = z.object({
  model: z.string().min(1),
  symbol: z.string().min(1),
  horizon: z.number().int().positive(),
  /** Run-relative folder of the results (`trainResultDir`). */
  dir: z.string(),
  /** tfjs backend of a neural model (e.g. `wasm`); null for others. */
  backend: z.string().nullable(),
  /**
   * No wall-clock seconds and no tracker run id here (nor in `history.json`): one config + seed writes these files
   * byte for byte again. A fit's seconds and tracked run are in `state.json` (train stage metrics
   * `<model>_<S>_h<h>.fitSeconds` / `.trackerRunId`), the log, and the tracker (tags `tribar.pipelineRun`, `tribar.model`, …).
   */
  fit: z.object({ epochs: count, bestEpoch: z.number().int(), stoppedEarly: z.boolean() }),
  rows: z.object({ train: count, val: count, test: count }),
  val: classificationMetricsSchema,
  test: classificationMetricsSchema,
  backtest: trainBacktestSchema,
  cv: cvSummarySchema.nullable(),
  /** The model's resolved hyperparameters. */
  hyperparameters: z.record(z.string(), z.unknown()),
  /** Ensembles only: run-relative path of their `cv.json` (members' OOF files and fold scores, the ensemble's OOF scores). */
  ensembleCv: z.string().optional(),
});
export type TrainResultEntry = z.infer<typeof trainResultSchema>;

/** One bin of a reliability curve (`reliabilityCurve` of `@tribar/quant`): in `metrics.json` and in the report's diagnostics. */
export const reliabilityBinSchema = z.object({
  lower: z.number(),
  upper: z.number(),
  rows: count,
  confidence: z.number().nullable(),
  accuracy: z.number().nullable(),
});

/** Brier score, ECE and reliability curve of a split's probabilities (`calibrationReport` of `@tribar/ensembles`). */
export const calibrationReportSchema = z.object({
  rows: count,
  brier: jsonNumber,
  ece: jsonNumber,
  reliability: z.array(reliabilityBinSchema),
});
export type CalibrationReportEntry = z.infer<typeof calibrationReportSchema>;

/** `metrics.json`'s `calibration` (with `train.calibration.method` set): the calibrator fitted on val, and val/test before and after. */
export const trainCalibrationSchema = z.object({
  method: z.enum(['temperature', 'platt', 'isotonic']),
  calibrator: z.record(z.string(), z.unknown()),
  val: z.object({ before: calibrationReportSchema, after: calibrationReportSchema }),
  test: z.object({ before: calibrationReportSchema, after: calibrationReportSchema }),
});
export type TrainCalibrationEntry = z.infer<typeof trainCalibrationSchema>;

/** `metrics.json`'s `betSizing` (with `train.betSizing.method` set): how the sized backtest's contracts were made. */
export const trainBetSizingSchema = z.object({
  method: z.enum(['probability', 'budget']),
  maxContracts: z.number().int().positive(),
  step: z.number(),
  averageActive: z.boolean(),
  /** Test rows with a non-zero contract count. */
  signals: count,
  /** Mean |contracts| over those rows. */
  meanContracts: jsonNumber,
});
export type TrainBetSizingEntry = z.infer<typeof trainBetSizingSchema>;

/** `metrics.json`'s `metaLabeling` (with `train.metaLabeling.enabled`): the secondary model's samples and decisions. */
export const trainMetaLabelingSchema = z.object({
  secondary: z.string(),
  threshold: z.number(),
  /** Val rows where the primary took a side (the secondary's training samples when `fittedOn` is `val`). */
  valSamples: count,
  /** Share of them whose side was profitable after costs (null without samples). */
  valProfitableShare: jsonNumber,
  /** Test rows where the primary took a side, and those the secondary acted on. */
  testSides: count,
  testActed: count,
  /**
   * Rows the secondary was fitted on: `oof` = the train rows' purged out-of-fold primary probabilities (with
   * `train.outOfFold.enabled`), `val` = the val rows. Absent in files written before it existed (then val).
   */
  fittedOn: z.enum(['oof', 'val']).optional(),
  /** The secondary's training samples (rows of `fittedOn` where the primary took a side) and their profitable share. */
  samples: count.optional(),
  profitableShare: jsonNumber.optional(),
  /** Why the secondary fell back to val (no out-of-fold probabilities for this model). */
  fallbackReason: z.string().optional(),
});
export type TrainMetaLabelingEntry = z.infer<typeof trainMetaLabelingSchema>;

/**
 * `metrics.json`: the fit's summary entry plus the runtime and the feature importance; with calibration or bet
 * sizing on, also their blocks and `backtestArgmax` (the one-contract argmax backtest of the raw probabilities,
 * for comparison with `backtest`, which then uses the calibrated, sized signals). Absent when those are off.
 */
export const trainMetricsSchema = trainResultSchema.extend({
  runtime: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  featureImportance: z.record(z.string(), jsonNumber).nullable(),
  calibration: trainCalibrationSchema.optional(),
  betSizing: trainBetSizingSchema.optional(),
  metaLabeling: trainMetaLabelingSchema.optional(),
  backtestArgmax: trainBacktestSchema.optional(),
});
export type TrainMetricsFile = z.infer<typeof trainMetricsSchema>;

/** A fit's saved meta-labeling secondary (with `train.metaLabeling.enabled`), inside the model's folder. */
export const trainMetaSecondaryDir = (model: string, symbol: string, horizon: number) =>
  `${trainModelDir(model, symbol, horizon)}/secondary`;

/**
 * `model/serving.json` (written when the run sizes bets: `train.calibration`, `train.betSizing` or
 * `train.metaLabeling` on): what inference needs to turn the model's probabilities into the pipeline's bet
 * sizes — the calibrator fitted on val, the sizing settings, the backtest threshold, and the meta-labeling
 * secondary's settings (the secondary itself is saved under `trainMetaSecondaryDir`; `fitted` false when one
 * class left nothing to learn, then `actOnAll` says whether every side is taken).
 */
export const trainServingSchema = z.object({
  threshold: z.number(),
  calibration: z.object({ method: z.enum(['temperature', 'platt', 'isotonic']), calibrator: z.record(z.string(), z.unknown()) }).nullable(),
  betSizing: z.object({
    method: z.enum(['none', 'probability', 'budget']),
    maxContracts: z.number().int().positive(),
    step: z.number(),
    averageActive: z.boolean(),
  }),
  metaLabeling: z.object({ secondary: z.string(), threshold: z.number(), fitted: z.boolean(), actOnAll: z.boolean() }).nullable(),
});
export type TrainServingFile = z.infer<typeof trainServingSchema>;
export const trainServing = (model: string, symbol: string, horizon: number) =>
  jsonArtifact(`${trainModelDir(model, symbol, horizon)}/serving.json`, STAGE.train, trainServingSchema);

/** One epoch of `history.json`. */
export const epochLogSchema = z.object({
  /** 0-based. */
  epoch: count,
  trainLoss: jsonNumber,
  valLoss: jsonNumber.optional(),
  valAccuracy: jsonNumber.optional(),
  learningRate: jsonNumber.optional(),
});
export const trainHistorySchema = z.array(epochLogSchema);
export type TrainHistoryFile = z.infer<typeof trainHistorySchema>;

export const TRAIN_SUMMARY_VERSION = 1 as const;
/** `train/summary.json`: every fit of the run (the `tribar train` command merges into it). */
export const trainSummarySchema = z.object({
  version: z.literal(TRAIN_SUMMARY_VERSION),
  results: z.array(trainResultSchema),
});
export type TrainSummaryFile = z.infer<typeof trainSummarySchema>;

export const trainSummary = jsonArtifact('train/summary.json', STAGE.train, trainSummarySchema);
export const trainMetrics = (model: string, symbol: string, horizon: number) =>
  jsonArtifact(`${trainResultDir(model, symbol, horizon)}/metrics.json`, STAGE.train, trainMetricsSchema);
export const trainHistory = (model: string, symbol: string, horizon: number) =>
  jsonArtifact(`${trainResultDir(model, symbol, horizon)}/history.json`, STAGE.train, trainHistorySchema);

/** Columns of `predictions.arrow`, in the file's order. */
export const PREDICTION_COLUMN = {
  timestamp: 'timestamp',
  /** The sample's row in the run's per-symbol tables. */
  row: 'row',
  /** Split code: 0 train, 1 val, 2 test. */
  split: 'split',
  /** True class 0 short, 1 neutral, 2 long. */
  label: 'label',
  pShort: 'p_short',
  pNeutral: 'p_neutral',
  pLong: 'p_long',
  /** argmax class, ties to the lower class. */
  predicted: 'predicted',
} as const;

/** Columns of `bet-sizes.arrow`. */
export const BET_SIZE_COLUMN = {
  timestamp: 'timestamp',
  /** The sample's row in the run's per-symbol tables. */
  row: 'row',
  /** Signed contracts the sized backtest was given at this test row (+ long, − short, 0 none). */
  contracts: 'contracts',
} as const;

/**
 * `bet-sizes.arrow` (when the run sizes bets: `train.calibration`, `train.betSizing` or `train.metaLabeling` on): the
 * signed contracts of every test row, what inference's `betSize` reproduces for the same bars.
 */
export const trainBetSizes = (model: string, symbol: string, horizon: number) =>
  arrowArtifact(`${trainResultDir(model, symbol, horizon)}/bet-sizes.arrow`, STAGE.train, [
    { name: BET_SIZE_COLUMN.timestamp, type: 'timestamp' },
    { name: BET_SIZE_COLUMN.row, type: 'int32' },
    { name: BET_SIZE_COLUMN.contracts, type: 'int32' },
  ]);

/** Columns of `equity.arrow`. */
export const EQUITY_COLUMN = {
  timestamp: 'timestamp',
  /** Dollars per contract at each test bar's close, open positions marked to market. */
  equityUsd: 'equity_usd',
} as const;

/** `predictions.arrow`: one row per val and test sample (label and predicted are uint8). */
export const trainPredictions = (model: string, symbol: string, horizon: number) =>
  arrowArtifact(`${trainResultDir(model, symbol, horizon)}/predictions.arrow`, STAGE.train, [
    { name: PREDICTION_COLUMN.timestamp, type: 'timestamp' },
    { name: PREDICTION_COLUMN.row, type: 'int32' },
    { name: PREDICTION_COLUMN.split, type: 'int8' },
    { name: PREDICTION_COLUMN.label, type: 'number' },
    { name: PREDICTION_COLUMN.pShort, type: 'float32' },
    { name: PREDICTION_COLUMN.pNeutral, type: 'float32' },
    { name: PREDICTION_COLUMN.pLong, type: 'float32' },
    { name: PREDICTION_COLUMN.predicted, type: 'number' },
  ]);
/**
 * `oof.arrow` (with `train.outOfFold.enabled`): out-of-fold class probabilities of every train sample under purged
 * k-fold, the columns of `predictions.arrow` (split 0 = train).
 */
export const trainOof = (model: string, symbol: string, horizon: number) =>
  arrowArtifact(`${trainResultDir(model, symbol, horizon)}/oof.arrow`, STAGE.train, trainPredictions(model, symbol, horizon).columns);

/**
 * An ensemble member's out-of-fold probabilities (every train sample, split 0), the columns of `predictions.arrow`:
 * `train/<ensemble>-<S>-h<h>/oof-members/<i>-<member>.arrow` (i = the member's 0-based place in `members`).
 */
export const trainEnsembleMemberOof = (model: string, symbol: string, horizon: number, index: number, member: string) =>
  arrowArtifact(
    `${trainResultDir(model, symbol, horizon)}/oof-members/${index}-${member.toLowerCase()}.arrow`,
    STAGE.train,
    trainPredictions(model, symbol, horizon).columns,
  );

/** Scores of one purged fold's test rows (out of sample): log loss and macro F1 as `classificationMetrics` computes them. */
const foldScoreSchema = z.object({
  fold: count,
  trainRows: count,
  testRows: count,
  purged: count,
  embargoed: count,
  /** Epochs (boosting rounds) the fold's fit ran: with early stopping, on its inner purged holdout. */
  epochs: count,
  logLoss: jsonNumber,
  macroF1: z.number(),
});
/** Out-of-fold scores of a model over all train rows, and per fold. */
const oofScoresSchema = z.object({ logLoss: jsonNumber, macroF1: z.number(), folds: z.array(foldScoreSchema) });

/**
 * `cv.json` of an ensemble fit (every `train.ensembles` kind): its members' purged k-fold OOF predictions
 * (files under `oof-members/`) with per-fold scores, and the ensemble's own out-of-fold scores (its `oof.arrow`;
 * null for bagging, whose estimators need the label windows of each fold's own rows) beside its val scores.
 */
export const trainEnsembleCvSchema = z.object({
  kind: z.enum(['voting', 'stacking', 'blending', 'bagging']),
  scheme: z.object({ kind: z.literal('kfold'), folds: count, embargo: count }),
  /** Share of each fold's train rows held out (last in time, purged) to stop its fit early. */
  earlyStoppingHoldout: z.number(),
  members: z.array(z.object({ index: count, model: z.string(), oof: z.string(), scores: oofScoresSchema })),
  ensemble: z.object({
    oof: z.string().nullable(),
    scores: oofScoresSchema.nullable(),
    val: z.object({ logLoss: z.number(), macroF1: z.number() }),
  }),
});
export type TrainEnsembleCvFile = z.infer<typeof trainEnsembleCvSchema>;
export const trainEnsembleCv = (model: string, symbol: string, horizon: number) =>
  jsonArtifact(`${trainResultDir(model, symbol, horizon)}/cv.json`, STAGE.train, trainEnsembleCvSchema);

/** One feature's importance over purged folds: mean and standard error. */
const featureImportanceSchema = z.object({ feature: z.string(), mean: jsonNumber, stdError: jsonNumber });

/** `importance.json` (with `train.importance.methods`): MDA and SFI under purged k-fold, MDI of tree families (null when not asked or not a tree). */
export const trainImportanceSchema = z.object({
  folds: count,
  embargo: count,
  mda: z.array(featureImportanceSchema).nullable(),
  sfi: z.array(featureImportanceSchema).nullable(),
  mdi: z.array(z.object({ feature: z.string(), share: jsonNumber })).nullable(),
});
export type TrainImportanceFile = z.infer<typeof trainImportanceSchema>;
export const trainImportance = (model: string, symbol: string, horizon: number) =>
  jsonArtifact(`${trainResultDir(model, symbol, horizon)}/importance.json`, STAGE.train, trainImportanceSchema);

/** `equity.arrow`: the backtest's equity curve on the test bars. */
export const trainEquity = (model: string, symbol: string, horizon: number) =>
  arrowArtifact(`${trainResultDir(model, symbol, horizon)}/equity.arrow`, STAGE.train, [
    { name: EQUITY_COLUMN.timestamp, type: 'timestamp' },
    { name: EQUITY_COLUMN.equityUsd, type: 'float64' },
  ]);

/** What closed a trade of `trades.arrow`: the upper or lower barrier (by price, whatever the side), the timeout, an opposite signal, or the end of the data. */
export const TRADE_EXITS = ['upper', 'lower', 'timeout', 'signal', 'end'] as const;
export type TradeExit = (typeof TRADE_EXITS)[number];

/** Columns of `trades.arrow`, in the file's order. */
export const TRADE_COLUMN = {
  /** Fill times, UTC milliseconds. */
  entryTime: 'entry_time',
  exitTime: 'exit_time',
  /** +1 long, −1 short. */
  side: 'side',
  /** Contracts. */
  size: 'size',
  entryPrice: 'entry_price',
  exitPrice: 'exit_price',
  /** Net of the round-trip costs. */
  pnlTicks: 'pnl_ticks',
  pnlUsd: 'pnl_usd',
  /** Round-trip costs in dollars (commission and slippage on both fills). */
  costsUsd: 'costs_usd',
  /** exit_time − entry_time, milliseconds. */
  durationMs: 'duration_ms',
  /** Bars from the entry fill to the exit fill. */
  barsHeld: 'bars_held',
  /** One of `TRADE_EXITS`. */
  exit: 'exit',
} as const;

/** `trades.arrow`: the backtest's closed trades on the test bars, in exit order. */
export const trainTrades = (model: string, symbol: string, horizon: number) =>
  arrowArtifact(`${trainResultDir(model, symbol, horizon)}/trades.arrow`, STAGE.train, [
    { name: TRADE_COLUMN.entryTime, type: 'timestamp' },
    { name: TRADE_COLUMN.exitTime, type: 'timestamp' },
    { name: TRADE_COLUMN.side, type: 'int8' },
    { name: TRADE_COLUMN.size, type: 'int32' },
    { name: TRADE_COLUMN.entryPrice, type: 'float64' },
    { name: TRADE_COLUMN.exitPrice, type: 'float64' },
    { name: TRADE_COLUMN.pnlTicks, type: 'float64' },
    { name: TRADE_COLUMN.pnlUsd, type: 'float64' },
    { name: TRADE_COLUMN.costsUsd, type: 'float64' },
    { name: TRADE_COLUMN.durationMs, type: 'float64' },
    { name: TRADE_COLUMN.barsHeld, type: 'int32' },
    { name: TRADE_COLUMN.exit, type: 'utf8' },
  ]);
