import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** SHA-256 of a file's bytes, streamed so large artifacts never sit in memory at once. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * JSON with object keys sorted at every depth, so two equal values always give the same
 * text (and hash) whatever order their keys were built in.
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner) || ArrayBuffer.isView(inner)) return inner;
    // A null prototype keeps an own `__proto__` key (e.g. from JSON.parse) as data instead of
    // turning the assignment into a prototype change that drops it from the text.
    const sorted = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
    return sorted;
  });
}

/** Content hash of a JSON-compatible value, independent of key order. */
export function hashValue(value: unknown): string {
  return sha256(stableStringify(value) ?? 'undefined');
}
