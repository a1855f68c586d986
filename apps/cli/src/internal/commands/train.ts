import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  artifactPath,
  readJsonArtifact,
  runConfig,
  STAGE,
  trainLog,
  trainSummary,
  writeJsonArtifact,
  type RunState,
  type TrainSummaryFile,
} from '@tribar/artifacts';
import type { RunConfig } from '@tribar/config';
import { TribarError, UsageError, type LogLevel, type ProgressReporter } from '@tribar/core';
import { createDefaultRegistry, resolveHyperparameters, type ModelRegistry } from '@tribar/models';
import {
  getRun,
  listRuns,
  progressEmitter,
  recordRewrittenOutputs,
  RunIntegrityError,
  verifyRun,
  type PipelineEvent,
} from '@tribar/pipeline';
import { checkTrainSection, trainingPlan, trainModel, TRAIN_SUMMARY_VERSION, type TrainResult } from '@tribar/trainer';
import { openTracker } from '@tribar/tracker';
import type { CliContext, ConfigOptions } from '../context.js';
import { exitCodeFor, markLogged } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { formatTable, print } from '../io.js';
import { jsonEvents, type JsonEvents } from '../json-events.js';
import { createCliLogger } from '../logging.js';
import { createProgressDisplay } from '../progress.js';
import { loadCliConfig } from './config.js';

export interface TrainOptions extends ConfigOptions {
  model: string[];
  symbol?: string[];
  horizon?: string[];
  run?: string;
  hp?: string[];
  logLevel?: LogLevel;
  json?: boolean;
}

/** A Phase 1 run is trainable once its scale stage has completed. */
const trainable = (state: RunState) => state.stages[STAGE.scale]?.status === 'completed';

/** `tribar train`: fit models on the latest (or a named) Phase 1 run, track them, add them to the run's summary. */
/** A config.json that is not the one the run recorded (edited, or damaged) would train on settings the data never had. */
async function checkRunConfig(runDir: string, runId: string): Promise<void> {
  // Only config.json is hashed: the run's Arrow files are checked by the readers that load them.
  const problem = (await verifyRun(runDir, { paths: [runConfig.path] })).problems.find((p) => p.path === runConfig.path);
  if (problem === undefined) return;
  throw new RunIntegrityError(
    `${problem.problem}${'detail' in problem ? ` (${problem.detail})` : ''}: not the config run ${runId} was made with`,
    artifactPath(runDir, runConfig),
    `resume the run to rebuild it (\`tribar pipeline --resume --run-id ${runId}\`), or start a new run`,
  );
}

export async function trainCommand(context: CliContext, options: TrainOptions): Promise<ExitCode> {
  const json = options.json ? jsonEvents(context.io) : undefined;
  const run: { id: string | null; dir?: string } = { id: options.run ?? null };
  try {
    const results = await train(context, options, json, run);
    json?.summary({ runId: run.id, runDir: run.dir ?? null, status: 'completed', exitCode: EXIT.ok, results });
    return EXIT.ok;
  } catch (error) {
    json?.summary({ runId: run.id, runDir: run.dir ?? null, status: 'error', exitCode: exitCodeFor(error), error });
    throw error;
  }
}

/**
 * A progress reporter for one fit whose last reported epoch is exact: the pipeline's emitter sends at most one
 * update per 100 ms, so the epoch early stopping ended at would otherwise often go unreported.
 */
function fitProgress(emit: (event: PipelineEvent) => void): ProgressReporter {
  const inner = progressEmitter(STAGE.train, emit);
  let current = 0;
  let total = 0;
  let detail: { unit?: string; label?: string } = {};
  return {
    start(newTotal, options = {}) {
      [current, total, detail] = [0, newTotal, options];
      inner.start(newTotal, options);
    },
    advance(by = 1) {
      current += by;
      inner.advance(by);
    },
    update(value) {
      current = value;
      inner.update(value);
    },
    done() {
      if (current > 0 && current < total) emit({ type: 'stage-progress', stage: STAGE.train, current, total, ...detail });
      inner.done();
    },
  };
}

async function train(
  context: CliContext,
  options: TrainOptions,
  json: JsonEvents | undefined,
  found: { id: string | null; dir?: string },
): Promise<TrainResult[]> {
  const { io } = context;
  // Human lines go to standard error under --json: standard output holds only the events.
  const human = json ? io.err : io.out;
  const cliLoaded = await loadCliConfig(context, options);
  const cliConfig = cliLoaded.config;
  const runsDir = resolve(io.cwd, cliConfig.paths.runsDir);
  const run = options.run ? await getRun(runsDir, options.run) : (await listRuns(runsDir)).find((r) => trainable(r.state));
  if (!run) {
    throw new TribarError('RUN_NOT_FOUND', `no Phase 1 run with a completed scale stage in ${runsDir}`, {
      hint: 'run `tribar pipeline` first',
    });
  }
  [found.id, found.dir] = [run.runId, run.runDir];
  if (!trainable(run.state)) {
    throw new TribarError('RUN_NOT_FOUND', `run ${run.runId} has no completed scale stage`, {
      hint: `run \`tribar pipeline --run-id ${run.runId} --resume\` first`,
    });
  }
  // The run's own config is the truth about its data (contracts and costs, seed) and carries its train
  // section: it is the base; --config, the environment and --set apply on top of it.
  const runConfigFile = artifactPath(run.runDir, runConfig);
  await checkRunConfig(run.runDir, run.runId);
  const loaded = existsSync(runConfigFile) ? await loadCliConfig(context, options, runConfigFile) : cliLoaded;
  print(human, `config: ${loaded.layers.map((layer) => layer.source).join(' < ')}${options.hp?.length ? ' < --hp' : ''}`);
  const registry = createDefaultRegistry();
  const models = options.model;
  checkTrainSection(registry, { ...loaded.config.train, models });
  const tuned = withHyperparameters(registry, loaded.config, models, parseHyperparameters(options.hp ?? []));
  // The command line's models, symbols and horizons in place of the config's: the same plan the stage follows.
  const config: RunConfig = {
    ...tuned,
    train: {
      ...tuned.train,
      models: [...models],
      ...(options.symbol?.length ? { symbols: options.symbol } : {}),
      ...(options.horizon?.length ? { horizons: options.horizon.map(Number) } : {}),
    },
  };

  const display = json ?? createProgressDisplay(io);
  const logger = createCliLogger(io, {
    level: options.logLevel ?? config.logging.level,
    logFile: artifactPath(run.runDir, trainLog),
    sink: display.sink,
  }).child({ runId: run.runId });
  const tracker = await openTracker(resolve(io.cwd, config.train.tracking.dir), { logger });
  const results: TrainResult[] = [];
  // Tracker ids are not in the run's artifacts (they differ per fit); the table shows them from the fit's callback.
  const trackerIds = new Map<string, string>();
  try {
    for (const item of trainingPlan(config)) {
      const result = await trainModel({
        ...item,
        runDir: run.runDir,
        registry,
        config,
        tracker,
        runId: run.runId,
        trials: models.length + config.train.ensembles.length,
        logger,
        progress: fitProgress(display.onEvent),
        onFitRun: (fit) => {
          if (fit.trackerRunId) trackerIds.set(fitKey(item), fit.trackerRunId);
        },
      });
      results.push(result);
      json?.emit('fit-done', { ...result, trackerRunId: trackerIds.get(fitKey(item)) ?? null });
    }
  } catch (error) {
    // The stack goes to the run's train log (and to the console at debug); the command prints the one line.
    logger.debug({ err: error }, 'training stopped on an error');
    markLogged(error);
    throw error;
  } finally {
    display.stop();
  }
  await mergeSummary(run.runDir, results);
  // A run whose pipeline trained too: the files rewritten here (its summary, a refitted model) keep the train stage
  // intact in the manifest, so `tribar report` can re-render after it.
  await recordRewrittenOutputs(run.runDir, STAGE.train);
  print(human, formatTrainResults(results, trackerIds));
  print(human, `run folder: ${run.runDir}`);
  // Training here runs outside the pipeline, so the run's report is not re-rendered by it.
  print(human, `report: \`tribar report ${run.runId}\` (it uses the run's own config) adds these models to it`);
  print(
    human,
    `tracked in ${resolve(io.cwd, config.train.tracking.dir)} (experiment '${config.train.tracking.experiment}'): tribar runs list`,
  );
  return results;
}

/**
 * `--hp` on top of the config's hyperparameters of the one model named: `--hp maxDepth=4` keeps the
 * config's `nEstimators`. With several models it is refused rather than applied to all or ignored.
 */
function withHyperparameters(
  registry: ModelRegistry,
  config: RunConfig,
  models: readonly string[],
  hp: Record<string, unknown>,
): RunConfig {
  if (Object.keys(hp).length === 0) return config;
  if (models.length !== 1) {
    throw new UsageError(`--hp applies to a single --model, got ${models.length} (${models.join(', ')})`, {
      hint: "Train them one at a time, or set each model's values with --set train.hyperparameters.<model>.<name>=<value>.",
    });
  }
  const name = registry.card(models[0] as string).name;
  const table: Record<string, Record<string, unknown>> = {};
  let own: Record<string, unknown> = {};
  for (const [key, values] of Object.entries(config.train.hyperparameters)) {
    if (registry.has(key) && registry.card(key).name === name) own = values;
    else table[key] = values;
  }
  table[name] = { ...own, ...hp };
  resolveHyperparameters(registry.card(name), table[name]); // a wrong name, type or range fails here, before any training
  return { ...config, train: { ...config.train, hyperparameters: table } };
}

/** `--hp maxDepth=4`: numbers, booleans and JSON lists are parsed, anything else stays a string. */
export function parseHyperparameters(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--hp expects key=value, got '${pair}'`, { hint: 'e.g. --hp maxDepth=4 --hp hiddenUnits=[64,32]' });
    const raw = pair.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a bare word such as `balanced` is a string
    }
    out[pair.slice(0, at)] = value;
  }
  return out;
}

/** The results of a train summary read through its contract. */
function summaryResults(summary: TrainSummaryFile): TrainResult[] {
  const results: unknown = summary['results'];
  return Array.isArray(results) ? (results as TrainResult[]) : [];
}

/** Replace results of the same model × symbol × horizon in the run's train summary, keep the others. */
async function mergeSummary(runDir: string, results: TrainResult[]): Promise<void> {
  const previous = existsSync(artifactPath(runDir, trainSummary)) ? summaryResults(await readJsonArtifact(runDir, trainSummary)) : [];
  const key = (r: TrainResult) => `${r.model}|${r.symbol}|${r.horizon}`;
  const fresh = new Set(results.map(key));
  await writeJsonArtifact(runDir, trainSummary, {
    version: TRAIN_SUMMARY_VERSION,
    results: [...previous.filter((r) => !fresh.has(key(r))), ...results],
  });
}

const fixed = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);

/** Models side by side: one row per model × symbol × horizon, test metrics and the backtest. */
const fitKey = (fit: { model: string; symbol: string; horizon: number }) => `${fit.model}|${fit.symbol}|${fit.horizon}`;

/** Models side by side: `trackerIds` (model|symbol|horizon → tracked run id) fills the last column when known. */
export function formatTrainResults(results: readonly TrainResult[], trackerIds: ReadonlyMap<string, string> = new Map()): string {
  const rows = results.map((r) => [
    r.model,
    r.symbol,
    `h${r.horizon}`,
    fixed(r.test.accuracy),
    fixed(r.test.macroF1),
    fixed(r.test.logLoss),
    String(r.backtest.trades),
    fixed(r.backtest.winRate),
    fixed(r.backtest.profitFactor, 2),
    fixed(r.backtest.totalUsd, 2),
    fixed(r.backtest.sharpe, 2),
    fixed(r.backtest.maxDrawdownUsd, 2),
    fixed(r.backtest.dsr),
    `${r.fit.bestEpoch + 1}/${r.fit.epochs}`,
    trackerIds.get(fitKey(r))?.slice(0, 8) ?? '–',
  ]);
  return formatTable(
    [
      'model',
      'symbol',
      'H',
      'acc',
      'macroF1',
      'logloss',
      'trades',
      'win',
      'PF',
      'net $',
      'sharpe',
      'maxDD $',
      'DSR',
      'best/epochs',
      'tracked',
    ],
    rows,
  );
}

/** Print the run's training summary after a pipeline run, when it trained. */
export async function printTrainSummary(out: NodeJS.WritableStream, runDir: string): Promise<void> {
  if (!existsSync(artifactPath(runDir, trainSummary))) return;
  const results = summaryResults(await readJsonArtifact(runDir, trainSummary));
  if (results.length > 0) print(out, formatTrainResults(results));
}
