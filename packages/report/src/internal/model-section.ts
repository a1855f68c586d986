import {
  trainResultDir,
  trainSummary,
  type ClassificationMetricsEntry,
  type ClassScoresEntry,
  type TrainBacktestEntry,
  type TrainResultEntry,
  type TrainSummaryFile,
} from '@tribar/artifacts';

/**
 * The trained models of a run as the report shows them: the trainer's summary, already checked
 * against its contract in `@tribar/artifacts` (a summary that does not match it is one warning,
 * see train-data.ts), mapped to the report's view. A `dir` outside the run is replaced by the
 * trainer's own folder for the result, with a warning.
 */

/** Class order of the confusion matrices: rows = true class, columns = predicted. */
export const MODEL_CLASSES = ['short', 'neutral', 'long'] as const;

/** The model's trading backtest on the test part, as the trainer computed it (the report leaves out skipped entries). */
type ModelBacktest = Omit<TrainBacktestEntry, 'skippedEntries'>;

/**
 * One model × symbol × horizon of the train summary as the report shows it: the trainer's entry
 * without CV and hyperparameters, with the points of its equity curve.
 */
export type ModelResult = Omit<TrainResultEntry, 'cv' | 'hyperparameters' | 'backtest'> & {
  backtest: ModelBacktest;
  /** Points of the result's equity curve; `null` when the file is missing or unreadable. */
  equityPoints: number | null;
};

/** `ReportModel.models`: `present` is false when the run has no train summary. */
export interface ModelsSection {
  present: boolean;
  results: ModelResult[];
  /** Problems reading the summary or the equity files; the report still renders. */
  warnings: string[];
  /** Backtests with fewer trades are shown greyed and marked "not meaningful" (`report.minTrades`). */
  minTrades: number;
}

/** A run-relative folder that stays inside the run: no absolute path, no `..` part. */
function safeRunPath(path: string): boolean {
  return !path.startsWith('/') && !/^[A-Za-z]:/.test(path) && !path.split(/[\\/]/).includes('..');
}

const scores = (s: ClassScoresEntry): ClassScoresEntry => ({ precision: s.precision, recall: s.recall, f1: s.f1, support: s.support });

/** The metrics in the report's key order (report.json keeps its bytes whatever order the summary has). */
function classification(m: ClassificationMetricsEntry): ClassificationMetricsEntry {
  return {
    rows: m.rows,
    accuracy: m.accuracy,
    macroF1: m.macroF1,
    weightedF1: m.weightedF1,
    macroPrecision: m.macroPrecision,
    macroRecall: m.macroRecall,
    logLoss: m.logLoss,
    perClass: { short: scores(m.perClass.short), neutral: scores(m.perClass.neutral), long: scores(m.perClass.long) },
    confusion: m.confusion.map((row) => [...row]),
  };
}

function modelBacktest(b: TrainBacktestEntry): ModelBacktest {
  return {
    trades: b.trades,
    longTrades: b.longTrades,
    shortTrades: b.shortTrades,
    winRate: b.winRate,
    profitFactor: b.profitFactor,
    totalUsd: b.totalUsd,
    totalTicks: b.totalTicks,
    avgTradeUsd: b.avgTradeUsd,
    costsUsd: b.costsUsd,
    sharpe: b.sharpe,
    sortino: b.sortino,
    calmar: b.calmar,
    maxDrawdownUsd: b.maxDrawdownUsd,
    exposure: b.exposure,
    psr: b.psr,
    dsr: b.dsr,
    trials: b.trials,
    threshold: b.threshold,
  };
}

function modelResult(entry: TrainResultEntry, where: string, warnings: string[]): ModelResult {
  const { model, symbol, horizon } = entry;
  const fallbackDir = trainResultDir(model, symbol, horizon);
  let dir = entry.dir;
  if (!safeRunPath(dir)) {
    warnings.push(`${where}: dir '${dir}' is not a folder inside the run; reading ${fallbackDir} instead.`);
    dir = fallbackDir;
  }
  return {
    model,
    symbol,
    horizon,
    dir: dir.replace(/\/+$/, ''),
    backend: entry.backend,
    fit: { epochs: entry.fit.epochs, bestEpoch: entry.fit.bestEpoch, stoppedEarly: entry.fit.stoppedEarly },
    rows: { train: entry.rows.train, val: entry.rows.val, test: entry.rows.test },
    val: classification(entry.val),
    test: classification(entry.test),
    backtest: modelBacktest(entry.backtest),
    equityPoints: null,
  };
}

/** The train summary (checked against its contract) → the results the report shows and what was wrong with them. */
export function modelResults(summary: TrainSummaryFile, file = trainSummary.path): { results: ModelResult[]; warnings: string[] } {
  const warnings: string[] = [];
  const results = summary.results.map((entry, i) => modelResult(entry, `${file} results[${i}]`, warnings));
  return { results, warnings };
}

/** Row-normalised shares of a confusion matrix (a row without samples stays at 0). */
export function rowShares(confusion: readonly (readonly number[])[]): number[][] {
  return confusion.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count) => (total > 0 ? count / total : 0));
  });
}
