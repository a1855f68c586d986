import { PassThrough } from 'node:stream';
import type { CliContext } from '../src/internal/context.js';
import { runCli } from '../src/internal/program.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process in `cwd` with captured streams, as a user at a terminal would see it. */
export async function runCliCaptured(
  argv: string[],
  cwd: string,
  options: { env?: Record<string, string>; stages?: CliContext['stages']; signal?: AbortSignal } = {},
): Promise<CliRun> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await runCli(argv, {
    io: { out, err, env: options.env ?? {}, cwd },
    stages: options.stages ?? [],
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { code, stdout, stderr };
}

/** A small Phase 1 run with a logistic search space: what the `tune` and `worker` tests study (no training stage). */
export const TUNE_SMALL_YAML = [
  'data:',
  '  synthetic:',
  '    days: 21',
  'horizons: [20]',
  'splits:',
  '  embargoBars: 288',
  'train:',
  '  models: []',
  'tune:',
  '  space:',
  '    logistic: { include: [C], ranges: { C: { low: 0.01, high: 10, log: true } }, fixed: { maxIter: 5 } }',
  '',
].join('\n');
