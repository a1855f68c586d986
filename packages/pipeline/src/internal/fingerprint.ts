import { hashValue } from '@tribar/core';

/** The values at the given dotted paths, e.g. `['splits.purgeBars', 'symbols']`. */
export function configSlice(config: unknown, keys: readonly string[]): Record<string, unknown> {
  const slice: Record<string, unknown> = {};
  for (const key of [...keys].sort()) {
    let node: unknown = config;
    for (const part of key.split('.')) {
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
    }
    slice[key] = node;
  }
  return slice;
}

export interface FingerprintParts {
  stage: string;
  version: number;
  seed: number;
  config: Record<string, unknown>;
  /** Input artifact path (run-relative, or absolute for external files) to its SHA-256. */
  inputs: Record<string, string>;
}

/**
 * What a stage's outputs are a function of. Equal fingerprints mean the recorded outputs are
 * still the right ones; any change in code version, config slice, seed or input bytes differs.
 */
export function stageFingerprint(parts: FingerprintParts): string {
  return hashValue(parts);
}
