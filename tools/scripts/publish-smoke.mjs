#!/usr/bin/env node
// Proves every publishable package installs and works from a registry, as a user gets it:
// starts a throwaway verdaccio on loopback, publishes the built packages to it, installs them
// into a fresh project, imports each one, type-checks a consumer file and runs the CLI.
// Run after `npm run build`:  node tools/scripts/publish-smoke.mjs
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runServer } from 'verdaccio';
import { changesetText, freshProject, runReadmeExample, weighInstall, weightRegressions, PACKAGE_MANAGERS } from './consumers.mjs';
import { readmePromises } from './readme.mjs';
import { workspacePackages, workspaceRoot } from './workspace.mjs';

// --update-weights: record today's install weights as the baseline (after a changeset said why they grew).
const updateWeights = process.argv.includes('--update-weights');
const weightsFile = join(workspaceRoot, 'tools/scripts/install-weights.json');
// --pm <name> (repeatable): run the README examples under these package managers only (default: all).
const managers = process.argv.flatMap((arg, i) => (process.argv[i - 1] === '--pm' ? [arg] : []));
if (managers.length === 0) managers.push(...Object.keys(PACKAGE_MANAGERS));
const skipWeights = process.argv.includes('--no-weights');
const skipExamples = process.argv.includes('--no-examples');

const scratch = mkdtempSync(join(tmpdir(), 'tribar-publish-'));
const log = (message) => console.log(`[publish-smoke] ${message}`);

// Asynchronous on purpose: the registry runs in this very process, so a blocking call would deadlock.
const execFileAsync = promisify(execFile);
async function npm(args, cwd, userconfig) {
  const { stdout } = await execFileAsync('npm', [...args, '--userconfig', userconfig, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_workspaces: undefined },
  });
  return stdout;
}

async function startRegistry() {
  const app = await runServer({
    self_path: scratch,
    storage: join(scratch, 'storage'),
    auth: { htpasswd: { file: join(scratch, 'htpasswd'), max_users: 10 } },
    uplinks: {},
    packages: { '@tribar/*': { access: '$all', publish: '$authenticated' }, '**': { access: '$all' } },
    logs: { type: 'stdout', format: 'pretty', level: 'error' },
    security: { api: { legacy: true } },
  });
  const server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

async function createToken(url) {
  const response = await fetch(`${url}-/user/org.couchdb.user:smoke`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'smoke', password: 'smoke-password', type: 'user' }),
  });
  if (!response.ok) throw new Error(`cannot create a registry user: ${response.status} ${await response.text()}`);
  return (await response.json()).token;
}

const { server, url } = await startRegistry();
try {
  const token = await createToken(url);
  const host = url.replace(/^http:/, '');
  const userconfig = join(scratch, 'npmrc');
  // Only @tribar comes from the throwaway registry; everything else from the usual one.
  writeFileSync(userconfig, `@tribar:registry=${url}\n${host}:_authToken=${token}\n`);

  const publishable = workspacePackages().filter(({ manifest }) => !manifest.private);
  for (const { dir, manifest } of publishable) {
    await npm(['publish', '--registry', url], dir, userconfig);
    log(`published ${manifest.name}@${manifest.version}`);
  }

  const consumer = join(scratch, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const names = publishable.map(({ manifest }) => manifest.name);
  await npm(['install', ...names, '@types/node@^20'], consumer, userconfig);
  log(`installed ${names.join(', ')} into a fresh project`);

  for (const name of names) {
    const exported = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import('${name}'); console.log(Object.keys(m).length)`],
      {
        cwd: consumer,
        encoding: 'utf8',
      },
    ).trim();
    if (!(Number(exported) > 0)) throw new Error(`${name} exports nothing`);
    log(`${name}: ${exported} exports`);
  }

  // The published declarations must type-check a consumer under Node's own module resolution.
  writeFileSync(
    join(consumer, 'use.ts'),
    [
      "import { defaultConfig, type RunConfig } from '@tribar/config';",
      "import { Rng, hashValue } from '@tribar/core';",
      "import { runPipeline } from '@tribar/pipeline';",
      'const config: RunConfig = defaultConfig();',
      'const seed: number = new Rng(config.seed).int(0, 9);',
      'export const checks = [seed, hashValue(config), typeof runPipeline];',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2023',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
      },
      files: ['use.ts'],
    }),
  );
  execFileSync(process.execPath, [join(workspaceRoot, 'node_modules/typescript/bin/tsc'), '-p', consumer], { stdio: 'inherit' });
  log('a consumer type-checks against the published declarations');

  const cli = execFileSync(join(consumer, 'node_modules/.bin/tribar'), ['config', 'validate'], { cwd: consumer, encoding: 'utf8' });
  log(`installed CLI: ${cli.trim()}`);

  if (!skipWeights) await checkWeights(publishable, url);
  await checkDataHalf(url, userconfig);
  if (!skipExamples) await checkReadmeExamples(publishable, url);
  log('ok');
} finally {
  server.close();
  rmSync(scratch, { recursive: true, force: true });
}

/** Runs `task` over `items`, `width` at a time (installs are network- and disk-bound). */
async function pool(items, width, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}

async function checkWeights(publishable, registry) {
  const baseline = JSON.parse(readFileSync(weightsFile, 'utf8'));
  const names = publishable.map(({ manifest }) => manifest.name);
  const measured = await pool(names, 2, (name) => weighInstall(name, scratch, registry));
  const weights = Object.fromEntries(names.map((name, i) => [name, measured[i]]));
  console.log('\n  package                 installed packages        megabytes');
  for (const name of names) {
    const now = weights[name];
    const before = baseline[name];
    const change = (a, b) => (b ? `${a >= b ? '+' : ''}${Math.round(((a - b) / b) * 100)}%` : 'new');
    console.log(
      `  ${name.padEnd(22)}  ${String(now.packages).padStart(5)} (${change(now.packages, before?.packages).padStart(5)})  ${now.megabytes.toFixed(1).padStart(9)} (${change(now.megabytes, before?.megabytes).padStart(5)})`,
    );
  }
  if (updateWeights) {
    writeFileSync(weightsFile, JSON.stringify(weights, null, 2) + '\n');
    log(`install weights written to ${weightsFile}`);
    return;
  }
  const failures = weightRegressions(weights, baseline, changesetText(workspaceRoot));
  if (failures.length > 0) {
    throw new Error(
      failures
        .map(
          ({ name, before, now }) =>
            `${name}: install grew from ${before.packages} packages / ${before.megabytes} MB to ${now.packages} / ${now.megabytes}`,
        )
        .join('\n') +
        '\nSay why in a changeset (a line `install-weight: <package> <reason>`), then run `npm run release:check -- --update-weights`.',
    );
  }
  const unknown = names.filter((name) => !baseline[name]);
  if (unknown.length > 0) log(`no baseline weight yet for ${unknown.join(', ')}: run \`npm run release:check -- --update-weights\``);
}

async function checkReadmeExamples(publishable, registry) {
  const tsxVersion = JSON.parse(readFileSync(join(workspaceRoot, 'node_modules/tsx/package.json'), 'utf8')).version;
  const withExamples = publishable.filter(({ dir }) => readmePromises(dir).example !== null);
  for (const pm of managers) {
    const started = Date.now();
    await pool(withExamples, PACKAGE_MANAGERS[pm].parallel, async (pkg) => {
      try {
        await runReadmeExample(pkg, pm, scratch, registry, tsxVersion);
      } catch (error) {
        throw new Error(`README example of ${pkg.manifest.name} under ${pm}: ${error.message}`);
      }
    });
    log(
      `${withExamples.length} README examples ran under ${pm}, each in a fresh project with only its install line (${Math.round((Date.now() - started) / 1000)} s)`,
    );
  }
}

/**
 * A user of the data half: `@tribar/cli` alone (npm leaves optional peers out) runs the whole Phase 1
 * pipeline with no ML runtime installed; a neural family then says what to install, and works once
 * `@tensorflow/tfjs` is there.
 */
async function checkDataHalf(registry, userconfig) {
  const dir = join(scratch, 'data-half');
  freshProject(dir, registry);
  await npm(['install', '@tribar/cli'], dir, userconfig);
  const heavy = ['@tensorflow/tfjs', 'koffi', 'parquet-wasm', 'webgpu'].filter((name) => existsSync(join(dir, 'node_modules', name)));
  if (heavy.length > 0) throw new Error(`@tribar/cli alone installed ${heavy.join(', ')}: they must stay optional`);
  const tribar = (args) =>
    execFileAsync(join(dir, 'node_modules/.bin/tribar'), args, { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const small = ['--set', 'data.synthetic.days=21', '--set', 'horizons=[20]', '--set', 'splits.embargoBars=288'];
  await tribar(['pipeline', ...small]);
  log('@tribar/cli alone (no tfjs, koffi, parquet-wasm) ran the whole Phase 1 pipeline');
  const mlp = ['train', '--model', 'mlp', '--symbol', 'MES', '--horizon', '20', '--hp', 'maxEpochs=2'];
  const refused = await tribar(mlp).then(
    () => null,
    (error) => `${error.stdout}${error.stderr}`,
  );
  if (refused === null || !refused.includes('npm install @tensorflow/tfjs')) {
    throw new Error(`tribar train --model mlp without tfjs should name the package to install, got:\n${refused}`);
  }
  await npm(['install', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'], dir, userconfig);
  await tribar(mlp);
  log('a neural family asked for @tensorflow/tfjs, then trained once it was installed');
}
