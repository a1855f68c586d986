/**
 * A read-recording view of a config: every dotted path a caller reads through it lands in `reads`.
 * Objects and arrays come back wrapped, so nested reads record their full path (`splits.purgeBars`);
 * an array's elements record the array's path (`symbols`, `ga.bounds.maxBarsPerHorizonBar`), and
 * fields of objects inside an array continue from it. Taking an object whole without reading a
 * field (truthiness, identity) records nothing; enumerating its keys records the object's path.
 */
export function recordReads<T>(value: T, reads: Set<string>, path = ''): T {
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
      return recordReads(child, reads, childPath);
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

/** A declared key covers itself and everything under it: `splits` covers `splits.purgeBars`. */
export function coveredBy(path: string, keys: readonly string[]): boolean {
  return keys.some((key) => path === key || path.startsWith(`${key}.`));
}

/**
 * A structured-clone-safe copy: plain objects and arrays (recording proxies among them) are copied
 * field by field, so handing a config part to a worker thread reads, and records, all of it.
 */
export function materialize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(materialize);
  if (value === null || typeof value !== 'object') return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, materialize(child)]));
}
