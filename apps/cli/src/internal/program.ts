import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import { configPrint, configSchema, configValidate } from './commands/config.js';
import { pipelineCommand, type PipelineOptions } from './commands/pipeline.js';
import { cleanCommand, compareCommand, runsCommand, statusCommand, type RunsDirOption } from './commands/runs.js';
import { trackedCompare, trackedList, trackedShow, type TrackedOptions } from './commands/tracked.js';
import { trainCommand, type TrainOptions } from './commands/train.js';
import { modelsCommand, modelsShowCommand, type ModelsShowOptions } from './commands/models.js';
import { predictCommand, type PredictCommandOptions } from './commands/predict.js';
import { tuneCommand, tuneShowCommand, type TuneOptions } from './commands/tune.js';
import { workerCommand, type WorkerOptions } from './commands/worker.js';
import type { CliContext, ConfigOptions } from './context.js';
import { reportError, wantsStacks } from './errors.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { UsageError } from '@tribar/core';

/** This package's version (`../../package.json` from both `src/internal/` and `dist/internal/`). */
const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

const collect = (value: string, previous: string[] = []) => [...previous, value];
const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

function configOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'YAML or JSON config file (defaults apply to anything it leaves out)')
    .option('--set <path=value>', 'override one setting, e.g. --set splits.purgeBars=60 (repeatable)', collect);
}

type StatusOptions = RunsDirOption & { verify?: boolean; json?: boolean };
type CleanOptions = RunsDirOption & { all?: boolean; force?: boolean; cache?: boolean; tmp?: boolean };

const logLevelOption = () =>
  new Option('--log-level <level>', 'console log level (debug and trace also print the stack of an error)').choices([
    'trace',
    'debug',
    'info',
    'warn',
    'error',
    'silent',
  ]);

const runsDirOption = () => new Option('--runs-dir <dir>', 'folder holding the runs').default('runs');

/**
 * Parse `argv` and run the command. Never exits the process: returns the exit code, so the
 * same program runs under tests with captured streams.
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  // Commander calls actions with the positional arguments, then the options object.
  const act =
    <A extends unknown[]>(fn: (...args: A) => Promise<ExitCode>) =>
    async (...args: A) => {
      exitCode = await fn(...args);
    };

  const program = new Command('tribar')
    .description('Leakage-free labeled datasets from futures bars: run the pipeline and inspect its runs.')
    .version(VERSION, '-V, --version', 'print the version and exit')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.io.out.write(text),
      writeErr: (text) => context.io.err.write(text),
    })
    .showHelpAfterError();

  configOptions(program.command('pipeline').description('run the registered stages in a run folder'))
    .option('--from <stage>', 'run this stage and everything after it, even if up to date')
    .option('--only <stages>', 'run only these stages (comma-separated), even if up to date', list)
    .option('--run-id <id>', 'run folder name; an existing run is resumed, skipping up-to-date stages')
    .option('--resume', 'continue the latest run (or --run-id) with its own config.json, skipping up-to-date stages')
    .option('--reconfigure', 'let --config/--set change the settings of an existing run (otherwise refused with exit 2)')
    .addOption(logLevelOption())
    .option('--json', 'NDJSON events on standard output (one object per line), no progress bar; logs stay on standard error')
    .action(act((options: PipelineOptions) => pipelineCommand(context, options)));

  configOptions(
    program
      .command('report [run]')
      .description("re-render a run's report from its artifacts (e.g. after `train`), with the run's own config"),
  )
    .addOption(logLevelOption())
    .action(
      act((run: string | undefined, options: PipelineOptions) =>
        pipelineCommand(context, { ...options, resume: true, only: ['report'], ...(run === undefined ? {} : { runId: run }) }),
      ),
    );

  program
    .command('status [run]')
    .description('stage by stage state of a run (default: the latest)')
    .addOption(runsDirOption())
    .option('--verify', 'check every artifact against its manifest checksum')
    .option('--json', 'the run state as JSON, with the live process that writes it (pid, host, heartbeat age)')
    .action(act((run: string | undefined, options: StatusOptions) => statusCommand(context, run, options)));

  configOptions(program.command('train').description('fit models on the latest Phase 1 run (or --run), track them and add them to the run'))
    .requiredOption('-m, --model <names>', 'model families, e.g. xgboost or xgboost,logistic,mlp', list)
    .option('-s, --symbol <symbols>', 'symbols (default: train.symbols or every configured symbol)', list)
    .option('-H, --horizon <horizons>', 'horizons (default: train.horizons or every configured horizon)', list)
    .option('--run <id>', 'Phase 1 run to train on (default: the latest with a completed scale stage)')
    .option('--hp <key=value>', 'hyperparameter of a single --model, e.g. --hp maxDepth=4 (repeatable)', collect)
    .addOption(logLevelOption())
    .option('--json', 'NDJSON events on standard output (one object per line), no progress bar; logs stay on standard error')
    .action(act((options: TrainOptions) => trainCommand(context, options)));

  const tune = configOptions(
    program.command('tune').description("tune a model's hyperparameters on a Phase 1 run (a study, journaled and resumable)"),
  )
    .option('-m, --model <name>', 'model family, e.g. xgboost')
    .option('-s, --symbol <symbol>', 'symbol, e.g. MES')
    .option('-H, --horizon <bars>', 'label horizon, e.g. 20')
    .option('--trials <n>', 'complete or pruned trials to reach (default tune.trials)')
    .addOption(new Option('--sampler <name>', 'how trials are proposed (default tune.sampler)').choices(['tpe', 'random', 'grid', 'cmaes']))
    .addOption(
      new Option('--pruner <name>', 'early stop of bad trials (default tune.pruner)').choices([
        'none',
        'median',
        'successive-halving',
        'hyperband',
      ]),
    )
    .addOption(new Option('--metric <name>', 'what a trial scores (default tune.metric)').choices(['logLoss', 'macroF1', 'sharpe']))
    .option('--workers <n>', 'trials in parallel (default tune.workers)')
    .option('--run <id>', 'Phase 1 run to tune on (default: the latest with a completed scale stage)')
    .option('--study <name>', 'study name (default <model>-<symbol>-h<horizon>)')
    .option('--resume', "continue the study's journal after an interruption")
    .option('--redis <url>', 'redis://host:port: trials through a BullMQ queue named after the study, run by `tribar worker`s')
    .addOption(logLevelOption())
    .action(
      act((options: TuneOptions) => {
        if (!options.model || !options.symbol || !options.horizon) {
          throw new UsageError('tune needs --model, --symbol and --horizon', {
            hint: 'e.g. tribar tune --model xgboost --symbol MES --horizon 20',
          });
        }
        return tuneCommand(context, options);
      }),
    );
  configOptions(tune.command('show <study>').description("a study's trials table (a name under tune.dir, or a .jsonl path)"))
    .option('--json', 'the study summary as JSON')
    .action(act((study: string, options: ConfigOptions & { json?: boolean }) => tuneShowCommand(context, study, options)));
  program
    .command('worker')
    .description('run the trials of `tune --redis` studies on this machine')
    .requiredOption('--redis <url>', 'redis://host:port')
    .option('--concurrency <n>', 'trials at once, each in a worker thread (default 1)')
    .option('--lock-ms <ms>', 'how long a dead worker holds its trial before another takes it (default 30000)')
    .addOption(logLevelOption())
    .action(act((options: WorkerOptions) => workerCommand(context, options)));

  const models = program
    .command('models')
    .description('registered model families with their hyperparameters; `models show` for the models a run saved')
    .option('--json', 'the cards as JSON')
    .action(act((options: { json?: boolean }) => modelsCommand(context, options)));
  models
    .command('show [run]')
    .description("a run's saved models (default: the latest run), read back from their MLmodel files")
    .addOption(runsDirOption())
    .option('--json', 'machine-readable output')
    // `--json` after `show` is parsed by `models` itself (commander reads a parent's options anywhere).
    .action(
      act((run: string | undefined, options: ModelsShowOptions) =>
        modelsShowCommand(context, run, { ...options, json: options.json === true || models.opts<{ json?: boolean }>().json === true }),
      ),
    );

  program
    .command('predict')
    .description('class probabilities of a trained model for the bars of a file, made the way its run made them')
    .requiredOption('-m, --model <name>', 'a model the run trained, e.g. logistic')
    .requiredOption('-s, --symbol <symbol>', 'the symbol the bars are of')
    .requiredOption('-H, --horizon <bars>', 'the horizon the model was trained for')
    .requiredOption('--bars <file>', 'raw one-minute bars, oldest first: .csv, .json (array of objects) or .arrow')
    .option('--partner <SYMBOL=file>', "another symbol's bars, for cross-asset features (repeatable)", collect)
    .option('--run <id>', 'pipeline run holding the model (default: the latest)')
    .addOption(runsDirOption())
    .option('--json', 'one JSON object per bar (NDJSON)')
    .action(act((options: PredictCommandOptions) => predictCommand(context, options)));

  const tracked = program.command('runs').description('tracked training runs (MLflow file layout): list, show, compare');
  const trackedOptions = (command: Command) =>
    configOptions(command)
      .option('--tracking <dir>', 'tracker root (default: train.tracking.dir, mlruns)')
      .option('--experiment <name>', 'only this experiment')
      .option('--metrics <keys>', 'metrics to show, comma-separated', list)
      .option('--json', 'machine-readable output');
  trackedOptions(tracked.command('list').description('tracked runs, newest first, with their final metrics')).action(
    act((options: TrackedOptions) => trackedList(context, options)),
  );
  trackedOptions(tracked.command('show <run>').description("one run's params, metrics and tags (id or unique prefix)")).action(
    act((run: string, options: TrackedOptions) => trackedShow(context, run, options)),
  );
  trackedOptions(tracked.command('compare <runs...>').description('metrics of several runs side by side')).action(
    act((runs: string[], options: TrackedOptions) => trackedCompare(context, runs, options)),
  );

  program
    .command('pipelines')
    .description('list pipeline runs (run folders), newest first')
    .addOption(runsDirOption())
    .option('--json', 'machine-readable output')
    .action(act((options: RunsDirOption & { json?: boolean }) => runsCommand(context, options)));

  program
    .command('compare <runA> <runB>')
    .description('diff two runs by the bytes of every result file: config, manifest, artifacts (exit 1 when they differ)')
    .addOption(runsDirOption())
    .option('--json', 'machine-readable output')
    .action(act((a: string, b: string, options: RunsDirOption & { json?: boolean }) => compareCommand(context, a, b, options)));

  program
    .command('clean [runs...]')
    .description('delete run folders, and with --cache the shared caches (the GA store in <runs-dir>/.cache/ga)')
    .addOption(runsDirOption())
    .option('--cache', 'empty the content-addressed caches (results are recomputed on the next run, never changed)')
    .option('--tmp', "only remove the named runs' leftover *.tmp-* files (writes cut off by kill -9), keeping the runs")
    .option('--all', 'every run (needs --force)')
    .option('--force', 'confirm --all')
    .action(act((runs: string[], options: CleanOptions) => cleanCommand(context, runs, options)));

  const config = program.command('config').description('inspect the configuration');
  configOptions(config.command('validate').description('check a config; lists every problem at once')).action(
    act((options: ConfigOptions) => configValidate(context, options)),
  );
  configOptions(config.command('print').description('print the config in effect (defaults, file, env, --set)'))
    .option('--json', 'JSON instead of YAML')
    .action(act((options: ConfigOptions & { json?: boolean }) => configPrint(context, options)));
  config
    .command('schema')
    .description('print the JSON Schema of config files')
    .action(act(() => configSchema(context)));

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(context.io, error, wantsStacks(argv, context.io.env));
  }
}
