import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { sha256 } from './hash.js';
import { UsageError } from './errors.js';

/** A 32-bit seed derived from a parent seed and a label, stable across platforms and runs. */
export function deriveSeed(seed: number, label: string): number {
  return Number.parseInt(sha256(`${seed}/${label}`).slice(0, 8), 16) | 0;
}

/**
 * The generator's starting state: 128 bits of SHA-256 of the seed. pure-rand's own
 * `xoroshiro128plus(seed)` starts from `(-1, ~seed, seed, 0)`, so every small seed's first
 * draw was ≈ 0.99999 and seeds were cut to 32 bits (42 and 42 + 2³² gave one stream).
 */
function initialState(seed: number): number[] {
  const digest = sha256(`rng/${seed}`);
  return [0, 8, 16, 24].map((at) => Number.parseInt(digest.slice(at, at + 8), 16) | 0);
}

/**
 * The seeded random source every random step in Tribar uses (xoroshiro128+ from pure-rand).
 *
 * `fork(label)` gives an independent stream keyed by name, so a stage's draws do not
 * depend on which other stages ran before it, nor on how work is split across workers.
 */
export class Rng {
  readonly seed: number;
  #generator: JumpableRandomGenerator;
  #spareNormal: number | undefined;

  constructor(seed: number, state?: readonly number[]) {
    if (!Number.isInteger(seed)) throw new UsageError(`Rng seed must be an integer, got ${seed}`);
    this.seed = seed;
    this.#generator = xoroshiro128plusFromState(state ?? initialState(seed));
  }

  /** An independent generator for the named purpose, e.g. `rng.fork('synthetic/MES')`. */
  fork(label: string): Rng {
    return new Rng(deriveSeed(this.seed, label));
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    return uniformFloat64(this.#generator);
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [low, high], both included. */
  int(low: number, high: number): number {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high < low) {
      throw new UsageError(`Rng.int needs integers low <= high, got ${low}, ${high}`);
    }
    return uniformInt(this.#generator, low, high);
  }

  /** Standard normal (Marsaglia polar method), scaled to N(mean, sd). */
  normal(mean = 0, sd = 1): number {
    if (this.#spareNormal !== undefined) {
      const spare = this.#spareNormal;
      this.#spareNormal = undefined;
      return mean + sd * spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spareNormal = v * factor;
    return mean + sd * u * factor;
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Fisher–Yates shuffle in place (an array or a typed array); returns the same object. */
  shuffle<A extends { length: number; [index: number]: unknown }>(items: A): A {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const swap = items[i];
      items[i] = items[j];
      items[j] = swap;
    }
    return items;
  }

  /** The generator's state, to checkpoint and later resume the exact same stream. */
  state(): readonly number[] {
    if (this.#spareNormal !== undefined) {
      throw new UsageError('Rng.state() between paired normal draws would lose the cached draw; draw once more first.');
    }
    return this.#generator.getState();
  }
}
