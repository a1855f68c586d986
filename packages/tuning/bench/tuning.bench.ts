// TPE against Optuna's TPE on standard functions, and ask+tell overhead, printed side by side.
//   node --import tsx bench/tuning.bench.ts [--seeds 20] [--trials 50] [--overhead 1000]
// (TUNING_BENCH_SEEDS sets the seeds when --seeds is not given: fewer while iterating, 100 to see past seed noise.)
// Optuna runs through the bridge (in memory) when /usr/bin/python3 has python3-optuna; otherwise its column says so.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { OPTUNA_PYTHON, OptunaStudy, optunaVersion } from '../src/internal/optuna-bridge.js';
import { RandomSampler, type Sampler } from '../src/internal/samplers/sampler.js';
import { TpeSampler } from '../src/internal/samplers/tpe.js';
import { MemoryStorage } from '../src/internal/journal.js';
import { createStudy } from '../src/internal/study.js';
import { BRANIN, TEST_FUNCTIONS, type TestFunction } from './functions.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: process.env.TUNING_BENCH_SEEDS ?? '20' },
    trials: { type: 'string', default: '50' },
    overhead: { type: 'string', default: '1000' },
  },
});
const seeds = Number(values.seeds);
const trials = Number(values.trials);
const overheadTrials = Number(values.overhead);
const version = optunaVersion();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};

/**
 * A distribution-free ≥ 95% interval for the median: the order statistics X(k) and X(n+1−k), k the largest
 * with P(Binomial(n, ½) ≤ k − 1) ≤ 2.5%. Two columns whose intervals overlap differ by no more than seed noise.
 */
function medianInterval(xs: number[]): [number, number] | undefined {
  const n = xs.length;
  const s = [...xs].sort((a, b) => a - b);
  let k = 0;
  let tail = 0;
  let term = 0.5 ** n; // P(Binomial(n, ½) = i), from i = 0
  for (let i = 0; i < n; i++) {
    if (tail + term > 0.025) break;
    tail += term;
    k = i + 1;
    term = (term * (n - i)) / (i + 1);
  }
  return k === 0 ? undefined : [s[k - 1]!, s[n - k]!];
}
const cell = (xs: number[]) => {
  const interval = medianInterval(xs);
  return `${median(xs).toFixed(4)}${interval ? ` [${interval[0].toFixed(4)}, ${interval[1].toFixed(4)}]` : ''}`;
};
/** Ours against Optuna's: no worse, or worse but inside the interval of Optuna's median (seed noise). */
function verdict(tpe: number[], opt: number[]): string {
  if (median(tpe) <= median(opt)) return 'tribar ≤ optuna';
  const interval = medianInterval(opt);
  return interval && median(tpe) <= interval[1] ? "tribar > optuna, inside optuna's interval" : 'tribar > optuna';
}

async function ours(fn: TestFunction, sampler: Sampler): Promise<number> {
  const study = createStudy({ name: fn.name, space: fn.space, sampler });
  await study.optimize((t) => fn.evaluate(t.params, `${t.number}`), { trials });
  return study.bestTrial!.value!;
}

async function optuna(fn: TestFunction, seed: number): Promise<number> {
  const study = await OptunaStudy.create({ name: fn.name, space: fn.space, sampler: 'tpe', seed, storage: null });
  await study.optimize((t) => fn.evaluate(t.params, `${t.number}`), { trials });
  const best = Math.min(...(await study.trials()).map((t) => t.value ?? Infinity));
  await study.close();
  return best;
}

console.log(`median best value over ${seeds} seeds × ${trials} trials (lower is better) [95% interval of the median]`);
console.log(['function', 'minimum', 'tribar TPE', `optuna TPE (${version ?? 'missing'})`, 'random'].join('\t'));
for (const fn of TEST_FUNCTIONS) {
  const tpe: number[] = [];
  const random: number[] = [];
  const opt: number[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    tpe.push(await ours(fn, new TpeSampler({ seed })));
    random.push(await ours(fn, new RandomSampler(seed)));
    if (version) opt.push(await optuna(fn, seed));
  }
  console.log([fn.name, fn.minimum, cell(tpe), version ? cell(opt) : '–', cell(random), version ? verdict(tpe, opt) : ''].join('\t'));
}

// Ask+tell per trial at `overheadTrials` trials: the mean of the last 100, memory storage, Branin.
const study = createStudy({ name: 'overhead', space: BRANIN.space, sampler: new TpeSampler({ seed: 0 }), storage: new MemoryStorage() });
const window: number[] = [];
for (let i = 0; i < overheadTrials; i++) {
  const start = performance.now();
  const trial = study.ask();
  study.tell(trial.number, BRANIN.evaluate(trial.params, ''));
  if (i >= overheadTrials - 100) window.push(performance.now() - start);
}
const oursMs = window.reduce((a, b) => a + b, 0) / window.length;
let optunaMs = '–';
if (version) {
  const script = fileURLToPath(new URL('optuna_overhead.py', import.meta.url));
  const run = spawnSync(OPTUNA_PYTHON, [script, String(overheadTrials)], { encoding: 'utf8' });
  if (run.status === 0) optunaMs = (JSON.parse(run.stdout) as { msPerTrialLast100: number }).msPerTrialLast100.toFixed(2);
}
const ratio = optunaMs === '–' ? '' : `, optuna/tribar ${(Number(optunaMs) / oursMs).toFixed(2)}×`;
console.log(
  `ask+tell per trial at ${overheadTrials} trials (mean of the last 100): tribar ${oursMs.toFixed(2)} ms, optuna ${optunaMs} ms${ratio} (budget 5 ms)`,
);
