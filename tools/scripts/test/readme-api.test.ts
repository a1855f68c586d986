// A package's README documents exactly its public face: every name `src/index.ts` exports, types included,
// appears (as `code`) in the README's API section. One check for every package, instead of a copy per package.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspacePackages, workspaceRoot } from '../workspace.mjs';

/** Every name an index file exports through `export { … }` / `export type { … }`, types included. */
function exportedNames(index: string): string[] {
  return [...index.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)].flatMap((match) =>
    (match[1] ?? '')
      .split(',')
      .map(
        (name) =>
          name
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)
            .at(-1) ?? '',
      )
      .filter((name) => name !== ''),
  );
}

/** The README's API section: from the first `## API…` heading to the next `## ` heading. */
function apiSection(readme: string): string | undefined {
  const start = readme.search(/^## API/m);
  if (start === -1) return undefined;
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

const packages = workspacePackages().filter(({ manifest, group }) => !manifest.private && group === 'packages');

describe("every package's README API section", () => {
  it.each(packages.map((pkg) => [relative(workspaceRoot, pkg.dir), pkg] as const))(
    '%s names every export of src/index.ts',
    (_name, { dir }) => {
      const section = apiSection(readFileSync(join(dir, 'README.md'), 'utf8'));
      expect(section, 'a "## API" section').toBeDefined();
      const names = exportedNames(readFileSync(join(dir, 'src', 'index.ts'), 'utf8'));
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((name) => !new RegExp(`\`${name}\\b`).test(section ?? ''))).toEqual([]);
    },
  );
});
