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
