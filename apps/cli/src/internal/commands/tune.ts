import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { artifactPath, runConfig, STAGE, type RunState } from '@tribar/artifacts';
import type { TuneConfig } from '@tribar/config';
import { TribarError, UsageError, type LogLevel } from '@tribar/core';
import { createDefaultRegistry } from '@tribar/models';
import { getRun, listRuns } from '@tribar/pipeline';
import { Tracker } from '@tribar/tracker';
import { readStudy, runModelStudy, studyFiles, studySummary, trialsTable, type Study } from '@tribar/tuning';
import type { CliContext, ConfigOptions } from '../context.js';
import { markLogged } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { formatTable, print } from '../io.js';
import { createCliLogger } from '../logging.js';
import { loadCliConfig } from './config.js';

export interface TuneOptions extends ConfigOptions {
  model: string;
  symbol: string;
  horizon: string;
  trials?: string;
  sampler?: TuneConfig['sampler'];
  pruner?: TuneConfig['pruner'];
  metric?: TuneConfig['metric'];
  workers?: string;
  run?: string;
  study?: string;
  resume?: boolean;
  redis?: string;
  logLevel?: LogLevel;
}

const trainable = (state: RunState) => state.stages[STAGE.scale]?.status === 'completed';

function positiveInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} expects a positive whole number, got '${raw}'`);
  return n;
}

const fmt = (x: number | null | undefined, digits = 4) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));

/** A bar on a terminal (trial n/N, best so far); a line per trial otherwise. */
function trialProgress(context: CliContext, total: number) {
  const { err } = context.io;
  if (err.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: 'tune [{bar}] trial {value}/{total} | best {best}', stream: err, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    return {
      start: (done: number) => bar.start(total, done, { best: '–' }),
      trial: (study: Study) => bar.update(study.finishedCount, { best: fmt(study.bestTrial?.value) }),
      stop: () => bar.stop(),
    };
  }
  return {
    start: (done: number) => print(err, `tune: ${done}/${total} trials done`),
    trial: (study: Study) => {
      const last = study.trials[study.trials.length - 1];
      print(
        err,
        `trial ${study.finishedCount}/${total} (#${last?.number} ${last?.state} ${fmt(last?.value)}) best ${fmt(study.bestTrial?.value)}`,
      );
    },
    stop: () => {},
  };
}

/** `tribar tune`: a hyperparameter study of one model on one symbol × horizon of a Phase 1 run. */
export async function tuneCommand(context: CliContext, options: TuneOptions): Promise<ExitCode> {
  const { io } = context;
  const cliConfig = (await loadCliConfig(context, options)).config;
  const runsDir = resolve(io.cwd, cliConfig.paths.runsDir);
  const run = options.run ? await getRun(runsDir, options.run) : (await listRuns(runsDir)).find((r) => trainable(r.state));
  if (!run || !trainable(run.state)) {
    throw new TribarError('RUN_NOT_FOUND', `no Phase 1 run with a completed scale stage in ${runsDir}`, {
      hint: 'run `tribar pipeline` first',
    });
  }
  const runConfigFile = artifactPath(run.runDir, runConfig);
  const loaded = existsSync(runConfigFile) ? await loadCliConfig(context, options, runConfigFile) : await loadCliConfig(context, options);
  const config = loaded.config;
  const tune: TuneConfig = {
    ...config.tune,
    ...(options.trials !== undefined ? { trials: positiveInt('--trials', options.trials)! } : {}),
    ...(options.workers !== undefined ? { workers: positiveInt('--workers', options.workers)! } : {}),
    ...(options.sampler ? { sampler: options.sampler } : {}),
    ...(options.pruner ? { pruner: options.pruner } : {}),
    ...(options.metric ? { metric: options.metric } : {}),
  };
  const horizon = positiveInt('--horizon', options.horizon)!;
  const registry = createDefaultRegistry();
  const studiesDir = resolve(io.cwd, tune.dir);
  const logger = createCliLogger(io, { level: options.logLevel ?? config.logging.level }).child({ runId: run.runId });
  const tracker = await Tracker.open(resolve(io.cwd, config.train.tracking.dir), { logger });
  const progress = trialProgress(context, tune.trials);
  print(
    io.out,
    `tune ${registry.card(options.model).name} on ${options.symbol} h${horizon} of run ${run.runId}: ${tune.trials} trials, ${tune.sampler}, pruner ${tune.pruner}, metric ${tune.metric}`,
  );
  if (options.redis)
    print(
      io.out,
      `trials go to a BullMQ queue named after the study on ${options.redis}: start \`tribar worker --redis ${options.redis}\` on machines that see the run folder`,
    );
  if (tune.workers > 1 && tune.sampler === 'tpe')
    print(
      io.out,
      `${tune.workers} ${options.redis ? 'trials queued at once' : 'workers'}: TPE counts running trials as bad ones (constant liar)`,
    );
  progress.start(0);
  try {
    const result = await runModelStudy({
      runDir: run.runDir,
      runId: run.runId,
      symbol: options.symbol,
      horizon,
      model: options.model,
      registry,
      config,
      tune,
      studiesDir,
      ...(options.study ? { name: options.study } : {}),
      resume: options.resume ?? false,
      ...(options.redis ? { redis: options.redis } : {}),
      tracker,
      logger,
      onTrial: (_trial, study) => progress.trial(study),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    progress.stop();
    const { summary, test } = result;
    print(
      io.out,
      `study ${summary.name}: ${summary.counts.complete} complete, ${summary.counts.pruned} pruned, ${summary.counts.fail} failed`,
    );
    if (summary.best)
      print(io.out, `best trial #${summary.best.number}: ${tune.metric} ${fmt(summary.best.value)} ${JSON.stringify(summary.best.params)}`);
    if (test) {
      print(
        io.out,
        `test (once, best trial): log loss ${fmt(test.test.logLoss)}, macro F1 ${fmt(test.test.macroF1)}, sharpe ${fmt(test.backtest.sharpe, 2)}, ` +
          `deflated Sharpe ratio ${fmt(test.deflatedSharpe, 3)} (N = ${test.trials} trials)`,
      );
    }
    print(io.out, `journal: ${result.journal}`);
    print(io.out, `summary: ${result.summaryFile}`);
    return EXIT.ok;
  } catch (error) {
    progress.stop();
    logger.debug({ err: error }, 'tuning stopped on an error');
    markLogged(error);
    throw error;
  }
}

/** `tribar tune show <study>`: the trials table of a study's journal (a name under tune.dir, or a path). */
export async function tuneShowCommand(context: CliContext, name: string, options: ConfigOptions & { json?: boolean }): Promise<ExitCode> {
  const { config } = await loadCliConfig(context, options);
  const journal = name.endsWith('.jsonl')
    ? resolve(context.io.cwd, name)
    : studyFiles(resolve(context.io.cwd, config.tune.dir), name).journal;
  const study = readStudy(journal);
  const summary = studySummary(study, null);
  if (options.json) {
    context.io.out.write(JSON.stringify(summary, null, 2) + '\n');
    return EXIT.ok;
  }
  const [header, ...rows] = trialsTable(summary);
  print(
    context.io.out,
    `study ${summary.name} (${summary.direction}, ${summary.sampler}, pruner ${summary.pruner}, seed ${summary.seed}) ${JSON.stringify(summary.meta)}`,
  );
  print(context.io.out, formatTable(header!, rows));
  if (summary.best) print(context.io.out, `best: trial #${summary.best.number} value ${fmt(summary.best.value)}`);
  return EXIT.ok;
}
