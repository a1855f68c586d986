import { UsageError } from '@tribar/core';

/** Fitness of one individual's genes; higher is better. Must be a pure function of the genes. */
export type FitnessFunction = (genes: readonly number[]) => number;

/**
 * A fitness that can run on worker threads: a module URL whose export `exportName` (default
 * `createEvaluator`) turns `init` (structured-cloneable: numbers, typed arrays, plain objects)
 * into a `FitnessFunction`. Every worker builds its own copy from the same `init`.
 */
export interface EvaluatorModule {
  module: string | URL;
  init: unknown;
  exportName?: string;
}

/** What `evolve` accepts: a function (evaluated on the main thread) or a module for workers. */
export type Evaluate = FitnessFunction | EvaluatorModule;

type EvaluatorFactory = (init: unknown) => FitnessFunction;

/** Import an evaluator module and build its fitness function (on whichever thread calls this). */
export async function loadEvaluator(spec: EvaluatorModule): Promise<FitnessFunction> {
  const href = spec.module instanceof URL ? spec.module.href : spec.module;
  const exportName = spec.exportName ?? 'createEvaluator';
  const loaded = (await import(href)) as Record<string, unknown>;
  const factory = loaded[exportName];
  if (typeof factory !== 'function') {
    throw new UsageError(`evaluator module ${href} has no function export '${exportName}'`, {
      hint: 'export a factory `(init) => (genes) => number` under that name',
    });
  }
  const fitness = (factory as EvaluatorFactory)(spec.init);
  if (typeof fitness !== 'function') throw new UsageError(`'${exportName}' of ${href} did not return a function`);
  return fitness;
}

/**
 * The URL of a module next to `metaUrl` (pass `import.meta.url`), with the caller's own extension:
 * `.ts` when running from source under tsx or vitest, `.js` from the build.
 */
export function siblingModule(name: string, metaUrl: string): URL {
  const extension = new URL(metaUrl).pathname.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${extension}`, metaUrl);
}

/** Evaluate a batch with a plain function, checking every value is a number. */
export function evaluateAll(fitness: FitnessFunction, genomes: readonly (readonly number[])[]): number[] {
  return genomes.map((genes) => checkedFitness(fitness(genes), genes));
}

function checkedFitness(value: number, genes: readonly number[]): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new UsageError(`fitness of [${genes.join(', ')}] is ${String(value)}, not a number`, {
      hint: 'a fitness must return a number for every individual (use a large negative one for infeasible genes)',
    });
  }
  return value;
}
