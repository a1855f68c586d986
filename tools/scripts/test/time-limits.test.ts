// Time limits in tests only catch hangs (the brief: a test must pass with the cores oversubscribed). Every
// project inherits HANG_LIMIT_MS for tests and hooks; no test file may set a tighter limit of its own, which is
// how `npm test` once failed on a busy machine (a lint-fixture hook at 10 s, an xgboost fit at 20 s).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspacePackages, workspaceRoot } from '../workspace.mjs';

/** `HANG_LIMIT_MS` as `vitest.shared.ts` (workspace plumbing, not a package to import) spells it. */
const HANG_LIMIT_MS = Number(
  /export const HANG_LIMIT_MS = ([\d_]+);/.exec(readFileSync(join(workspaceRoot, 'vitest.shared.ts'), 'utf8'))?.[1]?.replaceAll('_', '') ??
    NaN,
);

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (entry.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** A numeric limit written in a test: `{ timeout: 60_000 }`, `}, 120_000);`, `testTimeout: …`, `hookTimeout: …`. */
const LIMIT = /(?:timeout|testTimeout|hookTimeout)\s*:\s*([\d_]+)|\}\s*,\s*([\d_]{4,})\s*\)/g;

describe('time limits in tests', () => {
  it('are at least the hang limit (10 minutes) for tests and hooks', () => {
    expect(HANG_LIMIT_MS).toBeGreaterThanOrEqual(600_000);
    const shared = readFileSync(join(workspaceRoot, 'vitest.shared.ts'), 'utf8');
    expect(shared).toMatch(/testTimeout: HANG_LIMIT_MS/);
    expect(shared).toMatch(/hookTimeout: HANG_LIMIT_MS/);
  });

  it('are never tightened by a test file', () => {
    const tight: string[] = [];
    for (const { dir } of workspacePackages()) {
      let files: string[] = [];
      try {
        files = testFiles(join(dir, 'test'));
      } catch {
        continue;
      }
      for (const file of files) {
        if (file.endsWith('time-limits.test.ts')) continue;
        for (const match of readFileSync(file, 'utf8').matchAll(LIMIT)) {
          const value = Number((match[1] ?? match[2] ?? '').replaceAll('_', ''));
          if (value < HANG_LIMIT_MS) tight.push(`${relative(workspaceRoot, file)}: ${match[0].trim()}`);
        }
      }
    }
    expect(tight).toEqual([]);
  });
});
