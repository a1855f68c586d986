import { DataError, TribarError, UsageError, silentLogger, type Logger } from '@tribar/core';
import { MemoryStorage, JOURNAL_VERSION, type JournalEvent, type StudyHeader, type StudyStorage } from './journal.js';
import { NopPruner, type Pruner } from './pruners.js';
import type { Sampler } from './samplers/sampler.js';
import type { Params, SearchSpace } from './space.js';
import { lastStep, lossOf, type AttrValue, type Direction, type FrozenTrial, type TrialState } from './trial.js';

/** Thrown by an objective (or by `trial.reportAndCheck`) to end a trial as pruned. */
export class TrialPruned extends TribarError {
  constructor(step?: number) {
    super('TRIAL_PRUNED', step === undefined ? 'trial pruned' : `trial pruned at step ${step}`);
  }
}

/** The handle an objective gets: the trial's parameters and a way to report progress. */
export interface Trial {
  readonly number: number;
  readonly params: Params;
  /** Record an intermediate value (e.g. an epoch's validation loss) at `step`. */
  report(value: number, step: number): void;
  /** Whether the pruner wants this trial stopped, given what it reported. */
  shouldPrune(): boolean;
  setUserAttr(key: string, value: AttrValue): void;
}

export type Objective = (trial: Trial) => Promise<number> | number;

export interface CreateStudyOptions {
  name: string;
  space: SearchSpace;
  sampler: Sampler;
  pruner?: Pruner;
  direction?: Direction;
  /** Where events go; default memory. A journal with events resumes the study it holds. */
  storage?: StudyStorage;
  /** The seed the sampler was built from, recorded in the journal. */
  seed?: number;
  meta?: Record<string, unknown>;
  logger?: Logger;
  /** Only read the journal (`tune show` of a study that may be running): trials left running stay running. */
  readOnly?: boolean;
}

export interface OptimizeOptions {
  /** Run until the study holds this many complete or pruned trials (counting those of earlier sessions). */
  trials: number;
  /** Trials in flight at once (async objectives); default 1, which is bit-reproducible from the seed. */
  workers?: number;
  /** Stop after this many failed trials (default: `trials`); a failure otherwise only costs its slot. */
  maxFailures?: number;
  /** Called after every finished trial. */
  onTrial?: (trial: FrozenTrial, study: Study) => void;
  signal?: AbortSignal;
}

function now(): string {
  return new Date().toISOString();
}

/**
 * A study: trials of a search space, proposed by a sampler, stopped early by a pruner, every
 * event journaled. Opening a journal that holds a study resumes it: trials that were running
 * when the last session died are marked failed ("lost") and their slots asked again.
 */
export class Study {
  readonly name: string;
  readonly direction: Direction;
  readonly space: SearchSpace;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  readonly header: StudyHeader;
  readonly #storage: StudyStorage;
  readonly #trials: FrozenTrial[] = [];
  readonly #logger: Logger;

  constructor(options: CreateStudyOptions) {
    this.#storage = options.storage ?? new MemoryStorage();
    this.#logger = (options.logger ?? silentLogger()).child({ study: options.name });
    this.sampler = options.sampler;
    this.pruner = options.pruner ?? new NopPruner();
    const events = this.#storage.load();
    const first = events[0];
    if (first) {
      if (first.op !== 'study')
        throw new DataError('journal does not start with a study line', { file: this.#storage.path ?? 'memory', row: 1 });
      if (first.name !== options.name) {
        throw new UsageError(`journal ${this.#storage.path} holds study '${first.name}', not '${options.name}'`, {
          hint: 'Open the study by its own name.',
        });
      }
      this.header = first;
      for (const [i, event] of events.entries()) this.#apply(event, i + 1);
    } else {
      this.header = {
        op: 'study',
        v: JOURNAL_VERSION,
        name: options.name,
        direction: options.direction ?? 'minimize',
        space: options.space,
        seed: options.seed ?? 0,
        sampler: options.sampler.name,
        pruner: this.pruner.name,
        createdAt: now(),
        meta: options.meta ?? {},
      };
      this.#storage.append(this.header);
    }
    this.name = this.header.name;
    this.direction = this.header.direction;
    // The journal's space wins on resume: the trials were sampled from it.
    this.space = this.header.space;
    if (options.readOnly) return;
    const lost = this.#trials.filter((t) => t.state === 'running');
    for (const t of lost) this.#finish(t.number, 'fail', undefined, 'lost: the process running it stopped before it finished');
    if (events.length > 0) {
      this.#logger.info(
        { event: 'tune.resume', trials: this.#trials.length, lost: lost.length },
        `resumed study with ${this.#trials.length} trials`,
      );
    }
  }

  #apply(event: JournalEvent, row: number): void {
    const where = { file: this.#storage.path ?? 'memory', row };
    switch (event.op) {
      case 'study':
        if (row !== 1) throw new DataError('a second study line', where, { hint: 'A journal holds one study.' });
        return;
      case 'ask':
        if (event.n !== this.#trials.length) {
          throw new DataError(`trial ${event.n} asked out of order (expected ${this.#trials.length})`, { ...where, field: 'n' });
        }
        this.#trials.push({
          number: event.n,
          state: 'running',
          params: event.params,
          intermediate: new Map(),
          systemAttrs: { ...event.attrs },
          userAttrs: {},
          startedAt: event.t,
        });
        return;
      case 'report': {
        const t = this.#trialAt(event.n, where);
        if (t.state === 'running') t.intermediate.set(event.step, event.value);
        return;
      }
      case 'attr': {
        const t = this.#trialAt(event.n, where);
        (event.system ? t.systemAttrs : t.userAttrs)[event.key] = event.value;
        return;
      }
      case 'tell': {
        const t = this.#trialAt(event.n, where);
        // A second tell (a retried job whose first run got through after all) never counts twice.
        if (t.state !== 'running') return;
        t.state = event.state;
        if (event.value !== undefined) t.value = event.value;
        t.finishedAt = event.t;
        if (event.error !== undefined) t.error = event.error;
        return;
      }
      default:
        throw new DataError(`unknown journal event '${(event as { op: string }).op}'`, { ...where, field: 'op' });
    }
  }

  #trialAt(n: number, where: { file: string; row: number }): FrozenTrial {
    const t = this.#trials[n];
    if (!t) throw new DataError(`event for trial ${n}, which was never asked`, { ...where, field: 'n' });
    return t;
  }

  #write(event: JournalEvent): void {
    this.#storage.append(event);
    this.#apply(event, 0);
  }

  /** Every trial in number order (live objects: do not mutate). */
  get trials(): readonly FrozenTrial[] {
    return this.#trials;
  }

  /** The best complete trial, or undefined before the first one. */
  get bestTrial(): FrozenTrial | undefined {
    let best: FrozenTrial | undefined;
    for (const t of this.#trials) {
      if (t.state !== 'complete' || t.value === undefined || Number.isNaN(t.value)) continue;
      if (!best || lossOf(this.direction, t.value) < lossOf(this.direction, best.value!)) best = t;
    }
    return best;
  }

  /** Complete or pruned trials: what counts towards `optimize({ trials })`. */
  get finishedCount(): number {
    return this.#trials.filter((t) => t.state === 'complete' || t.state === 'pruned').length;
  }

  /** Start a trial: the sampler proposes its parameters, the journal records them. */
  ask(worker?: string): Trial {
    const number = this.#trials.length;
    const sample = this.sampler.sample({ number, space: this.space, direction: this.direction, trials: this.#trials });
    this.#write({ op: 'ask', n: number, params: sample.params, attrs: sample.systemAttrs ?? {}, t: now(), ...(worker ? { worker } : {}) });
    return this.handle(number);
  }

  /** Whether the sampler has nothing left to propose. */
  get exhausted(): boolean {
    return this.sampler.exhausted?.({ space: this.space, direction: this.direction, trials: this.#trials }) ?? false;
  }

  /** The objective's handle of a running trial (also used by workers' reports). */
  handle(number: number): Trial {
    const trial = this.#trials[number];
    if (!trial) throw new UsageError(`study '${this.name}' has no trial ${number}`);
    return {
      number,
      params: trial.params,
      report: (value, step) => this.report(number, step, value),
      shouldPrune: () => this.shouldPrune(number),
      setUserAttr: (key, value) => this.#write({ op: 'attr', n: number, system: false, key, value }),
    };
  }

  report(number: number, step: number, value: number): void {
    const trial = this.#running(number, 'report');
    if (!Number.isInteger(step) || step < 0) throw new UsageError(`trial ${number}: step must be a non-negative integer, got ${step}`);
    if (trial.intermediate.has(step)) return;
    this.#write({ op: 'report', n: number, step, value });
  }

  shouldPrune(number: number): boolean {
    const trial = this.#running(number, 'shouldPrune');
    return this.pruner.shouldPrune({
      studyName: this.name,
      direction: this.direction,
      trials: this.#trials,
      trial,
      setSystemAttr: (key, value) => this.#write({ op: 'attr', n: number, system: true, key, value }),
    });
  }

  #running(number: number, what: string): FrozenTrial {
    const trial = this.#trials[number];
    if (!trial) throw new UsageError(`${what}: study '${this.name}' has no trial ${number}`);
    if (trial.state !== 'running') throw new UsageError(`${what}: trial ${number} already finished (${trial.state})`);
    return trial;
  }

  /**
   * Finish a trial: a number completes it, `{ state: 'pruned' }` prunes it (its value the last
   * reported one), `{ state: 'fail' }` fails it. Telling a finished trial again is ignored and
   * returns false, so a retried job never counts twice.
   */
  tell(number: number, result: number | { state: 'pruned' } | { state: 'fail'; error?: string }): boolean {
    const trial = this.#trials[number];
    if (!trial) throw new UsageError(`tell: study '${this.name}' has no trial ${number}`);
    if (trial.state !== 'running') return false;
    if (typeof result === 'number')
      this.#finish(number, Number.isNaN(result) ? 'fail' : 'complete', result, Number.isNaN(result) ? 'objective returned NaN' : undefined);
    else if (result.state === 'pruned') {
      const step = lastStep(trial);
      this.#finish(number, 'pruned', step === undefined ? undefined : trial.intermediate.get(step));
    } else this.#finish(number, 'fail', undefined, result.error);
    return true;
  }

  #finish(number: number, state: Exclude<TrialState, 'running'>, value: number | undefined, error?: string): void {
    this.#write({
      op: 'tell',
      n: number,
      state,
      ...(value !== undefined ? { value } : {}),
      t: now(),
      ...(error !== undefined ? { error } : {}),
    });
    const trial = this.#trials[number]!;
    this.#logger.debug({ event: 'tune.trial', trial: number, state, value, params: trial.params }, `trial ${number} ${state}`);
  }

  /** Run the objective over trials until `trials` are complete or pruned (or the grid is exhausted). */
  async optimize(objective: Objective, options: OptimizeOptions): Promise<void> {
    const workers = Math.max(1, Math.floor(options.workers ?? 1));
    const maxFailures = options.maxFailures ?? options.trials;
    let failures = 0;
    let inFlight = 0;
    const wanted = (): boolean =>
      this.finishedCount + inFlight < options.trials && failures < maxFailures && !this.exhausted && !(options.signal?.aborted ?? false);
    const slot = async (): Promise<void> => {
      while (wanted()) {
        inFlight++;
        const trial = this.ask();
        try {
          const value = await objective(trial);
          this.tell(trial.number, value);
          if (Number.isNaN(value)) failures++;
        } catch (error) {
          if (error instanceof TrialPruned) this.tell(trial.number, { state: 'pruned' });
          else {
            failures++;
            this.tell(trial.number, { state: 'fail', error: error instanceof Error ? error.message : String(error) });
            this.#logger.warn({ event: 'tune.trial.failed', trial: trial.number, err: error }, `trial ${trial.number} failed`);
          }
        } finally {
          inFlight--;
        }
        options.onTrial?.(this.#trials[trial.number]!, this);
      }
    };
    await Promise.all(Array.from({ length: workers }, () => slot()));
  }

  /** Close the journal. */
  close(): void {
    this.#storage.close();
  }
}

export function createStudy(options: CreateStudyOptions): Study {
  return new Study(options);
}
