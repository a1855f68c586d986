import { basename, join } from 'node:path';
import { silentLogger, type Logger } from './logger.js';
import { Rng } from './rng.js';

/**
 * How a long step reports progress. The pipeline turns these calls into progress events;
 * apps draw them as a bar on a terminal or as log lines elsewhere.
 */
export interface ProgressReporter {
  /** Begin (or restart) a measured step of `total` units, e.g. rows or symbols. */
  start(total: number, options?: { unit?: string; label?: string }): void;
  advance(by?: number): void;
  update(current: number): void;
  done(): void;
}

export const noProgress: ProgressReporter = {
  start() {},
  advance() {},
  update() {},
  done() {},
};

/** What a stage sees while it runs. */
export interface StageContext<TConfig> {
  readonly runId: string;
  /** Absolute path of the run folder. */
  readonly runDir: string;
  readonly config: TConfig;
  readonly logger: Logger;
  /** Seeded from the run's seed and the stage's name: independent of which stages ran before. */
  readonly rng: Rng;
  readonly progress: ProgressReporter;
  readonly signal: AbortSignal;
  /** Absolute path of a run-relative artifact (an input from an upstream stage, or an output). */
  path(runRelative: string): string;
}

/** What a stage may report back; it lands in the run's state file and in its manifest entries. */
export interface StageOutcome {
  /** Small numbers worth showing (rows written, labels per class…). */
  metrics?: Record<string, number | string | boolean>;
  /** Extra metadata per output path, stored in the manifest. */
  artifactMetadata?: Record<string, Record<string, unknown>>;
}

/**
 * A pipeline stage. Packages declare their stages with this contract (it lives in core so a
 * data package never imports the orchestrator); `@tribar/pipeline` resolves and runs them.
 */
export interface StageDefinition<TConfig> {
  name: string;
  description: string;
  /** Names of the stages whose outputs this stage reads. */
  dependsOn: readonly string[];
  /** A failed required stage stops the run; an optional one only blocks its dependents. */
  required?: boolean;
  /** Bump when the stage's code changes what it writes, so earlier results stop counting as up to date. */
  version: number;
  /**
   * Dotted config paths the stage reads (e.g. `splits.purgeBars`, `symbols`). Only this slice
   * of the config (plus the seed) decides whether a recorded result is still valid.
   */
  configKeys: readonly string[];
  /** Run-relative artifacts this stage reads; each must be an output of a stage it depends on. */
  inputs(config: TConfig): string[];
  /** Files outside the run (raw data) whose bytes this stage depends on. */
  externalInputs?(config: TConfig): string[];
  /** Run-relative artifacts this stage must have written when it completes. */
  outputs(config: TConfig): string[];
  run(context: StageContext<TConfig>): Promise<StageOutcome | void>;
}

/** Identity helper that keeps a stage's config type inferred at the definition site. */
export function defineStage<TConfig>(stage: StageDefinition<TConfig>): StageDefinition<TConfig> {
  return stage;
}

export interface StageContextOptions<TConfig> {
  /** Absolute path of the run folder. */
  runDir: string;
  config: TConfig;
  /** Defaults to the run folder's name. */
  runId?: string;
  /** Seeds the default rng as the pipeline does: `new Rng(seed).fork('stage/<name>')`. */
  stage?: string;
  logger?: Logger;
  rng?: Rng;
  progress?: ProgressReporter;
  signal?: AbortSignal;
}

/**
 * The context a stage runs with. The pipeline builds it for every stage; call it yourself to run
 * one stage on a run folder outside the pipeline (a notebook, a test): defaults are a silent
 * logger, no progress, a never-aborted signal and the pipeline's seeding of the rng.
 */
export function createStageContext<TConfig>(options: StageContextOptions<TConfig>): StageContext<TConfig> {
  const { runDir, config } = options;
  const seed = (config as { seed?: unknown }).seed;
  return {
    runId: options.runId ?? basename(runDir),
    runDir,
    config,
    logger: options.logger ?? silentLogger(),
    rng: options.rng ?? new Rng(typeof seed === 'number' ? seed : 0).fork(`stage/${options.stage ?? 'stage'}`),
    progress: options.progress ?? noProgress,
    signal: options.signal ?? new AbortController().signal,
    path: (runRelative) => join(runDir, runRelative),
  };
}
