import { describe, expect, it } from 'vitest';
import { readmePromises } from '../readme.mjs';
import { workspacePackages } from '../workspace.mjs';

const publishable = workspacePackages().filter(({ manifest }) => !manifest.private);

describe('README install lines', () => {
  it.each(publishable.map((pkg) => [pkg.manifest.name as string, pkg.dir] as const))(
    '%s: starts with an install line that names every package its example imports',
    (name, dir) => {
      const { install, imports } = readmePromises(dir);
      expect(install, `${name}'s README must start (after its title) with a \`\`\`sh block: npm install ${name} …`).not.toBeNull();
      expect(install![0]).toBe(name);
      // Under pnpm a package the user did not install is not importable: the install line must say so.
      expect(imports.filter((pkg) => !install!.includes(pkg))).toEqual([]);
    },
  );

  it('reads the install line and the imports of an example', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'readme-'));
    try {
      writeFileSync(
        join(dir, 'README.md'),
        "# @x/a\n\n```sh\nnpm install @x/a @x/b   # comment\n```\n\n```ts\nimport { a } from '@x/a';\nimport { b } from '@x/b/deep';\nimport fs from 'node:fs';\nimport t from 'apache-arrow';\n```\n",
      );
      expect(readmePromises(dir)).toEqual({
        install: ['@x/a', '@x/b'],
        example: "import { a } from '@x/a';\nimport { b } from '@x/b/deep';\nimport fs from 'node:fs';\nimport t from 'apache-arrow';\n",
        imports: ['@x/a', '@x/b', 'apache-arrow'],
      });
      writeFileSync(join(dir, 'README.md'), '# @x/a\n\nNo install line.\n');
      expect(readmePromises(dir).install).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
