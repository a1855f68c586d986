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

export function packageTestConfig(name: string, options: { testTimeout?: number } = {}) {
  return defineProject({
    resolve: { alias: sourceAliases() },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      environment: 'node',
      testTimeout: options.testTimeout ?? 20_000,
    },
  });
}
