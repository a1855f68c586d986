import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashValue, sha256, sha256File, stableStringify } from '../src/internal/hash.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tribar-hash-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The same object with its keys inserted in reverse order, at every depth. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value).reverse()) out[key] = reverseKeys((value as Record<string, unknown>)[key]);
  return out;
}

describe('sha256', () => {
  it('matches the FIPS 180-2 test vectors', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes a string and its UTF-8 bytes alike', () => {
    expect(sha256(new TextEncoder().encode('abc'))).toBe(sha256('abc'));
    expect(sha256(new TextEncoder().encode('Größe €'))).toBe(sha256('Größe €'));
  });
});

describe('sha256File', () => {
  it('equals sha256 of the same bytes', async () => {
    const bytes = new Uint8Array(200_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) % 256;
    const file = join(dir, 'blob.bin');
    await writeFile(file, bytes);
    expect(await sha256File(file)).toBe(sha256(bytes));
  });

  it('hashes an empty file as the empty string', async () => {
    const file = join(dir, 'empty');
    await writeFile(file, '');
    expect(await sha256File(file)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('rejects for a missing file', async () => {
    await expect(sha256File(join(dir, 'nope'))).rejects.toThrow(/ENOENT/);
  });
});

describe('stableStringify', () => {
  it('sorts keys at every depth, leaving array order alone', () => {
    const a = { z: 1, a: { y: [3, { d: 1, c: 2 }], b: null }, m: 'x' };
    const b = { m: 'x', a: { b: null, y: [3, { c: 2, d: 1 }] }, z: 1 };
    expect(stableStringify(a)).toBe('{"a":{"b":null,"y":[3,{"c":2,"d":1}]},"m":"x","z":1}');
    expect(stableStringify(b)).toBe(stableStringify(a));
    expect(stableStringify([2, 1])).not.toBe(stableStringify([1, 2]));
  });

  it('is independent of key order for any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(stableStringify(reverseKeys(value))).toBe(stableStringify(value));
      }),
      { numRuns: 300, seed: 20_240_501 },
    );
  });

  it('parses back to an equal value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(stableStringify(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});

describe('hashValue', () => {
  it('is the sha256 of the stable text and ignores key order', () => {
    expect(hashValue({ b: 1, a: 2 })).toBe(sha256('{"a":2,"b":1}'));
    expect(hashValue({ b: 1, a: 2 })).toBe(hashValue({ a: 2, b: 1 }));
    expect(hashValue({ a: 1 })).not.toBe(hashValue({ a: 2 }));
    expect(hashValue(undefined)).toBe(sha256('undefined'));
  });

  it('keeps an own __proto__ key (from JSON.parse) instead of dropping it', () => {
    const parsed = JSON.parse('{"__proto__":{"x":1},"a":2}') as unknown;
    expect(stableStringify(parsed)).toBe('{"__proto__":{"x":1},"a":2}');
    expect(hashValue(parsed)).not.toBe(hashValue({ a: 2 }));
  });
});
