/**
 * A config whose every leaf read is recorded as a dotted path (`labels.quality.weights.speed`,
 * `symbols.0`), to check a stage's `configKeys` against what it really reads.
 */
export function recordConfigReads<T extends object>(config: T): { config: T; reads: Set<string> } {
  const reads = new Set<string>();
  const wrap = (value: object, path: string): object =>
    new Proxy(value, {
      get(target, key, receiver) {
        const child: unknown = Reflect.get(target, key, receiver);
        if (typeof key === 'symbol') return child;
        const at = path === '' ? key : `${path}.${key}`;
        if (child !== null && typeof child === 'object') return wrap(child, at);
        if (typeof child !== 'function') reads.add(at);
        return child;
      },
    });
  return { config: wrap(config, '') as T, reads };
}

/** The reads no configKey covers (a key covers itself and every path below it). */
export function undeclaredReads(reads: Iterable<string>, configKeys: readonly string[]): string[] {
  return [...reads].filter((path) => !configKeys.some((key) => path === key || path.startsWith(`${key}.`))).sort();
}
