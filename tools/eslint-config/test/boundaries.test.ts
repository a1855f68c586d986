// Proves the workspace lint rules bite: a throwaway fixture workspace with planted
// violations is linted by `tribarLintConfig()` in child processes (nx computes its
// workspace root from the cwd, so the fixture needs processes of its own), and the
// exact rule each planted file trips is asserted. A last group checks that the real
// root `eslint.config.js` carries the documented limits.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAYER_RULES, MAX_LINES_PER_FILE } from '../index.js';

const BOUNDARIES = '@nx/enforce-module-boundaries';
const RESTRICTED = 'no-restricted-imports';
const MAX_LINES = 'max-lines';
const DECLARED = 'tribar/declared-workspace-deps';
const ARTIFACT = 'tribar/no-artifact-path-literal';

const configDir = resolve(import.meta.dirname, '..');
const repoRoot = resolve(configDir, '..', '..');
const repoModules = join(repoRoot, 'node_modules');

interface DepConstraint {
  sourceTag: string;
  onlyDependOnLibsWithTags: string[];
}
// index.js is plain JS with no declarations, so give its constraint list a shape here.
const layerRules = LAYER_RULES as DepConstraint[];

/** A package's bin script, read from its manifest so a moved bin does not break the test. */
function binOf(pkg: string, bin: string): string {
  const manifestPath = join(repoModules, pkg, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: Record<string, string> };
  const script = manifest.bin[bin];
  if (script === undefined) throw new Error(`${pkg} has no bin "${bin}"`);
  return join(dirname(manifestPath), script);
}

/** The parent's env without any NX_* variable (e.g. NX_WORKSPACE_ROOT_PATH would point nx at the real repo). */
function fixtureEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('NX_')) env[key] = value;
  }
  return { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** A source file of exactly `count` lines (plus the final newline, which `max-lines` does not count). */
function linesOfCode(count: number): string {
  return `${Array.from({ length: count }, (_, i) => `export const line${i + 1} = ${i + 1};`).join('\n')}\n`;
}

// Each planted import is declared (so only the rule under test trips), except the one planted undeclared.
const FIXTURE_PACKAGES = [
  { dir: 'core', tag: 'layer:foundation', exportName: 'core', dependencies: ['pipeline'] },
  { dir: 'stage-a', tag: 'layer:data', exportName: 'stageA', dependencies: ['core', 'stage-b'] },
  { dir: 'stage-b', tag: 'layer:data', exportName: 'stageB', dependencies: [] },
  { dir: 'pipeline', tag: 'layer:orchestration', exportName: 'pipeline', dependencies: [] },
] as const;

/** Planted files and the exact rules each must trip (an empty list: the file must lint clean). */
const PLANTED: Record<string, { text: string; expected: string[] }> = {
  // 1. upward: foundation importing orchestration.
  'packages/core/src/upward.ts': {
    text: "import { pipeline } from '@tribar/pipeline';\n\nexport const upward = pipeline;\n",
    expected: [BOUNDARIES],
  },
  // 2. cross-stage: one data stage importing another.
  'packages/stage-a/src/cross-stage.ts': {
    text: "import { stageB } from '@tribar/stage-b';\n\nexport const crossStage = stageB;\n",
    expected: [BOUNDARIES],
  },
  // Control: data importing foundation is the legal direction.
  'packages/stage-a/src/downward.ts': {
    text: "import { core } from '@tribar/core';\n\nexport const downward = core;\n",
    expected: [],
  },
  // Legal layer-wise (data -> foundation), but it reaches into core's internals.
  'packages/stage-a/src/deep-import.ts': {
    text: "import { internal } from '@tribar/core/src/internal';\n\nexport const deep = internal;\n",
    expected: [RESTRICTED],
  },
  'packages/core/src/internal.ts': { text: 'export const internal = 1;\n', expected: [] },
  // 4. an import the package's manifest does not declare: works in the workspace, breaks from a registry.
  'packages/stage-b/src/undeclared.ts': {
    text: "import { core } from '@tribar/core';\n\nexport const undeclared = core;\n",
    expected: [DECLARED],
  },
  // 5. an artifact path or shared column spelled outside @tribar/artifacts (sources only; tests may).
  'packages/stage-a/src/artifact-literal.ts': {
    text: "export const file = 'splits/split.json';\nexport const column = (h: number) => `label_h${h}`;\nexport const metric = 'train/loss';\n",
    expected: [ARTIFACT, ARTIFACT],
  },
  'packages/stage-a/test/artifact-literal.ts': { text: "export const file = 'splits/split.json';\n", expected: [] },
  // 3. file length: one line over the limit fails, exactly at the limit passes.
  'packages/stage-b/src/too-long.ts': { text: linesOfCode(MAX_LINES_PER_FILE + 1), expected: [MAX_LINES] },
  'packages/stage-b/src/at-limit.ts': { text: linesOfCode(MAX_LINES_PER_FILE), expected: [] },
};

/**
 * A workspace shaped like the real one: npm workspaces under packages/, nx tags in each
 * package.json, the real tsconfig `paths`, and a node_modules holding the repo's
 * dependencies but with `@tribar/*` linked to the fixture's own packages (linking the
 * whole repo node_modules would let `@tribar/core` resolve to the real repo's package).
 */
function createFixture(root: string): void {
  write(root, 'package.json', json({ name: 'lint-fixture', private: true, type: 'module', workspaces: ['packages/*'] }));
  write(root, 'nx.json', json({ neverConnectToCloud: true, useDaemonProcess: false }));
  const realTsconfig = JSON.parse(readFileSync(join(repoRoot, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths?: Record<string, string[]> };
  };
  write(root, 'tsconfig.base.json', json({ compilerOptions: { paths: realTsconfig.compilerOptions.paths ?? {} } }));
  const configUrl = pathToFileURL(join(configDir, 'index.js')).href;
  write(root, 'eslint.config.js', `import { tribarLintConfig } from ${JSON.stringify(configUrl)};\n\nexport default tribarLintConfig();\n`);

  mkdirSync(join(root, 'node_modules', '@tribar'), { recursive: true });
  for (const entry of readdirSync(repoModules)) {
    if (entry.startsWith('.') || entry === '@tribar') continue;
    symlinkSync(join(repoModules, entry), join(root, 'node_modules', entry), 'dir');
  }

  for (const { dir, tag, exportName, dependencies } of FIXTURE_PACKAGES) {
    write(
      root,
      `packages/${dir}/package.json`,
      json({
        name: `@tribar/${dir}`,
        version: '0.0.0',
        private: true,
        type: 'module',
        exports: { '.': './src/index.ts' },
        dependencies: Object.fromEntries(dependencies.map((name) => [`@tribar/${name}`, '^0.0.0'])),
        nx: { name: dir, tags: [tag] },
      }),
    );
    write(root, `packages/${dir}/src/index.ts`, `export const ${exportName} = '${dir}';\n`);
    symlinkSync(join('..', '..', 'packages', dir), join(root, 'node_modules', '@tribar', dir), 'dir');
  }
  for (const [path, { text }] of Object.entries(PLANTED)) write(root, path, text);
}

function run(root: string, script: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [script, ...args], {
    cwd: root,
    env: fixtureEnv(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('lint rules on a planted fixture workspace', () => {
  let root = '';
  let projects: string[] = [];
  /** fixture-relative path -> lint messages */
  const findings = new Map<string, { ruleId: string | null; message: string }[]>();

  function rulesFor(path: string): string[] {
    const messages = findings.get(path);
    if (messages === undefined) throw new Error(`${path} was not linted; linted: ${[...findings.keys()].join(', ')}`);
    return messages.map((m) => m.ruleId ?? '(fatal)').sort();
  }

  function messagesFor(path: string, ruleId: string): string[] {
    return (findings.get(path) ?? []).filter((m) => m.ruleId === ruleId).map((m) => m.message);
  }

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tribar-eslint-fixture-'));
    createFixture(root);

    // The boundaries rule reads nx's cached project graph; without one it warns and skips every file.
    const nx = run(root, binOf('nx', 'nx'), ['show', 'projects']);
    if (nx.status !== 0) throw new Error(`nx show projects failed (${nx.status}):\n${nx.stderr}${nx.stdout}`);
    projects = nx.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .sort();

    // The report goes to a file: the nx plugin may print warnings on stdout.
    const report = join(root, 'eslint-report.json');
    const eslint = run(root, binOf('eslint', 'eslint'), ['--format', 'json', '--output-file', report, 'packages']);
    // 0: clean, 1: lint errors (expected here), 2: eslint itself failed.
    if (eslint.status !== 0 && eslint.status !== 1) {
      throw new Error(`eslint failed (${eslint.status}):\n${eslint.stderr}${eslint.stdout}`);
    }
    const results = JSON.parse(readFileSync(report, 'utf8')) as ESLint.LintResult[];
    for (const result of results) {
      const path = relative(root, result.filePath).split('\\').join('/');
      findings.set(
        path,
        result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })),
      );
    }
  });

  afterAll(() => {
    if (root !== '') rmSync(root, { recursive: true, force: true });
  });

  it('computes the project graph of the fixture itself, not of the real repo', () => {
    expect(projects).toEqual(FIXTURE_PACKAGES.map((p) => p.dir).sort());
  });

  it('rejects an upward import (foundation -> orchestration)', () => {
    const path = 'packages/core/src/upward.ts';
    expect(rulesFor(path)).toEqual([BOUNDARIES]);
    expect(messagesFor(path, BOUNDARIES)[0]).toContain('"layer:foundation" can only depend on libs tagged with "layer:foundation"');
  });

  it('rejects a cross-stage import (data -> data)', () => {
    const path = 'packages/stage-a/src/cross-stage.ts';
    expect(rulesFor(path)).toEqual([BOUNDARIES]);
    expect(messagesFor(path, BOUNDARIES)[0]).toContain('"layer:data" can only depend on libs tagged with "layer:foundation"');
  });

  it('accepts a downward import (data -> foundation)', () => {
    expect(rulesFor('packages/stage-a/src/downward.ts')).toEqual([]);
  });

  it("rejects a deep import into another package's internals", () => {
    const path = 'packages/stage-a/src/deep-import.ts';
    expect(rulesFor(path)).toEqual([RESTRICTED]);
    expect(messagesFor(path, RESTRICTED)[0]).toContain("'@tribar/core/src/internal'");
  });

  it(`fails a ${MAX_LINES_PER_FILE + 1}-line file and passes a ${MAX_LINES_PER_FILE}-line one`, () => {
    expect(rulesFor('packages/stage-b/src/too-long.ts')).toEqual([MAX_LINES]);
    expect(messagesFor('packages/stage-b/src/too-long.ts', MAX_LINES)[0]).toContain(
      `(${MAX_LINES_PER_FILE + 1}). Maximum allowed is ${MAX_LINES_PER_FILE}`,
    );
    expect(rulesFor('packages/stage-b/src/at-limit.ts')).toEqual([]);
  });

  it('rejects an import of a workspace package the manifest does not declare', () => {
    const path = 'packages/stage-b/src/undeclared.ts';
    expect(rulesFor(path)).toEqual([DECLARED]);
    expect(messagesFor(path, DECLARED)[0]).toContain("'@tribar/core' is imported here but not declared in packages/stage-b/package.json");
  });

  it('rejects artifact paths and shared column names spelled in sources, not metric names or tests', () => {
    expect(messagesFor('packages/stage-a/src/artifact-literal.ts', ARTIFACT)).toEqual([
      expect.stringContaining("run-folder path 'splits/split.json…'"),
      expect.stringContaining("shared column 'label_h…'"),
    ]);
    expect(rulesFor('packages/stage-a/test/artifact-literal.ts')).toEqual([]);
  });

  it('reports exactly the planted violations and nothing else', () => {
    const expected: Record<string, string[]> = {};
    for (const { dir } of FIXTURE_PACKAGES) expected[`packages/${dir}/src/index.ts`] = [];
    for (const [path, { expected: rules }] of Object.entries(PLANTED)) expected[path] = [...rules].sort();
    const actual = Object.fromEntries([...findings.keys()].map((path) => [path, rulesFor(path)]));
    expect(actual).toEqual(expected);
  });
});

describe('the real workspace config', () => {
  it('limits files to 650 lines and enforces LAYER_RULES', async () => {
    expect(MAX_LINES_PER_FILE).toBe(650);
    // What the root eslint.config.js resolves to for a real package file.
    const eslint = new ESLint({ cwd: repoRoot });
    const config = (await eslint.calculateConfigForFile(join(repoRoot, 'packages/core/src/index.ts'))) as {
      rules: Record<string, unknown[]>;
    };
    expect(config.rules[MAX_LINES]).toEqual([2, expect.objectContaining({ max: 650 })]);
    expect(config.rules[BOUNDARIES]).toEqual([2, expect.objectContaining({ depConstraints: LAYER_RULES })]);
  });

  it('allows each layer only the documented dependencies', () => {
    const allowed = (tag: string): string[] => {
      const rule = layerRules.find((r) => r.sourceTag === tag);
      if (rule === undefined) throw new Error(`no rule for ${tag}`);
      return [...rule.onlyDependOnLibsWithTags].sort();
    };
    expect(allowed('layer:foundation')).toEqual(['layer:foundation']);
    // A data stage depends on foundation only: never on another data stage.
    expect(allowed('layer:data')).toEqual(['layer:foundation']);
    expect(allowed('layer:orchestration')).not.toContain('layer:app');
    expect(allowed('layer:orchestration')).not.toContain('*');
    expect(allowed('layer:app')).toEqual(expect.arrayContaining(['layer:foundation', 'layer:data', 'layer:ml', 'layer:orchestration']));
  });

  it('gives every workspace project exactly one layer tag that has a rule', () => {
    const manifestGlobs = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
    const known = new Set(layerRules.map((r) => r.sourceTag));
    const untagged: string[] = [];
    for (const glob of manifestGlobs) {
      const parent = join(repoRoot, glob.replace(/\/\*$/, ''));
      for (const dir of readdirSync(parent)) {
        let manifest: { name: string; nx?: { tags?: string[] } };
        try {
          manifest = JSON.parse(readFileSync(join(parent, dir, 'package.json'), 'utf8')) as typeof manifest;
        } catch {
          continue; // not a package directory
        }
        const layers = (manifest.nx?.tags ?? []).filter((t) => t.startsWith('layer:'));
        if (layers.length !== 1 || !known.has(layers[0] ?? '')) untagged.push(`${manifest.name}: ${layers.join(',')}`);
      }
    }
    expect(untagged).toEqual([]);
  });
});
