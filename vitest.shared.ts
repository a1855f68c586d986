import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineProject } from 'vitest/config';

const workspaceRoot = import.meta.dirname;

/**
 * Tests import sibling packages from source (`packages/<dir>/src/index.ts`), so one
 * package's tests run without building anything first.
 */
function sourceAliases(): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const dir of readdirSync(join(workspaceRoot, 'packages'))) {
    const manifest = join(workspaceRoot, 'packages', dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
    aliases[name] = join(workspaceRoot, 'packages', dir, 'src', 'index.ts');
  }
  return aliases;
}

/**
 * Time limits only catch hangs: machines are shared and CI may run with the cores oversubscribed, so a test
 * (or a hook: a fixture workspace, an xgboost fit) may take many times its quiet-machine time and must still
 * pass. Speed goals live in benchmarks, never here. `tools/scripts/test/time-limits.test.ts` holds every test
 * file to this.
 */
export const HANG_LIMIT_MS = 600_000;

export function packageTestConfig(name: string) {
  return defineProject({
    resolve: { alias: sourceAliases() },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      environment: 'node',
      testTimeout: HANG_LIMIT_MS,
      hookTimeout: HANG_LIMIT_MS,
    },
  });
}
