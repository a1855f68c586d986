import { createHash } from 'node:crypto';
import { createReadStream, type BigIntStats } from 'node:fs';

/** SHA-256 of a file's bytes, streamed so large artifacts never sit in memory at once. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Digests of files this process has just written, hashed on the way out (`writeArrowBatches`), so recording them
 * in the manifest does not read them back. An entry holds only while the file is the one written: same inode, size,
 * modification and change time to the nanosecond (a rename, an edit or a rewrite changes the change time).
 */
const writtenDigests = new Map<string, { sha256: string; identity: string }>();
const MAX_WRITTEN_DIGESTS = 4096;

const identityOf = (info: BigIntStats) => `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;

/** Remember the SHA-256 of the bytes just written to `path` (whose stat, taken after its final rename, is `info`). */
export function rememberWrittenDigest(path: string, sha256: string, info: BigIntStats): void {
  if (writtenDigests.size >= MAX_WRITTEN_DIGESTS) writtenDigests.clear();
  writtenDigests.set(path, { sha256, identity: identityOf(info) });
}

/** The remembered digest of `path` when it is still the file written (see `rememberWrittenDigest`); used once. */
export function takeWrittenDigest(path: string, info: BigIntStats): string | undefined {
  const known = writtenDigests.get(path);
  if (known === undefined) return undefined;
  writtenDigests.delete(path);
  return known.identity === identityOf(info) ? known.sha256 : undefined;
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
