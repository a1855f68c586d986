import { crc32 } from 'node:zlib';
import { UsageError } from '@tribar/core';
import { percentileOf } from '@tribar/quant';
import { lastStep, lossOf, type AttrValue, type Direction, type FrozenTrial } from './trial.js';

/** What a pruner sees: the study's trials (the asking one included, with its reports so far). */
export interface PruneContext {
  studyName: string;
  direction: Direction;
  trials: readonly FrozenTrial[];
  trial: FrozenTrial;
  /** Record bookkeeping on the trial (successive-halving rungs); the study journals it. */
  setSystemAttr(key: string, value: AttrValue): void;
}

export interface Pruner {
  readonly name: string;
  shouldPrune(context: PruneContext): boolean;
}

export class NopPruner implements Pruner {
  readonly name = 'none';
  shouldPrune(): boolean {
    return false;
  }
}

export interface MedianPrunerOptions {
  /** No pruning until this many trials completed (Optuna: 5). */
  startupTrials?: number;
  /** No pruning before this step (Optuna: 0). */
  warmupSteps?: number;
  /** Check every this many steps after the warm-up (Optuna: 1). */
  intervalSteps?: number;
  /** Completed trials that must have reported at the step (Optuna: 1). */
  minTrials?: number;
}

/**
 * Optuna's MedianPruner: stop a trial whose best value so far is worse than the median of the
 * completed trials' values at the same step.
 */
export class MedianPruner implements Pruner {
  readonly name = 'median';
  readonly #startup: number;
  readonly #warmup: number;
  readonly #interval: number;
  readonly #minTrials: number;

  constructor(options: MedianPrunerOptions = {}) {
    this.#startup = options.startupTrials ?? 5;
    this.#warmup = options.warmupSteps ?? 0;
    this.#interval = options.intervalSteps ?? 1;
    this.#minTrials = options.minTrials ?? 1;
  }

  shouldPrune({ trial, trials, direction }: PruneContext): boolean {
    const step = lastStep(trial);
    if (step === undefined) return false;
    const completed = trials.filter((t) => t.state === 'complete');
    if (completed.length < this.#startup || step < this.#warmup) return false;
    if ((step - this.#warmup) % this.#interval !== 0) return false;
    let best = Infinity;
    for (const v of trial.intermediate.values()) if (!Number.isNaN(v)) best = Math.min(best, lossOf(direction, v));
    if (best === Infinity) return true;
    const atStep: number[] = [];
    for (const t of completed) {
      const v = t.intermediate.get(step);
      if (v !== undefined && !Number.isNaN(v)) atStep.push(lossOf(direction, v));
    }
    if (atStep.length < this.#minTrials) return false;
    return best > percentileOf(Float64Array.from(atStep), 50, () => true);
  }
}

export interface SuccessiveHalvingOptions {
  /** Steps before the first rung; default: the first completed trial's last step ÷ 100 (at least 1). */
  minResource?: number;
  /** η: a rung keeps the best 1/η (Optuna: 4). */
  reductionFactor?: number;
  /** s: the first rung sits at minResource·η^s (Optuna: 0). */
  minEarlyStoppingRate?: number;
  /** Trials a rung needs before it promotes anyone (Optuna: 0). */
  bootstrapCount?: number;
}

const RUNG_PREFIX = 'sh:rung';

function currentRung(trial: FrozenTrial, prefix: string): number {
  let rung = 0;
  while (`${prefix}${rung}` in trial.systemAttrs) rung++;
  return rung;
}

/**
 * Optuna's SuccessiveHalvingPruner (asynchronous successive halving, Li et al. 2018): at rung r,
 * step minResource·η^(s+r), a trial goes on only when its value is in the best 1/η of every value
 * recorded at that rung so far.
 */
export class SuccessiveHalvingPruner implements Pruner {
  readonly name: string = 'successive-halving';
  #minResource: number | undefined;
  readonly #eta: number;
  readonly #s: number;
  readonly #bootstrap: number;
  /** Restricts the competing trials (Hyperband's brackets). */
  readonly #filter: (t: FrozenTrial) => boolean;
  readonly #prefix: string;

  constructor(options: SuccessiveHalvingOptions = {}, filter: (t: FrozenTrial) => boolean = () => true, prefix = RUNG_PREFIX) {
    this.#minResource = options.minResource;
    this.#eta = options.reductionFactor ?? 4;
    this.#s = options.minEarlyStoppingRate ?? 0;
    this.#bootstrap = options.bootstrapCount ?? 0;
    if (!(this.#eta >= 2)) throw new UsageError(`successive halving: reductionFactor must be >= 2, got ${this.#eta}`);
    this.#filter = filter;
    this.#prefix = prefix;
  }

  shouldPrune({ trial, trials, direction, setSystemAttr }: PruneContext): boolean {
    const step = lastStep(trial);
    if (step === undefined) return false;
    const value = trial.intermediate.get(step)!;
    let rung = currentRung(trial, this.#prefix);
    for (;;) {
      if (this.#minResource === undefined) {
        const steps = trials
          .filter((t) => t.state === 'complete')
          .map(lastStep)
          .filter((s): s is number => s !== undefined);
        if (steps.length === 0) return false;
        this.#minResource = Math.max(Math.floor(Math.max(...steps) / 100), 1);
      }
      const promotionStep = this.#minResource * this.#eta ** (this.#s + rung);
      if (step < promotionStep) return false;
      if (Number.isNaN(value)) return true;
      const key = `${this.#prefix}${rung}`;
      const competing = trials
        .filter((t) => t.number !== trial.number && this.#filter(t))
        .map((t) => t.systemAttrs[key])
        .filter((v): v is number => typeof v === 'number')
        .map((v) => lossOf(direction, v));
      setSystemAttr(key, value);
      competing.push(lossOf(direction, value));
      if (competing.length <= this.#bootstrap) return true;
      competing.sort((a, b) => a - b);
      const promotable = Math.max(Math.floor(competing.length / this.#eta) - 1, 0);
      if (lossOf(direction, value) > competing[promotable]!) return true;
      rung++;
    }
  }
}

export interface HyperbandOptions {
  /** Steps of the smallest budget (Optuna: 1). */
  minResource?: number;
  /** Steps a trial runs at most (the epochs of a fit). */
  maxResource: number;
  /** η (Optuna: 3). */
  reductionFactor?: number;
  bootstrapCount?: number;
}

/**
 * Optuna's HyperbandPruner: ⌊log_η(max/min)⌋ + 1 brackets of successive halving with early-stopping
 * rates 0, 1, …; each trial joins the bracket its CRC-32 of `<study>_<number>` falls in, weighted
 * by the brackets' trial budgets, and competes only within it.
 */
export class HyperbandPruner implements Pruner {
  readonly name = 'hyperband';
  readonly #brackets: SuccessiveHalvingPruner[] = [];
  readonly #budgets: number[] = [];
  readonly #total: number;

  constructor(options: HyperbandOptions) {
    const min = options.minResource ?? 1;
    const eta = options.reductionFactor ?? 3;
    if (!(options.maxResource >= min))
      throw new UsageError(`hyperband: maxResource (${options.maxResource}) must be >= minResource (${min})`);
    const count = Math.floor(Math.log(options.maxResource / min) / Math.log(eta) + 1e-9) + 1;
    for (let i = 0; i < count; i++) {
      const s = count - 1 - i;
      this.#budgets.push(Math.ceil((count * eta ** s) / (s + 1)));
      const bracket = i;
      this.#brackets.push(
        new SuccessiveHalvingPruner(
          { minResource: min, reductionFactor: eta, minEarlyStoppingRate: i, bootstrapCount: options.bootstrapCount ?? 0 },
          (t) => t.systemAttrs['hyperband:bracket'] === bracket,
          `hyperband:${i}:rung`,
        ),
      );
    }
    this.#total = this.#budgets.reduce((a, b) => a + b, 0);
  }

  /** The bracket a trial belongs to (stable across processes and resumes). */
  bracketOf(studyName: string, number: number): number {
    let n = crc32(`${studyName}_${number}`) % this.#total;
    for (let i = 0; i < this.#budgets.length; i++) {
      n -= this.#budgets[i]!;
      if (n < 0) return i;
    }
    return this.#budgets.length - 1;
  }

  shouldPrune(context: PruneContext): boolean {
    const bracket = this.bracketOf(context.studyName, context.trial.number);
    if (context.trial.systemAttrs['hyperband:bracket'] !== bracket) context.setSystemAttr('hyperband:bracket', bracket);
    return this.#brackets[bracket]!.shouldPrune(context);
  }
}
