// The workspace's lint rules in one place, so the root config and the
// self-test (which lints a planted fixture workspace) run exactly the same rules.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { declaredWorkspaceDeps } from './rules/declared-workspace-deps.js';
import { noArtifactPathLiteral } from './rules/no-artifact-path-literal.js';

/** Tribar's own rules, as an ESLint plugin. */
export const tribarPlugin = {
  meta: { name: '@tribar/eslint-config' },
  rules: {
    'declared-workspace-deps': declaredWorkspaceDeps,
    'no-artifact-path-literal': noArtifactPathLiteral,
  },
};

/** Layers from the bottom up; a layer may import only the layers listed for it. */
export const LAYER_RULES = [
  { sourceTag: 'layer:foundation', onlyDependOnLibsWithTags: ['layer:foundation'] },
  // A data stage depends on foundation only: what two stages share moves down into core.
  { sourceTag: 'layer:data', onlyDependOnLibsWithTags: ['layer:foundation'] },
  { sourceTag: 'layer:ml', onlyDependOnLibsWithTags: ['layer:foundation', 'layer:data', 'layer:ml'] },
  {
    sourceTag: 'layer:orchestration',
    onlyDependOnLibsWithTags: ['layer:foundation', 'layer:data', 'layer:ml'],
  },
  {
    sourceTag: 'layer:app',
    onlyDependOnLibsWithTags: ['layer:foundation', 'layer:data', 'layer:ml', 'layer:orchestration'],
  },
  { sourceTag: 'layer:tools', onlyDependOnLibsWithTags: ['*'] },
];

export const MAX_LINES_PER_FILE = 650;

const SOURCE_FILES = ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs', '**/*.cjs'];

/**
 * @param {{ ignores?: string[] }} [options]
 * @returns {import('eslint').Linter.Config[]}
 */
export function tribarLintConfig(options = {}) {
  return [
    {
      ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/.turbo/**', '**/coverage/**', 'runs/**', ...(options.ignores ?? [])],
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
      files: SOURCE_FILES,
      languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
      plugins: { '@nx': nx, tribar: tribarPlugin },
      rules: {
        'tribar/declared-workspace-deps': 'error',
        'max-lines': ['error', { max: MAX_LINES_PER_FILE, skipBlankLines: false, skipComments: false }],
        '@nx/enforce-module-boundaries': [
          'error',
          {
            enforceBuildableLibDependency: false,
            allow: [],
            depConstraints: LAYER_RULES,
          },
        ],
        // `src/index.ts` is a package's only public face: no reaching into another package's files.
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                group: ['@tribar/*/src', '@tribar/*/src/**', '@tribar/*/dist', '@tribar/*/dist/**'],
                message: "Import the package's public entry ('@tribar/<name>'), never its internals.",
              },
            ],
          },
        ],
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
        '@typescript-eslint/consistent-type-imports': 'error',
        eqeqeq: ['error', 'always', { null: 'ignore' }],
        'no-console': 'off',
      },
    },
    {
      // Package and app sources spell no artifact path or shared column: `@tribar/artifacts` does, once.
      // Tests may write literal paths: they check the contract from the outside.
      files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
      ignores: ['packages/artifacts/**'],
      rules: { 'tribar/no-artifact-path-literal': 'error' },
    },
    {
      // Tool configuration (vitest, eslint) is workspace plumbing, not package code.
      files: ['**/vitest.config.ts', '**/vitest.shared.ts', '**/eslint.config.js'],
      rules: { '@nx/enforce-module-boundaries': 'off' },
    },
  ];
}
