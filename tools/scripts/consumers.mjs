// What `release:check` asks of each published package, installed alone as a user installs it:
// how much the install weighs (packages and megabytes, held to a committed baseline), and that
// its README example runs in a fresh project under npm, pnpm and yarn (pnpm's strict node_modules
// catches an import of a package the install line does not name).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readmePromises } from './readme.mjs';

const execFileAsync = promisify(execFile);

/**
 * pnpm and yarn come from the npm registry through npx, pinned. `parallel`: how many installs may
 * run at once (yarn 1's cache is not safe for concurrent installs).
 */
export const PACKAGE_MANAGERS = {
  npm: { command: 'npm', parallel: 2, args: (pkgs) => ['install', ...pkgs, '--no-audit', '--no-fund', '--loglevel=error'] },
  pnpm: { command: 'npx', parallel: 2, args: (pkgs) => ['-y', 'pnpm@9.15.9', 'add', ...pkgs, '--reporter=silent'] },
  yarn: {
    command: 'npx',
    parallel: 1,
    args: (pkgs) => ['-y', 'yarn@1.22.22', 'add', ...pkgs, '--silent', '--non-interactive', '--no-progress'],
  },
};

// yarn 1 ignores npm's configured registry and asks registry.yarnpkg.com: point it at npm's.
const npmRegistry = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim();

/**
 * Packages whose yarn 1 install needs `--ignore-engines` on Node 20, and why. yarn 1 refuses any
 * dependency whose `engines` excludes the running Node (npm and pnpm only warn); each entry names
 * the upstream package that over-declares, and the package's own tests prove it runs on Node 20.
 */
export const YARN_IGNORE_ENGINES = {
  '@tribar/api': "fastify 5 → light-my-request 6.8 → cookie 2, which declares node >= 22 (the API's tests run on Node 20)",
};

/** Growth of a package's install (packages or bytes) that fails the check unless a changeset says why. */
export const WEIGHT_TOLERANCE = 0.2;

async function run(command, args, cwd, env = {}) {
  try {
    const { stdout } = await execFileAsync(command, args, {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, npm_config_workspaces: undefined, ...env },
    });
    return stdout;
  } catch (error) {
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
  }
}

/** A fresh project whose `@tribar` packages come from `registry` and everything else from the usual registry. */
export function freshProject(dir, registry) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  writeFileSync(join(dir, '.npmrc'), `@tribar:registry=${registry}\n`);
  writeFileSync(join(dir, '.yarnrc'), `registry "${npmRegistry}"\n"@tribar:registry" "${registry}"\n`);
}

/** Installed packages (every folder of node_modules with a package.json, nested ones too) and their bytes. */
export function installWeight(dir) {
  let packages = 0;
  let bytes = 0;
  // A package is a folder with a package.json right inside a node_modules folder (or one of its @scopes).
  const walk = (folder, inModules) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isSymbolicLink()) continue;
      const path = join(folder, entry.name);
      if (entry.isFile()) bytes += statSync(path).size;
      if (!entry.isDirectory()) continue;
      if (inModules && entry.name.startsWith('@')) {
        walk(path, true);
        continue;
      }
      if (inModules && entry.name !== '.bin' && existsSync(join(path, 'package.json'))) packages++;
      walk(path, entry.name === 'node_modules');
    }
  };
  const modules = join(dir, 'node_modules');
  if (existsSync(modules)) walk(modules, true);
  return { packages, megabytes: Math.round((bytes / 1e6) * 10) / 10 };
}

/**
 * Packages whose install grew past the tolerance over `baseline` without a changeset line
 * `install-weight: <name> <why>` explaining it.
 */
export function weightRegressions(weights, baseline, changesetText) {
  const failures = [];
  for (const [name, now] of Object.entries(weights)) {
    const before = baseline[name];
    if (!before) continue;
    const grew = now.packages > before.packages * (1 + WEIGHT_TOLERANCE) || now.megabytes > before.megabytes * (1 + WEIGHT_TOLERANCE);
    const explained = new RegExp(`^install-weight: ${name.replace(/[/.]/g, '\\$&')}\\s+\\S`, 'm').test(changesetText);
    if (grew && !explained) failures.push({ name, before, now });
  }
  return failures;
}

/** The text of every pending changeset (their reasons are what may excuse a heavier install). */
export function changesetText(root) {
  const dir = join(root, '.changeset');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

/** Installs `name` alone with npm into a fresh project and weighs it. */
export async function weighInstall(name, scratch, registry) {
  const dir = join(scratch, 'weigh', name.replace('/', '__'));
  freshProject(dir, registry);
  await run('npm', PACKAGE_MANAGERS.npm.args([name]), dir);
  return installWeight(dir);
}

/**
 * Runs a package's README example in a fresh project that installed exactly what its install
 * line names (plus tsx to run TypeScript), with package manager `pm`. Returns its output.
 */
export async function runReadmeExample(pkg, pm, scratch, registry, tsxVersion) {
  const { install, example } = readmePromises(pkg.dir);
  if (!install || !example) throw new Error(`${pkg.manifest.name}: README has no install line or no example`);
  const dir = join(scratch, pm, pkg.manifest.name.replace('/', '__'));
  freshProject(dir, registry);
  const manager = PACKAGE_MANAGERS[pm];
  const extra = pm === 'yarn' && YARN_IGNORE_ENGINES[pkg.manifest.name] ? ['--ignore-engines'] : [];
  await run(manager.command, [...manager.args([...install, `tsx@${tsxVersion}`]), ...extra], dir, {
    npm_config_store_dir: join(scratch, 'pnpm-store'),
  });
  writeFileSync(join(dir, 'example.mts'), example);
  return run(process.execPath, [join(dir, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'example.mts'], dir);
}
