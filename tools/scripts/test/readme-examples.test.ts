import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspacePackages, workspaceRoot } from '../workspace.mjs';

const tsx = join(createRequire(import.meta.url).resolve('tsx/package.json'), '..', 'dist', 'cli.mjs');

/** Packages whose own `test/readme.test.ts` already runs (and checks the output of) their example. */
const withExamples = workspacePackages().filter(
  ({ dir, manifest }) => !manifest.private && !existsSync(join(dir, 'test/readme.test.ts')) && /```ts\n/.test(readFileSync(join(dir, 'README.md'), 'utf8')),
);

describe('README examples', () => {
  it.each(withExamples.map((pkg) => [relative(workspaceRoot, pkg.dir), pkg.dir] as const))('%s: the first TypeScript example runs', (_name, dir) => {
    const code = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(dir, 'README.md'), 'utf8'))?.[1] ?? '';
    // Inside the package folder, so imports of sibling packages resolve like a user's would (through tsconfig paths to source).
    const file = join(dir, `.readme-example-${process.pid}.mts`);
    writeFileSync(file, code);
    try {
      execFileSync(process.execPath, [tsx, file], { cwd: join(dir), encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      expect.fail(`README example of ${relative(workspaceRoot, dir)} failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
    } finally {
      rmSync(file, { force: true });
      rmSync(join(dir, 'runs'), { recursive: true, force: true });
    }
  });
});
