import { expect } from 'vitest';

/**
 * The config behind a proxy that records every dotted path a stage reads (arrays are leaves), so a
 * test can check the stage's `configKeys` cover them all.
 */
export function recordReads<T extends object>(config: T): { config: T; reads: Set<string> } {
  const reads = new Set<string>();
  const wrap = (node: object, prefix: string): object =>
    new Proxy(node, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof key !== 'string') return value;
        const path = prefix === '' ? key : `${prefix}.${key}`;
        reads.add(path);
        return value !== null && typeof value === 'object' && !Array.isArray(value) ? wrap(value, path) : value;
      },
    });
  return { config: wrap(config, '') as T, reads };
}

/**
 * Every recorded read is a declared key, below one, or on the way to one. `seed` is left out: it is
 * part of every stage's fingerprint (the stage context seeds its rng from it).
 */
export function expectCovered(reads: ReadonlySet<string>, configKeys: readonly string[]): void {
  const covered = (path: string) =>
    path === 'seed' || configKeys.some((key) => path === key || path.startsWith(`${key}.`) || key.startsWith(`${path}.`));
  expect([...reads].filter((path) => !covered(path))).toEqual([]);
  expect(reads.size).toBeGreaterThan(0);
}
