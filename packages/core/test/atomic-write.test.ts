import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { temporaryPathFor, writeAtomically, writeFileAtomic, writeJsonAtomic } from '../src/internal/atomic-write.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tribar-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const temporaryFiles = (folder: string) => readdirSync(folder).filter((name) => name.includes('.tmp-'));

describe('temporaryPathFor', () => {
  it('sits next to the target and differs on every call', () => {
    const target = join(dir, 'out.arrow');
    const a = temporaryPathFor(target);
    const b = temporaryPathFor(target);
    expect(a.startsWith(`${target}.tmp-${process.pid}-`)).toBe(true);
    expect(a).toMatch(/\.tmp-\d+-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
  });
});

describe('writeFileAtomic', () => {
  it('writes text and bytes and leaves no temporary file', async () => {
    const text = join(dir, 'a.txt');
    const bytes = join(dir, 'b.bin');
    await writeFileAtomic(text, 'hello\n');
    await writeFileAtomic(bytes, new Uint8Array([0, 1, 2, 255]));
    expect(await readFile(text, 'utf8')).toBe('hello\n');
    expect([...(await readFile(bytes))]).toEqual([0, 1, 2, 255]);
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.bin']);
  });

  it('creates missing parent folders', async () => {
    const target = join(dir, 'deep', 'er', 'c.txt');
    await writeFileAtomic(target, 'x');
    expect(await readFile(target, 'utf8')).toBe('x');
    expect(temporaryFiles(join(dir, 'deep', 'er'))).toEqual([]);
  });

  it('replaces an existing file whole', async () => {
    const target = join(dir, 'a.txt');
    await writeFileAtomic(target, 'a much longer first version');
    await writeFileAtomic(target, 'short');
    expect(await readFile(target, 'utf8')).toBe('short');
    expect(temporaryFiles(dir)).toEqual([]);
  });
});

describe('writeAtomically', () => {
  it('renames the temporary file into place and returns the writer result', async () => {
    const target = join(dir, 'out.txt');
    let seen = '';
    const result = await writeAtomically(target, async (temporary) => {
      seen = temporary;
      await writeFile(temporary, 'payload');
      expect(existsSync(target)).toBe(false);
      return 7;
    });
    expect(result).toBe(7);
    expect(seen).not.toBe(target);
    expect(existsSync(seen)).toBe(false);
    expect(await readFile(target, 'utf8')).toBe('payload');
  });

  it('leaves neither the target nor a temporary file when the writer throws', async () => {
    const target = join(dir, 'out.txt');
    await expect(
      writeAtomically(target, async (temporary) => {
        await writeFile(temporary, 'half written');
        throw new Error('disk on fire');
      }),
    ).rejects.toThrow('disk on fire');
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves a pre-existing target untouched when the writer throws', async () => {
    const target = join(dir, 'out.txt');
    await writeFile(target, 'version 1');
    const failure = new RangeError('bad row');
    await expect(
      writeAtomically(target, async (temporary) => {
        await writeFile(temporary, 'version 2, incomplete');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await readFile(target, 'utf8')).toBe('version 1');
    expect(readdirSync(dir)).toEqual(['out.txt']);
  });

  it('copes with a writer that throws before creating the temporary file', async () => {
    const target = join(dir, 'out.txt');
    await expect(writeAtomically(target, () => Promise.reject(new Error('early')))).rejects.toThrow('early');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('writeJsonAtomic', () => {
  it('writes two-space indented JSON with a trailing newline', async () => {
    const target = join(dir, 'x.json');
    await writeJsonAtomic(target, { a: 1, b: [true, null] });
    expect(await readFile(target, 'utf8')).toBe('{\n  "a": 1,\n  "b": [\n    true,\n    null\n  ]\n}\n');
  });
});
