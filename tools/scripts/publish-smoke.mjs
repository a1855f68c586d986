#!/usr/bin/env node
// Proves every publishable package installs and works from a registry, as a user gets it:
// starts a throwaway verdaccio on loopback, publishes the built packages to it, installs them
// into a fresh project, imports each one, type-checks a consumer file and runs the CLI.
// Run after `npm run build`:  node tools/scripts/publish-smoke.mjs
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runServer } from 'verdaccio';
import { workspacePackages, workspaceRoot } from './workspace.mjs';

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
  log('ok');
} finally {
  server.close();
  rmSync(scratch, { recursive: true, force: true });
}
