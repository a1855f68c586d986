import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Rng } from '@tribar/core';
import { isActive, snap, type Distribution, type ParamSpec, type Params } from '../space.js';
import { lossOf, type Direction, type FrozenTrial } from '../trial.js';
import { sampleUniform, trialRng, type Sample, type SampleContext, type Sampler } from './sampler.js';

type Numeric = Exclude<Distribution, { kind: 'categorical' }>;

/**
 * (μ/μ_w, λ)-CMA-ES with Hansen's default strategy parameters ("The CMA Evolution Strategy: A
 * Tutorial", 2016, table 1), in the unit cube of the searched parameters. The eigen decomposition
 * of C is ml-matrix's.
 */
class CmaEs {
  readonly n: number;
  readonly lambda: number;
  readonly #mu: number;
  readonly #weights: number[];
  readonly #mueff: number;
  readonly #cs: number;
  readonly #ds: number;
  readonly #cc: number;
  readonly #c1: number;
  readonly #cmu: number;
  readonly #chiN: number;
  mean: number[];
  sigma: number;
  #C: number[][];
  #B: number[][];
  #D: number[];
  #ps: number[];
  #pc: number[];
  generation = 0;

  constructor(n: number, sigma0: number) {
    this.n = n;
    this.lambda = 4 + Math.floor(3 * Math.log(n));
    this.#mu = Math.floor(this.lambda / 2);
    const raw = Array.from({ length: this.#mu }, (_, i) => Math.log((this.lambda + 1) / 2) - Math.log(i + 1));
    const sum = raw.reduce((a, b) => a + b, 0);
    this.#weights = raw.map((w) => w / sum);
    this.#mueff = 1 / this.#weights.reduce((a, w) => a + w * w, 0);
    const mueff = this.#mueff;
    this.#cs = (mueff + 2) / (n + mueff + 5);
    this.#ds = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + this.#cs;
    this.#cc = (4 + mueff / n) / (n + 4 + (2 * mueff) / n);
    this.#c1 = 2 / ((n + 1.3) ** 2 + mueff);
    this.#cmu = Math.min(1 - this.#c1, (2 * (mueff - 2 + 1 / mueff)) / ((n + 2) ** 2 + mueff));
    this.#chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
    this.mean = new Array<number>(n).fill(0.5);
    this.sigma = sigma0;
    this.#C = identity(n);
    this.#B = identity(n);
    this.#D = new Array<number>(n).fill(1);
    this.#ps = new Array<number>(n).fill(0);
    this.#pc = new Array<number>(n).fill(0);
  }

  /** One candidate in the unit cube: resampled up to 100 times when outside it, then clipped (as the `cmaes` library). */
  ask(rng: Rng): number[] {
    let x: number[] = [];
    for (let attempt = 0; attempt < 100; attempt++) {
      const z = Array.from({ length: this.n }, () => rng.normal());
      x = this.mean.map((m, i) => {
        let y = 0;
        for (let j = 0; j < this.n; j++) y += this.#B[i]![j]! * this.#D[j]! * z[j]!;
        return m + this.sigma * y;
      });
      if (x.every((v) => v >= 0 && v <= 1)) return x;
    }
    return x.map((v) => Math.min(Math.max(v, 0), 1));
  }

  /** Update from one generation's λ (point, loss) pairs. */
  tell(solutions: readonly { x: number[]; loss: number }[]): void {
    const n = this.n;
    const sorted = [...solutions].sort((a, b) => a.loss - b.loss);
    const ys = sorted.slice(0, this.#mu).map((s) => s.x.map((v, i) => (v - this.mean[i]!) / this.sigma));
    const yw = new Array<number>(n).fill(0);
    ys.forEach((y, k) => y.forEach((v, i) => (yw[i] = yw[i]! + this.#weights[k]! * v)));
    this.mean = this.mean.map((m, i) => m + this.sigma * yw[i]!);
    // C^(-1/2)·y_w = B·D⁻¹·Bᵀ·y_w
    const bty = this.#B[0]!.map((_, j) => this.#B.reduce((s, row, i) => s + row[j]! * yw[i]!, 0) / this.#D[j]!);
    const cInvHalfY = this.#B.map((row) => row.reduce((s, b, j) => s + b * bty[j]!, 0));
    const cs = this.#cs;
    this.#ps = this.#ps.map((p, i) => (1 - cs) * p + Math.sqrt(cs * (2 - cs) * this.#mueff) * cInvHalfY[i]!);
    const psNorm = Math.hypot(...this.#ps);
    const hsig = psNorm / Math.sqrt(1 - (1 - cs) ** (2 * (this.generation + 1))) < (1.4 + 2 / (n + 1)) * this.#chiN ? 1 : 0;
    const cc = this.#cc;
    this.#pc = this.#pc.map((p, i) => (1 - cc) * p + hsig * Math.sqrt(cc * (2 - cc) * this.#mueff) * yw[i]!);
    const delta = (1 - hsig) * cc * (2 - cc);
    const keep = 1 + this.#c1 * delta - this.#c1 - this.#cmu;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rankMu = 0;
        ys.forEach((y, k) => (rankMu += this.#weights[k]! * y[i]! * y[j]!));
        this.#C[i]![j] = keep * this.#C[i]![j]! + this.#c1 * this.#pc[i]! * this.#pc[j]! + this.#cmu * rankMu;
      }
    }
    this.sigma *= Math.exp((cs / this.#ds) * (psNorm / this.#chiN - 1));
    this.generation++;
    const eig = new EigenvalueDecomposition(new Matrix(this.#C), { assumeSymmetric: true });
    this.#D = eig.realEigenvalues.map((v) => Math.sqrt(Math.max(v, 1e-20)));
    this.#B = eig.eigenvectorMatrix.to2DArray();
  }
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

function toUnit(d: Numeric, value: number): number {
  if (d.log) return (Math.log(value) - Math.log(d.low)) / (Math.log(d.high) - Math.log(d.low) || 1);
  return (value - d.low) / (d.high - d.low || 1);
}

function fromUnit(d: Numeric, u: number): number {
  const v = d.log ? Math.exp(Math.log(d.low) + u * (Math.log(d.high) - Math.log(d.low))) : d.low + u * (d.high - d.low);
  return snap(d, v);
}

const GENERATION = 'cma:generation';
const POINT = 'cma:x';

/**
 * CMA-ES over the unconditional numeric parameters (Optuna's CmaEsSampler: mean at the centre,
 * σ₀ = 1/6 of the unit range, log ranges in log space, ints rounded); categorical and conditional
 * parameters are drawn uniformly, as Optuna falls back to its independent sampler. The evolution
 * state is replayed from the trials (each records its generation and its point), so resumed
 * and parallel studies need no state of their own; a generation is told with its first λ
 * complete trials in number order.
 */
export class CmaEsSampler implements Sampler {
  readonly name = 'cmaes';
  readonly #seed: number;
  #state: { key: string; es: CmaEs; told: number } | undefined;

  constructor(options: { seed: number }) {
    this.#seed = options.seed;
  }

  #sync(searched: readonly ParamSpec[], trials: readonly FrozenTrial[], direction: Direction): CmaEs {
    const key = searched.map((p) => p.name).join(',');
    if (this.#state?.key !== key) this.#state = { key, es: new CmaEs(searched.length, 1 / 6), told: 0 };
    const { es } = this.#state;
    for (;;) {
      const members = trials.filter(
        (t) => t.state === 'complete' && t.systemAttrs[GENERATION] === es.generation && typeof t.systemAttrs[POINT] === 'string',
      );
      if (members.length < es.lambda) return es;
      es.tell(
        members
          .slice(0, es.lambda)
          .map((t) => ({ x: JSON.parse(t.systemAttrs[POINT] as string) as number[], loss: lossOf(direction, t.value!) })),
      );
    }
  }

  sample({ number, space, direction, trials }: SampleContext): Sample {
    const rng = trialRng(this.#seed, this.name, number);
    const searched = space.params.filter((p) => !p.condition && p.distribution.kind !== 'categorical');
    if (searched.length === 0) return { params: { ...sampleRest(space.params, {}, rng), ...space.fixed } };
    const es = this.#sync(searched, trials, direction);
    const x = es.ask(rng);
    const params: Params = {};
    searched.forEach((p, i) => {
      params[p.name] = fromUnit(p.distribution as Numeric, x[i]!);
    });
    // The point the optimiser learns from is the snapped parameter, so rounding is never a hidden move.
    const told = searched.map((p) => toUnit(p.distribution as Numeric, params[p.name] as number));
    return {
      params: { ...sampleRest(space.params, params, rng), ...space.fixed },
      systemAttrs: { [GENERATION]: es.generation, [POINT]: JSON.stringify(told) },
    };
  }
}

function sampleRest(specs: readonly ParamSpec[], fixed: Params, rng: Rng): Params {
  const params: Params = {};
  for (const spec of specs) {
    if (!isActive(spec, params)) continue;
    params[spec.name] = spec.name in fixed ? fixed[spec.name]! : sampleUniform(spec.distribution, rng);
  }
  return params;
}
