import { trainResultDir, trainSummary } from '@tribar/artifacts';

/**
 * The trained models of a run as the report shows them: the trainer's summary (already checked
 * against its contract) read defensively.
 * A field of the wrong type becomes `null`; a result without model, symbol or horizon is left out
 * with a warning. Nothing here throws on a malformed summary.
 */

/** Class order of the confusion matrices: rows = true class, columns = predicted. */
export const MODEL_CLASSES = ['short', 'neutral', 'long'] as const;
type ModelClass = (typeof MODEL_CLASSES)[number];

export interface ClassScores {
  precision: number | null;
  recall: number | null;
  f1: number | null;
  support: number | null;
}

/** Classification metrics of one part (val or test). */
export interface ClassificationMetrics {
  rows: number | null;
  accuracy: number | null;
  macroF1: number | null;
  weightedF1: number | null;
  macroPrecision: number | null;
  macroRecall: number | null;
  logLoss: number | null;
  perClass: Record<ModelClass, ClassScores>;
  /** 3 × 3 counts, rows = true class, columns = predicted (`MODEL_CLASSES` order); `null` when not a 3 × 3 matrix of numbers. */
  confusion: number[][] | null;
}

/** The model's trading backtest on the test part, as the trainer computed it. */
export interface ModelBacktest {
  trades: number | null;
  longTrades: number | null;
  shortTrades: number | null;
  winRate: number | null;
  /** `null` without a losing trade (or when not reported). */
  profitFactor: number | null;
  totalUsd: number | null;
  totalTicks: number | null;
  avgTradeUsd: number | null;
  costsUsd: number | null;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  maxDrawdownUsd: number | null;
  exposure: number | null;
  psr: number | null;
  dsr: number | null;
  trials: number | null;
  threshold: number | null;
}

/** One model × symbol × horizon of `train/summary.json`. */
export interface ModelResult {
  model: string;
  symbol: string;
  horizon: number;
  /** Run-relative folder of the fitted model (`train/<model>-<S>-h<h>` when the summary omits it). */
  dir: string;
  trackerRunId: string | null;
  trackerUri: string | null;
  /** tfjs backend of a neural model (e.g. `wasm`); `null` for others. */
  backend: string | null;
  fit: { epochs: number | null; bestEpoch: number | null; stoppedEarly: boolean | null; seconds: number | null };
  rows: { train: number | null; val: number | null; test: number | null };
  val: ClassificationMetrics | null;
  test: ClassificationMetrics | null;
  backtest: ModelBacktest | null;
  /** Points of `<dir>/equity.arrow`; `null` when the file is missing or unreadable. */
  equityPoints: number | null;
}

/** `ReportModel.models`: `present` is false when the run has no `train/summary.json`. */
export interface ModelsSection {
  present: boolean;
  results: ModelResult[];
  /** Problems reading the summary or the equity files; the report still renders. */
  warnings: string[];
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const bool = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);
const field = (value: unknown, key: string): unknown => (isRecord(value) ? value[key] : undefined);

function confusionMatrix(value: unknown): number[][] | null {
  if (!Array.isArray(value) || value.length !== MODEL_CLASSES.length) return null;
  const rows: number[][] = [];
  for (const row of value) {
    if (!Array.isArray(row) || row.length !== MODEL_CLASSES.length) return null;
    const counts = row.map(num);
    if (counts.some((count) => count === null || count < 0)) return null;
    rows.push(counts as number[]);
  }
  return rows;
}

function classificationMetrics(value: unknown): ClassificationMetrics | null {
  if (!isRecord(value)) return null;
  const perClass = {} as Record<ModelClass, ClassScores>;
  for (const name of MODEL_CLASSES) {
    const scores = field(value['perClass'], name);
    perClass[name] = { precision: num(field(scores, 'precision')), recall: num(field(scores, 'recall')), f1: num(field(scores, 'f1')), support: num(field(scores, 'support')) };
  }
  return {
    rows: num(value['rows']),
    accuracy: num(value['accuracy']),
    macroF1: num(value['macroF1']),
    weightedF1: num(value['weightedF1']),
    macroPrecision: num(value['macroPrecision']),
    macroRecall: num(value['macroRecall']),
    logLoss: num(value['logLoss']),
    perClass,
    confusion: confusionMatrix(value['confusion']),
  };
}

const BACKTEST_KEYS = [
  'trades',
  'longTrades',
  'shortTrades',
  'winRate',
  'profitFactor',
  'totalUsd',
  'totalTicks',
  'avgTradeUsd',
  'costsUsd',
  'sharpe',
  'sortino',
  'calmar',
  'maxDrawdownUsd',
  'exposure',
  'psr',
  'dsr',
  'trials',
  'threshold',
] as const satisfies ReadonlyArray<keyof ModelBacktest>;

function modelBacktest(value: unknown): ModelBacktest | null {
  if (!isRecord(value)) return null;
  return Object.fromEntries(BACKTEST_KEYS.map((key) => [key, num(value[key])])) as unknown as ModelBacktest;
}

/** A run-relative folder that stays inside the run: no absolute path, no `..` part. */
function safeRunPath(path: string): boolean {
  return !path.startsWith('/') && !/^[A-Za-z]:/.test(path) && !path.split(/[\\/]/).includes('..');
}

function modelResult(value: unknown, where: string, warnings: string[]): ModelResult | undefined {
  const model = str(field(value, 'model'));
  const symbol = str(field(value, 'symbol'));
  const horizon = num(field(value, 'horizon'));
  if (model === null || symbol === null || horizon === null) {
    warnings.push(`${where}: needs a model, a symbol and a horizon; left out of the report.`);
    return undefined;
  }
  const result = value as Json;
  const fallbackDir = trainResultDir(model, symbol, horizon);
  let dir = str(result['dir']) ?? fallbackDir;
  if (!safeRunPath(dir)) {
    warnings.push(`${where}: dir '${dir}' is not a folder inside the run; reading ${fallbackDir} instead.`);
    dir = fallbackDir;
  }
  const fit = result['fit'];
  const rows = result['rows'];
  const test = classificationMetrics(result['test']);
  if (test === null) warnings.push(`${where} (${model} ${symbol} H${horizon}): no test metrics.`);
  else if (test.confusion === null) warnings.push(`${where} (${model} ${symbol} H${horizon}): test confusion is not a 3 × 3 matrix of counts.`);
  return {
    model,
    symbol,
    horizon,
    dir: dir.replace(/\/+$/, ''),
    trackerRunId: str(result['trackerRunId']),
    trackerUri: str(result['trackerUri']),
    backend: str(result['backend']),
    fit: { epochs: num(field(fit, 'epochs')), bestEpoch: num(field(fit, 'bestEpoch')), stoppedEarly: bool(field(fit, 'stoppedEarly')), seconds: num(field(fit, 'seconds')) },
    rows: { train: num(field(rows, 'train')), val: num(field(rows, 'val')), test: num(field(rows, 'test')) },
    val: classificationMetrics(result['val']),
    test,
    backtest: modelBacktest(result['backtest']),
    equityPoints: null,
  };
}

/** The train summary (`TrainSummaryFile` as read through its contract; any value is taken) → its results and what was wrong with it. */
export function parseTrainSummary(summary: unknown, file = trainSummary.path): { results: ModelResult[]; warnings: string[] } {
  const warnings: string[] = [];
  if (!isRecord(summary)) return { results: [], warnings: [`${file}: expected a JSON object; no model results shown.`] };
  if (summary['version'] !== 1) warnings.push(`${file}: version ${JSON.stringify(summary['version'] ?? null)}, this report reads version 1; showing what it can.`);
  const list = summary['results'];
  if (!Array.isArray(list)) {
    warnings.push(`${file}: 'results' is not a list; no model results shown.`);
    return { results: [], warnings };
  }
  const results: ModelResult[] = [];
  list.forEach((entry, i) => {
    const result = modelResult(entry, `${file} results[${i}]`, warnings);
    if (result) results.push(result);
  });
  return { results, warnings };
}

/** Row-normalised shares of a confusion matrix (a row without samples stays at 0). */
export function rowShares(confusion: readonly (readonly number[])[]): number[][] {
  return confusion.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count) => (total > 0 ? count / total : 0));
  });
}
