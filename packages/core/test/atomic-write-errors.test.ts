// A full disk (ENOSPC) or a read-only folder while an artifact is written: the error names the file, the errno and
// what to do, and no temporary file stays behind. The failure is injected by mocking `open` of node:fs/promises.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeAtomically, writeFileAtomic, writeJsonAtomic } from '../src/internal/atomic-write.js';
import { FileWriteError, TribarError } from '../src/internal/errors.js';

const failure = vi.hoisted(() => ({ errno: undefined as string | undefined, afterBytes: 0 }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof fs>();
  return {
    ...actual,
    // A handle that writes the first `afterBytes` bytes, then fails as the kernel would.
    open: async (...args: Parameters<typeof actual.open>) => {
      const handle = await actual.open(...args);
      const errno = failure.errno;
      if (!errno) return handle;
      return Object.assign(Object.create(handle) as typeof handle, {
        writeFile: async (data: string | Uint8Array) => {
          await handle.writeFile(typeof data === 'string' ? data.slice(0, failure.afterBytes) : data.subarray(0, failure.afterBytes));
          throw Object.assign(new Error(`${errno}: injected failure, write`), { code: errno, syscall: 'write', errno: -28 });
        },
        sync: () => handle.sync(),
        close: () => handle.close(),
      });
    },
  };
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tribar-enospc-'));
});
afterEach(() => {
  failure.errno = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('a write that fails in the file system', () => {
  it('ENOSPC names the target file, the errno and a hint, and leaves no temporary file', async () => {
    failure.errno = 'ENOSPC';
    failure.afterBytes = 5;
    const target = join(dir, 'features', 'MES.arrow');
    const error = await writeFileAtomic(target, new Uint8Array(64)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FileWriteError);
    expect(error).toBeInstanceOf(TribarError);
    expect(error).toMatchObject({ code: 'WRITE_FAILED', path: target, errno: 'ENOSPC' });
    const { message, hint } = error as FileWriteError;
    expect(message.split('\n')[0]).toBe(`cannot write ${target}: ENOSPC (no space left on the device)`);
    expect(hint).toBe('Free disk space on that file system, or choose another runs folder (`--runs-dir`, `paths.runsDir`).');
    expect((error as FileWriteError).cause).toMatchObject({ code: 'ENOSPC' });
    // Neither the target nor the half-written temporary file.
    expect(readdirSync(join(dir, 'features'))).toEqual([]);
  });

  it('keeps an earlier version of the file whole, and JSON writes fail the same way', async () => {
    const target = join(dir, 'state.json');
    await writeJsonAtomic(target, { version: 1 });
    failure.errno = 'EDQUOT';
    failure.afterBytes = 3;
    await expect(writeJsonAtomic(target, { version: 2 })).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      path: target,
      errno: 'EDQUOT',
      message: expect.stringContaining(`cannot write ${target}: EDQUOT (disk quota exceeded)`),
    });
    failure.errno = undefined;
    expect(await fs.readFile(target, 'utf8')).toBe('{\n  "version": 1\n}\n');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('a folder that cannot be created or written gets a permission hint', async () => {
    failure.errno = 'EROFS';
    const target = join(dir, 'out.json');
    await expect(writeFileAtomic(target, 'x')).rejects.toMatchObject({
      errno: 'EROFS',
      hint: expect.stringMatching(/^Make the folder writable/),
    });
    failure.errno = undefined;
    // mkdir under a file: ENOTDIR, named by the target path.
    await fs.writeFile(join(dir, 'plain'), 'a file');
    const below = join(dir, 'plain', 'sub', 'x.json');
    await expect(writeJsonAtomic(below, {})).rejects.toMatchObject({ code: 'WRITE_FAILED', path: below, errno: 'ENOTDIR' });
  });

  it("a writer's own error (not a system error) passes through unchanged", async () => {
    const own = new RangeError('bad row');
    await expect(writeAtomically(join(dir, 'x'), () => Promise.reject(own))).rejects.toBe(own);
    const typed = new TribarError('DATA_INVALID', 'bad data');
    await expect(writeAtomically(join(dir, 'y'), () => Promise.reject(typed))).rejects.toBe(typed);
  });
});
