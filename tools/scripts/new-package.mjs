#!/usr/bin/env node
// Scaffolds a workspace package with the shape every Tribar package shares:
//   node tools/scripts/new-package.mjs <dir> --layer <layer> [--app] "<description>"
// It writes package.json, tsconfigs, vitest config, src/index.ts, test/ and README
// stubs for the author to fill in; it never overwrites an existing file.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const LAYERS = ['foundation', 'data', 'ml', 'orchestration', 'app'];
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    layer: { type: 'string' },
    app: { type: 'boolean', default: false },
    // Another workspace root (the scaffolding test uses a temporary one).
    root: { type: 'string' },
  },
});
const [dir, description = ''] = positionals;
if (!dir || !values.layer || !LAYERS.includes(values.layer)) {
  console.error(`usage: new-package.mjs <dir> --layer <${LAYERS.join('|')}> [--app] "<description>"`);
  process.exit(2);
}

const workspaceRoot = values.root ? resolve(values.root) : resolve(import.meta.dirname, '../..');
const group = values.app ? 'apps' : 'packages';
const root = join(workspaceRoot, group, dir);
const coreManifest = join(workspaceRoot, 'packages/core/package.json');
// New packages start at the foundation's version so the workspace releases in step.
const rootVersion = existsSync(coreManifest) ? JSON.parse(readFileSync(coreManifest, 'utf8')).version : '0.1.0';

const manifest = {
  name: `@tribar/${dir}`,
  version: rootVersion,
  description,
  license: 'UNLICENSED',
  type: 'module',
  sideEffects: false,
  main: './dist/index.js',
  types: './dist/index.d.ts',
  exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './package.json': './package.json' },
  files: ['dist', 'README.md'],
  publishConfig: { access: 'restricted' },
  scripts: {
    build: 'rm -rf dist && tsc -p tsconfig.build.json',
    typecheck: 'tsc -p tsconfig.json --noEmit',
    test: 'vitest run',
    lint: 'nx show projects > /dev/null && eslint . --max-warnings 0',
  },
  dependencies: {},
  nx: { name: dir, tags: [`layer:${values.layer}`] },
};

const files = {
  'package.json': JSON.stringify(manifest, null, 2) + '\n',
  'tsconfig.json':
    JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true }, include: ['src', 'test', 'bench'] }, null, 2) +
    '\n',
  'tsconfig.build.json':
    JSON.stringify(
      {
        extends: '../../tsconfig.base.json',
        // No source paths here: a build resolves sibling packages through their built `dist/`.
        compilerOptions: { rootDir: 'src', outDir: 'dist', paths: {} },
        include: ['src'],
      },
      null,
      2,
    ) + '\n',
  'vitest.config.ts': `import { packageTestConfig } from '../../vitest.shared.ts';\n\nexport default packageTestConfig('${dir}');\n`,
  'src/index.ts': `// Public API of @tribar/${dir}.\nexport {};\n`,
  'README.md': `# @tribar/${dir}\n\n${description}\n\n\`\`\`ts\nimport {} from '@tribar/${dir}';\n\`\`\`\n`,
};

for (const [rel, text] of Object.entries(files)) {
  const path = join(root, rel);
  if (existsSync(path)) continue;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
mkdirSync(join(root, 'test'), { recursive: true });
console.log(`scaffolded ${group}/${dir}`);
