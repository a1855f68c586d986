import { importOptional, silentLogger, UsageError } from '@tribar/core';
import type { Logger } from '@tribar/core';
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as TfjsNamespace from '@tensorflow/tfjs';
import type * as TfjsWasm from '@tensorflow/tfjs-backend-wasm';
import { installPthreadShims, wasmThreadCount } from './wasm-threads.js';

export type Tfjs = typeof TfjsNamespace;

/**
 * Fastest first. The two tfjs-node packages are never dependencies (their install downloads
 * libtensorflow, which fails offline): they are used only when the user installed one. `webgpu`
 * (@tensorflow/tfjs-backend-webgpu over the `webgpu` package's Dawn, both optional dependencies that
 * install from npm alone) is tried only when Dawn finds a GPU adapter.
 */
export const TFJS_BACKEND_ORDER = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'] as const;

interface BackendAttempt {
  name: string;
  ok: boolean;
  reason?: string;
}

export interface TfjsSelection {
  tf: Tfjs;
  /** tfjs's own name of the backend in use: `tensorflow`, `webgpu`, `wasm` or `cpu`. */
  backend: string;
  /** XNNPACK's threads on the wasm backend (1: the single-threaded SIMD binary); absent on the others. */
  threads?: number;
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
  /**
   * Whether the machine shows a GPU device node at all; without one the webgpu candidate is skipped
   * before Dawn's native module loads (it prints a Vulkan warning on GPU-less machines). Defaults to
   * {@link hasGpuDevice}; tests inject it.
   */
  gpuDevicePresent?: () => boolean;
  /**
   * Threads of the wasm backend (its threaded SIMD binary when > 1; see `wasm-threads.ts`). Defaults to
   * `TRIBAR_XNNPACK_THREADS`, default 1 (see `wasmThreadCount`). Fixed once wasm initialised.
   */
  wasmThreads?: number;
}

/** Linux: a DRM render node (/dev/dri/renderD*) or an NVIDIA device (/dev/nvidia0); other platforms: assume one may exist. */
function hasGpuDevice(): boolean {
  if (process.platform !== 'linux') return true;
  if (existsSync('/dev/nvidia0')) return true;
  try {
    return readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
  } catch {
    return false;
  }
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
  webgpu: ['webgpu'],
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

/** What the `webgpu` package exports: Dawn's `navigator.gpu` factory and the WebGPU globals tfjs expects. */
interface DawnModule {
  create: (flags: string[]) => { requestAdapter: (options?: unknown) => Promise<DawnAdapter | null | undefined> };
  globals: Record<string, unknown>;
}

interface DawnAdapter {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean; description?: string; device?: string; vendor?: string };
}

/** A software rasteriser (SwiftShader, llvmpipe/lavapipe) is no GPU: the wasm backend beats it. */
function softwareAdapter(adapter: DawnAdapter): string | undefined {
  const info = adapter.info ?? {};
  const name = [info.vendor, info.device, info.description].filter((v) => v !== undefined && v !== '').join(' ');
  if (adapter.isFallbackAdapter === true || info.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe/i.test(name)) {
    return name === '' ? 'fallback adapter' : name;
  }
  return undefined;
}

/**
 * Dawn's `navigator.gpu` installed on globalThis (where @tensorflow/tfjs-backend-webgpu looks for it
 * when it is imported), only once an adapter was found: without one nothing global changes.
 */
async function activateWebgpu(tf: Tfjs, importer: (specifier: string) => Promise<unknown>, gpuDevicePresent: () => boolean): Promise<void> {
  if (!gpuDevicePresent()) throw new Error('no GPU device');
  const dawn = (await importer('webgpu')) as DawnModule;
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null || adapter === undefined) throw new Error('no GPU adapter');
  const software = softwareAdapter(adapter);
  if (software !== undefined) throw new Error(`only a software adapter (${software})`);
  Object.assign(globalThis, dawn.globals);
  const navigator = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else if (navigator.gpu === undefined) Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true });
  await importer('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackendFactory('webgpu') === null) {
    throw new Error(
      '@tensorflow/tfjs-backend-webgpu loaded but registered no webgpu backend with this @tensorflow/tfjs (version mismatch?)',
    );
  }
  await activate(tf, 'webgpu');
}

async function tryCandidate(
  tf: Tfjs,
  name: string,
  importer: (specifier: string) => Promise<unknown>,
  gpuDevicePresent: () => boolean,
  threads: number,
): Promise<{ backend: string; threads?: number }> {
  const nodePackage = NODE_PACKAGES[name];
  if (nodePackage !== undefined) {
    await importer(nodePackage);
    if (tf.findBackendFactory('tensorflow') === null) {
      throw new Error(`${nodePackage} loaded but registered no 'tensorflow' backend with this @tensorflow/tfjs (version mismatch?)`);
    }
    await activate(tf, 'tensorflow');
    return { backend: 'tensorflow' };
  }
  if (name === 'webgpu') {
    await activateWebgpu(tf, importer, gpuDevicePresent);
    return { backend: 'webgpu' };
  }
  if (name === 'wasm') {
    const wasm = (await importer('@tensorflow/tfjs-backend-wasm')) as typeof TfjsWasm;
    // In Node the .wasm binaries are read from disk: point the backend at the installed package's dist/.
    const packageRoot = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    wasm.setWasmPaths(`${join(packageRoot, 'dist')}/`);
    if (threads > 1 && typeof wasm.setThreadsCount === 'function') {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
      wasm.setThreadsCount(threads);
      const restore = installPthreadShims(packageRoot, threads);
      try {
        await activate(tf, 'wasm');
      } finally {
        restore();
      }
    } else await activate(tf, 'wasm');
    return { backend: 'wasm', threads: wasmThreadsInUse(wasm) };
  }
  if (name === 'cpu') {
    await activate(tf, 'cpu');
    return { backend: 'cpu' };
  }
  throw new Error(`unknown tfjs backend '${name}'`);
}

function candidatesFor(options: SelectTfjsBackendOptions): { names: readonly string[]; forced: boolean } {
  const override = (options.override ?? process.env['TRIBAR_TFJS_BACKEND'] ?? '').trim().toLowerCase();
  if (override !== '') {
    const names = OVERRIDES[override];
    if (names === undefined) {
      throw new UsageError(`TRIBAR_TFJS_BACKEND=${override} is not a tfjs backend`, {
        hint: 'Use cpu, wasm, webgpu or tensorflow (or unset it to choose automatically).',
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
  const tf = await importOptional<Tfjs>(
    '@tensorflow/tfjs',
    'The neural model families (mlp, lstm, gru, tcn, transformer, patchtst, nhits, tft)',
  );
  const tried: BackendAttempt[] = [];
  const wantThreads = options.wasmThreads ?? wasmThreadCount();
  for (const name of names) {
    try {
      const { backend, threads } = await tryCandidate(tf, name, importer, options.gpuDevicePresent ?? hasGpuDevice, wantThreads);
      tried.push({ name, ok: true });
      const label = threads === undefined ? backend : `${backend} (${threads} thread${threads === 1 ? '' : 's'})`;
      logger.info({ backend, ...(threads !== undefined ? { threads } : {}), tried }, `tfjs backend: ${label}`);
      return { tf, backend, ...(threads !== undefined ? { threads } : {}), tried };
    } catch (error) {
      tried.push({ name, ok: false, reason: reasonOf(error) });
    }
  }
  const summary = tried.map((t) => `${t.name}: ${t.reason ?? 'ok'}`).join('; ');
  throw new UsageError(`no tfjs backend could be initialised (${summary})`, {
    hint: forced ? 'Unset TRIBAR_TFJS_BACKEND or install what it names.' : 'Reinstall @tensorflow/tfjs (the cpu backend ships with it).',
  });
}

/** XNNPACK's thread count as the initialised wasm backend reports it (1 when it cannot say). */
function wasmThreadsInUse(wasm: unknown): number {
  const get = (wasm as Partial<typeof TfjsWasm> | undefined)?.getThreadsCount;
  try {
    return typeof get === 'function' ? Math.max(1, get()) : 1;
  } catch {
    return 1;
  }
}

const memo = new Map<string, Promise<TfjsSelection>>();

/**
 * Pick the fastest tfjs backend that works here — tfjs-node-gpu, tfjs-node, wasm, cpu — and make it
 * tfjs's active backend. Runs once per process for a given candidate list (later calls share the
 * answer), logs the choice with every attempt and returns it so the trainer records it with the run.
 */
export function selectTfjsBackend(options: SelectTfjsBackendOptions = {}): Promise<TfjsSelection> {
  if (options.importer !== undefined) return select(options);
  const key = `${process.env['TRIBAR_TFJS_BACKEND'] ?? ''}|${options.override ?? ''}|${(options.prefer ?? TFJS_BACKEND_ORDER).join(',')}|${options.wasmThreads ?? process.env['TRIBAR_XNNPACK_THREADS'] ?? ''}`;
  let pending = memo.get(key);
  if (pending === undefined) {
    pending = select(options);
    memo.set(key, pending);
    // A failure is not memoised: the next call may run after the user fixed the environment.
    pending.catch(() => memo.delete(key));
  }
  return pending;
}
