// A disk that is full when the run's lock is written: the error names run.lock, the errno and a hint, and neither a
// half-written lock nor a new, empty run folder stays behind. The failure is injected by mocking `open`.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runPipeline } from '../src/internal/runner.js';
import { testStages } from './stages.js';

const failure = vi.hoisted(() => ({ on: false }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof fs>();
  return {
    ...actual,
    open: async (...args: Parameters<typeof actual.open>) => {
      const handle = await actual.open(...args);
      if (!failure.on || args[1] !== 'wx') return handle;
      return Object.assign(Object.create(handle) as typeof handle, {
        writeFile: async () => {
          await handle.writeFile('{"pid"');
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', errno: -28 });
        },
        close: () => handle.close(),
      });
    },
  };
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tribar-lock-enospc-'));
});
afterEach(() => {
  failure.on = false;
  rmSync(dir, { recursive: true, force: true });
});

describe('the run lock on a full disk', () => {
  it('names run.lock and ENOSPC with a hint, and leaves no lock and no new run folder', async () => {
    failure.on = true;
    const runsDir = join(dir, 'runs');
    const lock = join(runsDir, 'full', 'run.lock');
    await expect(
      runPipeline({ stages: testStages(), config: { seed: 1, scale: 1, offset: 0 }, runsDir, runId: 'full' }),
    ).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      path: lock,
      errno: 'ENOSPC',
      message: expect.stringContaining(`cannot write ${lock}: ENOSPC`),
      hint: expect.stringContaining('Free disk space'),
    });
    expect(existsSync(join(runsDir, 'full'))).toBe(false);
    // With space again, the same run id starts normally.
    failure.on = false;
    expect((await runPipeline({ stages: testStages(), config: { seed: 1, scale: 1, offset: 0 }, runsDir, runId: 'full' })).status).toBe(
      'completed',
    );
  });

  it('a runs folder that cannot be created names it, with the errno and a hint', async () => {
    writeFileSync(join(dir, 'plain'), 'a file where the runs folder should be');
    const runsDir = join(dir, 'plain', 'runs');
    await expect(
      runPipeline({ stages: testStages(), config: { seed: 1, scale: 1, offset: 0 }, runsDir, runId: 'r' }),
    ).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      path: join(runsDir, 'r'),
      errno: 'ENOTDIR',
    });
  });
});
