import { silentLogger, UsageError } from '@tribar/core';
import type { Logger } from '@tribar/core';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TfjsNamespace from '@tensorflow/tfjs';
import type * as TfjsWasm from '@tensorflow/tfjs-backend-wasm';

export type Tfjs = typeof TfjsNamespace;

/**
 * Fastest first. The two tfjs-node packages are never dependencies (their install downloads
 * libtensorflow, which fails offline): they are used only when the user installed one.
 */
export const TFJS_BACKEND_ORDER = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;

interface BackendAttempt {
  name: string;
  ok: boolean;
  reason?: string;
}

export interface TfjsSelection {
  tf: Tfjs;
  /** tfjs's own name of the backend in use: `tensorflow`, `wasm` or `cpu`. */
  backend: string;
  tried: BackendAttempt[];
}

export interface SelectTfjsBackendOptions {
  /** Candidates to try in order (names of TFJS_BACKEND_ORDER, or `tensorflow` for both tfjs-node packages). */
  prefer?: readonly string[];
  logger?: Logger;
  /** How optional packages are imported; tests inject fakes. A custom importer bypasses the per-process memo. */
  importer?: (specifier: string) => Promise<unknown>;
  /** Defaults to process.env.TRIBAR_TFJS_BACKEND. */
  override?: string;
}

const NODE_PACKAGES: Record<string, string> = {
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  'tfjs-node': '@tensorflow/tfjs-node',
};

/** `TRIBAR_TFJS_BACKEND` values and what each forces. */
const OVERRIDES: Record<string, readonly string[]> = {
  tensorflow: ['tfjs-node-gpu', 'tfjs-node'],
  'tfjs-node-gpu': ['tfjs-node-gpu'],
  'tfjs-node': ['tfjs-node'],
  wasm: ['wasm'],
  cpu: ['cpu'],
};

// A computed specifier keeps TypeScript and bundlers from resolving packages that are not installed.
const defaultImporter = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ specifier);

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return 'not installed';
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

async function activate(tf: Tfjs, name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed to initialise`);
  await tf.ready();
  // The cpu backend prints a console banner on first use urging tfjs-node; the choice is logged through the logger instead.
  const instance = tf.findBackend(name) as { firstUse?: boolean } | null;
  if (instance !== null && instance.firstUse === true) instance.firstUse = false;
  // A backend can register and still be unable to compute (a libtensorflow or .wasm mismatch): try one op.
  const sum = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]);
  if (sum !== 3) throw new Error(`the '${name}' backend computed 1 + 2 = ${sum}`);
}

async function tryCandidate(tf: Tfjs, name: string, importer: (specifier: string) => Promise<unknown>): Promise<string> {
  const nodePackage = NODE_PACKAGES[name];
  if (nodePackage !== undefined) {
    await importer(nodePackage);
    if (tf.findBackendFactory('tensorflow') === null) {
      throw new Error(`${nodePackage} loaded but registered no 'tensorflow' backend with this @tensorflow/tfjs (version mismatch?)`);
    }
    await activate(tf, 'tensorflow');
    return 'tensorflow';
  }
  if (name === 'wasm') {
    const wasm = (await importer('@tensorflow/tfjs-backend-wasm')) as typeof TfjsWasm;
    // In Node the .wasm binaries are read from disk: point the backend at the installed package's dist/.
    const packageJson = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
    wasm.setWasmPaths(`${join(dirname(packageJson), 'dist')}/`);
    await activate(tf, 'wasm');
    return 'wasm';
  }
  if (name === 'cpu') {
    await activate(tf, 'cpu');
    return 'cpu';
  }
  throw new Error(`unknown tfjs backend '${name}'`);
}

function candidatesFor(options: SelectTfjsBackendOptions): { names: readonly string[]; forced: boolean } {
  const override = (options.override ?? process.env['TRIBAR_TFJS_BACKEND'] ?? '').trim().toLowerCase();
  if (override !== '') {
    const names = OVERRIDES[override];
    if (names === undefined) {
      throw new UsageError(`TRIBAR_TFJS_BACKEND=${override} is not a tfjs backend`, {
        hint: 'Use cpu, wasm or tensorflow (or unset it to choose automatically).',
      });
    }
    return { names, forced: true };
  }
  const names = (options.prefer ?? TFJS_BACKEND_ORDER).flatMap((n) => OVERRIDES[n.toLowerCase()] ?? [n]);
  return { names, forced: false };
}

async function select(options: SelectTfjsBackendOptions): Promise<TfjsSelection> {
  const logger = options.logger ?? silentLogger();
  const importer = options.importer ?? defaultImporter;
  const { names, forced } = candidatesFor(options);
  const tf = (await import('@tensorflow/tfjs')) as Tfjs;
  const tried: BackendAttempt[] = [];
  for (const name of names) {
    try {
      const backend = await tryCandidate(tf, name, importer);
      tried.push({ name, ok: true });
      logger.info({ backend, tried }, `tfjs backend: ${backend}`);
      return { tf, backend, tried };
    } catch (error) {
      tried.push({ name, ok: false, reason: reasonOf(error) });
    }
  }
  const summary = tried.map((t) => `${t.name}: ${t.reason ?? 'ok'}`).join('; ');
  throw new UsageError(`no tfjs backend could be initialised (${summary})`, {
    hint: forced ? 'Unset TRIBAR_TFJS_BACKEND or install what it names.' : 'Reinstall @tensorflow/tfjs (the cpu backend ships with it).',
  });
}

const memo = new Map<string, Promise<TfjsSelection>>();

/**
 * Pick the fastest tfjs backend that works here — tfjs-node-gpu, tfjs-node, wasm, cpu — and make it
 * tfjs's active backend. Runs once per process for a given candidate list (later calls share the
 * answer), logs the choice with every attempt and returns it so the trainer records it with the run.
 */
export function selectTfjsBackend(options: SelectTfjsBackendOptions = {}): Promise<TfjsSelection> {
  if (options.importer !== undefined) return select(options);
  const key = `${process.env['TRIBAR_TFJS_BACKEND'] ?? ''}|${options.override ?? ''}|${(options.prefer ?? TFJS_BACKEND_ORDER).join(',')}`;
  let pending = memo.get(key);
  if (pending === undefined) {
    pending = select(options);
    memo.set(key, pending);
    // A failure is not memoised: the next call may run after the user fixed the environment.
    pending.catch(() => memo.delete(key));
  }
  return pending;
}
