import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredStages } from '@tribar/pipeline';
import { EXIT } from '../src/internal/exit-codes.js';
import { runCliCaptured, TUNE_SMALL_YAML } from './run-cli.js';

// `tribar tune --redis` with a `tribar worker` on a private redis-server (skipped with a message when
// Debian's redis-server is not installed: tools/scripts/setup-system.sh installs it).
const REDIS_SERVER = '/usr/bin/redis-server';
let cwd: string;
let redis: ChildProcess | undefined;
let url = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('error', () => resolve(false));
    socket.once('data', (chunk) => (socket.destroy(), resolve(chunk.toString().startsWith('+PONG'))));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'tribar-cli-worker-'));
  if (!existsSync(REDIS_SERVER)) {
    console.warn(`skipping tribar worker tests: ${REDIS_SERVER} is not installed`);
    return;
  }
  const port = await freePort();
  redis = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  while (!(await ping(port))) await new Promise((resolve) => setTimeout(resolve, 50));
  url = `redis://127.0.0.1:${port}`;
  writeFileSync(join(cwd, 'small.yaml'), TUNE_SMALL_YAML);
  const pipeline = await runCliCaptured(['pipeline', '--config', 'small.yaml', '--run-id', 'small'], cwd, { stages: registeredStages });
  expect(pipeline.code, pipeline.stderr).toBe(EXIT.ok);
});
afterAll(() => {
  redis?.kill('SIGTERM');
  rmSync(cwd, { recursive: true, force: true });
});

describe('tribar tune --redis with tribar worker', () => {
  it('fits every trial on the worker and lands them in the one journal, as the local study would', async () => {
    if (!redis) return;
    const stop = new AbortController();
    const worker = runCliCaptured(['worker', '--redis', url, '--concurrency', '2', '--log-level', 'warn'], cwd, { signal: stop.signal });
    const args = ['tune', '--config', 'small.yaml', '--model', 'logistic', '--symbol', 'MES', '--horizon', '20', '--trials', '4'];
    const tune = await runCliCaptured([...args, '--sampler', 'random', '--pruner', 'none', '--redis', url, '--study', 'remote'], cwd, {
      stages: registeredStages,
    });
    stop.abort();
    const stopped = await worker;
    expect(tune.code, tune.stderr).toBe(EXIT.ok);
    expect(tune.stdout).toMatch(/study remote: 4 complete, 0 pruned, 0 failed/);
    expect(stopped.code, stopped.stderr).toBe(EXIT.ok);
    expect(stopped.stderr).toMatch(/remote trial #3 complete/);
    // The same seeded study on this machine scores the same trials the same.
    const local = await runCliCaptured([...args, '--sampler', 'random', '--pruner', 'none', '--study', 'local'], cwd, {
      stages: registeredStages,
    });
    expect(local.code, local.stderr).toBe(EXIT.ok);
    const trials = (name: string) =>
      (
        JSON.parse(readFileSync(join(cwd, 'studies', `${name}.summary.json`), 'utf8')) as {
          trials: Array<{ params: unknown; value: number }>;
        }
      ).trials.map((t) => [t.params, t.value]);
    expect(trials('remote')).toEqual(trials('local'));
  });
});
