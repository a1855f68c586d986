import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TribarError } from '@tribar/core';
import type { Params, SearchSpace } from './space.js';
import type { Direction, TrialState } from './trial.js';

/** Debian's interpreter by its full path: a pyenv python3 first on PATH cannot see Debian's python3-optuna. */
export const OPTUNA_PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../../python/optuna_bridge.py', import.meta.url));

/** Optuna failed, or is not installed. */
export class OptunaBridgeError extends TribarError {
  constructor(message: string, hint = "Install Debian's python3-optuna (bash tools/scripts/setup-system.sh).") {
    super('OPTUNA_BRIDGE', message, { hint });
  }
}

/** Whether `/usr/bin/python3` can import optuna (the version, or undefined). */
export function optunaVersion(python = OPTUNA_PYTHON): string | undefined {
  if (!existsSync(python)) return undefined;
  const probe = spawnSync(python, ['-c', 'import optuna; print(optuna.__version__)'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

export interface OptunaStudyOptions {
  name: string;
  space: SearchSpace;
  sampler: 'tpe' | 'random' | 'cmaes';
  seed: number;
  direction?: Direction;
  pruner?: 'none' | 'median' | 'successive-halving' | 'hyperband';
  /** Optuna's SQLite file (`optuna-dashboard sqlite:///<file>` reads it); null keeps the study in memory (benchmarks). */
  storage: string | null;
  tpe?: { startupTrials?: number; eiCandidates?: number; multivariate?: boolean; constantLiar?: boolean };
  python?: string;
}

/** The objective's handle of an Optuna trial: as `Trial`, but every call goes over the pipe. */
export interface OptunaTrial {
  readonly number: number;
  readonly params: Params;
  report(value: number, step: number): Promise<void>;
  shouldPrune(): Promise<boolean>;
}

export interface OptunaTrialRecord {
  number: number;
  state: TrialState;
  value: number | null;
  params: Params;
  intermediate: Array<[number, number]>;
}

const STATE: Record<string, TrialState> = { complete: 'complete', pruned: 'pruned', fail: 'fail', running: 'running' };

/**
 * The study API driving Optuna: a `/usr/bin/python3` child speaking JSON lines on stdin/stdout,
 * its study in Optuna's SQLite storage so Optuna's own tools (dashboard, `optuna.load_study`)
 * read it. Same search space, same seed, same ask/report/tell protocol as `Study`, but async.
 */
export class OptunaStudy {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 0;
  #stderr = '';

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.#child = child;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const answer = JSON.parse(line) as { id: number; ok: boolean; result?: unknown; error?: string };
      const waiting = this.#pending.get(answer.id);
      this.#pending.delete(answer.id);
      if (answer.ok) waiting?.resolve(answer.result);
      else waiting?.reject(new OptunaBridgeError(`optuna: ${answer.error}`, 'The request was refused by Optuna; see the message.'));
    });
    child.stderr.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString()));
    child.on('exit', (code) => {
      for (const waiting of this.#pending.values())
        waiting.reject(new OptunaBridgeError(`the optuna bridge exited (${code}): ${this.#stderr.trim()}`));
      this.#pending.clear();
    });
  }

  static async create(options: OptunaStudyOptions): Promise<OptunaStudy> {
    const python = options.python ?? OPTUNA_PYTHON;
    if (!optunaVersion(python)) throw new OptunaBridgeError(`${python} cannot import optuna`);
    const study = new OptunaStudy(spawn(python, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] }));
    await study.#call('create', {
      name: options.name,
      space: options.space,
      sampler: options.sampler,
      seed: options.seed,
      direction: options.direction ?? 'minimize',
      pruner: options.pruner ?? 'none',
      storage: options.storage,
      tpe: options.tpe ?? {},
    });
    return study;
  }

  #call(op: string, body: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.#nextId++;
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
      return Promise.reject(new OptunaBridgeError(`the optuna bridge has exited: ${this.#stderr.trim()}`));
    }
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.stdin.write(JSON.stringify({ id, op, ...body }) + '\n');
    });
  }

  async ask(): Promise<OptunaTrial> {
    const { number, params } = (await this.#call('ask')) as { number: number; params: Params };
    return {
      number,
      params,
      report: async (value, step) => void (await this.#call('report', { number, value, step })),
      shouldPrune: async () => (await this.#call('should_prune', { number })) as boolean,
    };
  }

  async tell(number: number, result: number | { state: 'pruned' | 'fail' }): Promise<void> {
    await this.#call('tell', typeof result === 'number' ? { number, state: 'complete', value: result } : { number, state: result.state });
  }

  /** Run the objective until `trials` trials finished in this call (Optuna's `n_trials`). */
  async optimize(objective: (trial: OptunaTrial) => Promise<number> | number, options: { trials: number }): Promise<void> {
    for (let i = 0; i < options.trials; i++) {
      const trial = await this.ask();
      try {
        await this.tell(trial.number, await objective(trial));
      } catch (error) {
        if (error instanceof OptunaBridgeError) throw error;
        await this.tell(trial.number, { state: isPruned(error) ? 'pruned' : 'fail' });
      }
    }
  }

  async trials(): Promise<OptunaTrialRecord[]> {
    const raw = (await this.#call('trials')) as Array<Omit<OptunaTrialRecord, 'state'> & { state: string }>;
    return raw.map((t) => ({ ...t, state: STATE[t.state] ?? 'fail' }));
  }

  async close(): Promise<void> {
    this.#child.stdin.end();
    if (this.#child.exitCode === null) await new Promise((resolve) => this.#child.once('exit', resolve));
  }
}

function isPruned(error: unknown): boolean {
  return error instanceof TribarError && error.code === 'TRIAL_PRUNED';
}
