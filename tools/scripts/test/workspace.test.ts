import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYERS, workspacePackages, workspaceRoot } from '../workspace.mjs';

const packages = workspacePackages();
const publishable = packages.filter(({ manifest }) => !manifest.private);
const label = ({ dir }: { dir: string }) => relative(workspaceRoot, dir);

describe('every workspace package', () => {
  it('exists', () => {
    expect(packages.map(label)).toEqual(expect.arrayContaining(['packages/core', 'packages/config', 'packages/pipeline', 'apps/cli']));
  });

  it.each(packages.map((pkg) => [label(pkg), pkg] as const))(
    '%s has one layer tag that fits its folder, a README and tests',
    (_name, pkg) => {
      const tags: string[] = pkg.manifest.nx?.tags ?? [];
      const layers = tags.filter((tag) => tag.startsWith('layer:'));
      expect(layers).toHaveLength(1);
      const layer = (layers[0] as string).slice('layer:'.length);
      expect(LAYERS).toContain(layer);
      if (pkg.group === 'apps') expect(layer).toBe('app');
      if (pkg.group === 'tools') expect(layer).toBe('tools');
      if (pkg.group === 'packages') expect(['foundation', 'data', 'ml', 'orchestration']).toContain(layer);
      expect(pkg.manifest.name).toMatch(/^@tribar\/[a-z0-9-]+$/);
      expect(pkg.manifest.type).toBe('module');
      expect(pkg.manifest.scripts?.test).toBeTruthy();
      expect(pkg.manifest.scripts?.lint).toBeTruthy();
      expect(existsSync(join(pkg.dir, 'test'))).toBe(true);
      const readme = readFileSync(join(pkg.dir, 'README.md'), 'utf8');
      expect(readme).toMatch(/```(ts|sh)\n/);
    },
  );
});

describe('every publishable package', () => {
  it.each(publishable.map((pkg) => [label(pkg), pkg] as const))(
    '%s builds typed ESM from src/index.ts and ships only dist',
    (_name, pkg) => {
      const { manifest } = pkg;
      expect(existsSync(join(pkg.dir, 'src/index.ts'))).toBe(true);
      expect(manifest.exports?.['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
      expect(manifest.types).toBe('./dist/index.d.ts');
      expect(manifest.files).toContain('dist');
      expect(manifest.publishConfig).toBeDefined();
      expect(manifest.scripts?.build).toContain('tsc -p tsconfig.build.json');
      const build = JSON.parse(readFileSync(join(pkg.dir, 'tsconfig.build.json'), 'utf8'));
      expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist', paths: {} });
    },
  );

  it('depends on sibling packages by a version range their current versions satisfy', () => {
    const versions = new Map(packages.map(({ manifest }) => [manifest.name as string, manifest.version as string]));
    for (const { manifest } of publishable) {
      for (const [name, range] of Object.entries<string>(manifest.dependencies ?? {})) {
        if (!name.startsWith('@tribar/')) continue;
        expect(versions.has(name), `${manifest.name} depends on unknown ${name}`).toBe(true);
        expect(range).toBe(`^${versions.get(name)}`);
      }
    }
  });
});

describe('new-package.mjs', () => {
  it('scaffolds a package of the shape the checks above require, and never overwrites', () => {
    const root = mkdtempSync(join(tmpdir(), 'tribar-scaffold-'));
    try {
      mkdirSync(join(root, 'packages'), { recursive: true });
      const script = join(workspaceRoot, 'tools/scripts/new-package.mjs');
      execFileSync(process.execPath, [script, 'widgets', '--layer', 'data', '--root', root, 'Widgets for tests.']);
      const [scaffolded] = workspacePackages(root);
      expect(scaffolded?.manifest).toMatchObject({
        name: '@tribar/widgets',
        version: '0.1.0',
        exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
        nx: { name: 'widgets', tags: ['layer:data'] },
      });
      for (const file of ['src/index.ts', 'tsconfig.json', 'tsconfig.build.json', 'vitest.config.ts', 'README.md']) {
        expect(existsSync(join(root, 'packages/widgets', file)), file).toBe(true);
      }
      writeFileSync(join(root, 'packages/widgets/README.md'), 'kept');
      execFileSync(process.execPath, [script, 'widgets', '--layer', 'data', '--root', root]);
      expect(readFileSync(join(root, 'packages/widgets/README.md'), 'utf8')).toBe('kept');
      expect(() => execFileSync(process.execPath, [script, 'bad', '--layer', 'nope', '--root', root], { stdio: 'pipe' })).toThrow();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
