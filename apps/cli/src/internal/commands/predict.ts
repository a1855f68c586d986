import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PREDICTION_COLUMN } from '@tribar/artifacts';
import { DataError, UsageError, silentLogger } from '@tribar/core';
import { loadPredictor, type Prediction, type RawBarsInput } from '@tribar/inference';
import { argmaxClass, CLASS_NAMES } from '@tribar/models';
import { getRun, latestRun } from '@tribar/pipeline';
import type { CliContext } from '../context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { formatTable, print } from '../io.js';

export interface PredictCommandOptions {
  run?: string;
  runsDir: string;
  model: string;
  symbol: string;
  horizon: string;
  bars: string;
  /** `SYMBOL=file` for each partner symbol of cross-asset features. */
  partner?: string[];
  json?: boolean;
}

/** A bar file as the predictor's input: by extension CSV text, JSON records, or Arrow IPC bytes. */
async function readBarsFile(path: string): Promise<RawBarsInput> {
  const lower = path.toLowerCase();
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new DataError(`cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { file: path }, { cause: error });
  }
  if (/\.(arrow|feather|ipc)$/.test(lower)) return { arrow: new Uint8Array(bytes) };
  if (lower.endsWith('.json')) {
    let records: unknown;
    try {
      records = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      throw new DataError(`not JSON (${(error as Error).message})`, { file: path }, { cause: error });
    }
    if (!Array.isArray(records)) throw new DataError('expected a JSON array of bar objects', { file: path });
    return { json: records as Array<Record<string, unknown>> };
  }
  if (/\.(csv|txt|tsv)$/.test(lower)) return { csv: bytes.toString('utf8') };
  throw new UsageError(`unknown bar file type: ${path}`, { hint: 'Use .csv, .json (an array of bar objects) or .arrow.' });
}

function parsePartners(pairs: readonly string[], cwd: string): Array<[string, string]> {
  return pairs.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1)
      throw new UsageError(`--partner ${pair}: expected SYMBOL=file`, { hint: 'e.g. --partner MGC=mgc.csv' });
    return [pair.slice(0, at), resolve(cwd, pair.slice(at + 1))];
  });
}

/** One line per predicted bar: time, the three probabilities, the argmax class. */
function formatPredictions(prediction: Prediction): string {
  const rows: string[][] = [];
  for (let i = 0; i < prediction.rows; i++) {
    const p = [0, 1, 2].map((c) => prediction.proba[i * 3 + c] as number);
    const best = argmaxClass(prediction.proba, i);
    rows.push([
      new Date(prediction.timestampMs[i] as number).toISOString(),
      ...p.map((v) => v.toFixed(4)),
      CLASS_NAMES[best] as string,
      ...(prediction.betSize ? [String(prediction.betSize[i])] : []),
    ]);
  }
  return formatTable(['bar', 'p(short)', 'p(neutral)', 'p(long)', 'class', ...(prediction.betSize ? ['contracts'] : [])], rows);
}

/**
 * `tribar predict`: class probabilities of a trained model for the bars of a file, made the way
 * the run made its own (clean, resample, features, scaler, window). `--json` prints one object
 * per bar (NDJSON) with the probabilities as the float32 values the model returned.
 */
export async function predictCommand(context: CliContext, options: PredictCommandOptions): Promise<ExitCode> {
  const { io } = context;
  const horizon = Number(options.horizon);
  if (!Number.isInteger(horizon) || horizon < 1) throw new UsageError(`--horizon ${options.horizon}: expected a positive whole number`);
  const runsDir = resolve(io.cwd, options.runsDir);
  const run = options.run ? await getRun(runsDir, options.run) : await latestRun(runsDir);
  if (!run) throw new UsageError(`no pipeline run in ${runsDir}`, { hint: 'run `tribar pipeline` with train.models first, or pass --run' });
  const predictor = await loadPredictor({
    runDir: run.runDir,
    model: options.model,
    symbol: options.symbol,
    horizon,
    logger: silentLogger(),
  });
  try {
    const bars = await readBarsFile(resolve(io.cwd, options.bars));
    const partners: Record<string, RawBarsInput> = {};
    for (const [symbol, file] of parsePartners(options.partner ?? [], io.cwd)) partners[symbol] = await readBarsFile(file);
    const prediction = await predictor.predict(bars, { partners });
    if (options.json) {
      for (let i = 0; i < prediction.rows; i++) {
        const p = [0, 1, 2].map((c) => prediction.proba[i * 3 + c] as number);
        print(
          io.out,
          JSON.stringify({
            [PREDICTION_COLUMN.timestamp]: new Date(prediction.timestampMs[i] as number).toISOString(),
            timestampMs: prediction.timestampMs[i],
            [PREDICTION_COLUMN.pShort]: p[0],
            [PREDICTION_COLUMN.pNeutral]: p[1],
            [PREDICTION_COLUMN.pLong]: p[2],
            [PREDICTION_COLUMN.predicted]: argmaxClass(prediction.proba, i),
            // Signed contracts, when the run sizes bets (the pipeline's own sizes for the same bar).
            ...(prediction.betSize ? { betSize: prediction.betSize[i] } : {}),
          }),
        );
      }
      return EXIT.ok;
    }
    const { info } = predictor;
    print(
      io.out,
      `${info.model} on ${info.symbol} h${info.horizon} (run ${info.runId}): ${prediction.rows} bar(s) of ${info.barMinutes} minutes`,
    );
    print(io.out, formatPredictions(prediction));
    return EXIT.ok;
  } finally {
    predictor.dispose();
  }
}
