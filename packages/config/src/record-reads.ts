// Checking a stage's `configKeys` against what it really reads: the config behind a recording proxy. Only the
// declared slice of the config decides whether a recorded result is still up to date, so an undeclared read is a
// stale-result bug. One recorder for every package's tests and the pipeline's whole-DAG test.

/**
 * (The proxy behind `recordConfigReads`.) A read-recording view of a config: every dotted path a caller reads through it lands in `reads`.
 * Objects and arrays come back wrapped, so nested reads record their full path (`splits.purgeBars`);
 * an array's elements record the array's path (`symbols`, `ga.bounds.maxBarsPerHorizonBar`), and
 * fields of objects inside an array continue from it. Taking an object whole without reading a
 * field (truthiness, identity) records nothing; enumerating its keys records the object's path.
 */
function wrap<T>(value: T, reads: Set<string>, path: string): T {
  if (value === null || typeof value !== 'object') return value;
  const isArray = Array.isArray(value);
  const at = (key: string) => (isArray ? path : path === '' ? key : `${path}.${key}`);
  return new Proxy(value, {
    get(target, key, receiver) {
      const child: unknown = Reflect.get(target, key, receiver);
      // Symbols, prototype methods (map, hasOwnProperty) and the probes of await / JSON.stringify are not config.
      if (typeof key === 'symbol' || (!Object.hasOwn(target, key) && (key in target || key === 'then' || key === 'toJSON'))) return child;
      const childPath = at(key);
      if (child === null || typeof child !== 'object') reads.add(childPath === '' ? key : childPath);
      return wrap(child, reads, childPath);
    },
    has(target, key) {
      if (typeof key !== 'symbol') reads.add(at(key) || key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      if (path !== '') reads.add(path);
      return Reflect.ownKeys(target);
    },
  });
}

/**
 * `config` behind a proxy that adds the dotted path of every value read through it to `reads`; pass the proxy
 * to a stage's `run`, then check `undeclaredConfigReads(reads, stage.configKeys)`.
 */
export function recordConfigReads<T>(config: T, reads: Set<string> = new Set()): { config: T; reads: Set<string> } {
  return { config: wrap(config, reads, ''), reads };
}

/**
 * The reads no key covers, sorted. A key covers itself and everything under it (`splits` covers
 * `splits.purgeBars`); `seed` is always covered: every stage's fingerprint holds it (the rng is seeded from it).
 */
export function undeclaredConfigReads(reads: Iterable<string>, configKeys: readonly string[]): string[] {
  const covered = (path: string) => path === 'seed' || configKeys.some((key) => path === key || path.startsWith(`${key}.`));
  return [...reads].filter((path) => !covered(path)).sort();
}
